namespace Missions.BotFramework;

/// <summary>
/// Hosts allowed by suffix: a host is allowed when it is one of them or under one ("contoso.sharepoint.com" under
/// "sharepoint.com"). The one way the Connector's service URLs and the files chat links to are checked.
/// </summary>
public sealed class HostSuffixes(IEnumerable<string> suffixes)
{
    private readonly string[] suffixes = suffixes.Select(h => h.Trim().TrimStart('.').ToLowerInvariant()).Where(h => h.Length > 0).ToArray();

    public bool Allow(Uri url)
    {
        var host = url.IdnHost.ToLowerInvariant();
        return suffixes.Any(s => host == s || host.EndsWith("." + s, StringComparison.Ordinal));
    }
}
