using System.Globalization;

namespace Missions.Host.Web;

/// <summary>The row version as an HTTP entity tag: <c>"7"</c>. Weak tags (<c>W/"7"</c>) are accepted too.</summary>
public static class ETags
{
    public static string Format(long version) => $"\"{version.ToString(CultureInfo.InvariantCulture)}\"";

    public static long? ReadIfMatch(HttpContext http)
    {
        var header = http.Request.Headers.IfMatch.ToString().Trim();
        if (header.Length == 0)
        {
            return null;
        }

        if (header.StartsWith("W/", StringComparison.Ordinal))
        {
            header = header[2..];
        }

        header = header.Trim('"');
        return long.TryParse(header, NumberStyles.None, CultureInfo.InvariantCulture, out var version)
            ? version
            : throw DomainException.Invalid("If-Match", "If-Match must be the version you read, as the ETag gave it (\"7\").");
    }

    public static long RequireIfMatch(HttpContext http) =>
        ReadIfMatch(http) ?? throw DomainException.VersionRequired("Send If-Match with the version you edited (the ETag of your GET), so no one's change is overwritten.");
}
