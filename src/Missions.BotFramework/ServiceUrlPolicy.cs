using System.Collections.Concurrent;

namespace Missions.BotFramework;

/// <summary>
/// Where the Connector client may send the bot's token (it is "like a password"): service URLs that arrived with a
/// validated token, or hosts on the allow-list of Bot Framework and Teams domains. Anything else is refused before
/// a request is made, so a forged serviceUrl cannot make the bot post its token elsewhere.
/// </summary>
public sealed class ServiceUrlPolicy
{
    public static readonly IReadOnlyList<string> BotFrameworkHostSuffixes =
    [
        "botframework.com", "botframework.azure.us", "smba.trafficmanager.net", "teams.microsoft.com", "teams.microsoft.us",
        "graph.microsoft.com", "sharepoint.com", "svc.ms", "blob.core.windows.net",
    ];

    private readonly ConcurrentDictionary<string, bool> validated = new(StringComparer.OrdinalIgnoreCase);
    private readonly HostSuffixes hosts;

    public ServiceUrlPolicy(IEnumerable<string>? extraHosts = null)
    {
        hosts = new HostSuffixes(BotFrameworkHostSuffixes.Concat(extraHosts ?? []));
    }

    /// <summary>Records a service URL that arrived on a request whose token was validated.</summary>
    public void Trust(string serviceUrl)
    {
        if (Uri.TryCreate(serviceUrl, UriKind.Absolute, out var uri))
        {
            validated[uri.GetLeftPart(UriPartial.Authority)] = true;
        }
    }

    public bool IsAllowed(Uri serviceUrl)
    {
        if (serviceUrl.Scheme != Uri.UriSchemeHttps && serviceUrl.Scheme != Uri.UriSchemeHttp)
        {
            return false;
        }

        if (validated.ContainsKey(serviceUrl.GetLeftPart(UriPartial.Authority)))
        {
            return true;
        }

        return serviceUrl.Scheme == Uri.UriSchemeHttps && hosts.Allow(serviceUrl);
    }
}
