namespace Missions.Host.Web;

/// <summary>The checks settings share: each says what is wrong and names the key, so the host stops with that message.</summary>
public static class StartupValidation
{
    /// <summary>Empty, or base64 of at least <paramref name="bytes"/> bytes.</summary>
    public static bool IsKeyOrEmpty(string? value, int bytes = 32)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return true;
        }

        var buffer = new byte[value.Length];
        return Convert.TryFromBase64String(value.Trim(), buffer, out var written) && written >= bytes;
    }

    /// <summary>Empty, or an absolute http(s) address.</summary>
    public static bool IsAddressOrEmpty(string? value) =>
        string.IsNullOrWhiteSpace(value) || (Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https");
}
