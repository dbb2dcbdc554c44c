namespace Missions.Host.Web;

/// <summary>
/// Headers on every response: no content sniffing, no referrer (artifact links carry their signature), and a content
/// security policy that loads only this host's own scripts, styles and images and lets only Teams (and this host) frame
/// the pages. An endpoint that sets a stricter policy keeps it, with the framing rule added.
/// </summary>
public static class SecurityHeaders
{
    /// <summary>Who may frame the pages: this host, and Teams on the web, desktop and mobile (its tab hosts).</summary>
    public const string FrameAncestors = "frame-ancestors 'self' https://teams.microsoft.com https://*.teams.microsoft.com "
        + "https://*.teams.microsoft.us https://teams.cloud.microsoft https://*.cloud.microsoft https://*.office.com https://*.skype.com";

    public const string Policy = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
        + "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; " + FrameAncestors;

    public static WebApplication UseSecurityHeaders(this WebApplication app)
    {
        app.Use((http, next) =>
        {
            http.Response.OnStarting(() =>
            {
                var headers = http.Response.Headers;
                headers.XContentTypeOptions = "nosniff";
                headers["Referrer-Policy"] = "no-referrer";
                var policy = headers.ContentSecurityPolicy.ToString();
                headers.ContentSecurityPolicy = policy.Length == 0 ? Policy
                    : policy.Contains("frame-ancestors", StringComparison.Ordinal) ? policy : policy.TrimEnd(' ', ';') + "; " + FrameAncestors;
                return Task.CompletedTask;
            });
            return next();
        });
        return app;
    }
}
