using Missions.Host.Web;

namespace Missions.Host.WebChat;

/// <summary>
/// The local chat page: Bot Framework Web Chat and the Adaptive Cards renderer, both served from this host (fetched
/// from npm at build time, never from a CDN), talking to our own Direct Line endpoint.
/// </summary>
internal static class WebChatPage
{
    private static readonly Dictionary<string, (string Folder, string File, string ContentType)> Files = new(StringComparer.Ordinal)
    {
        ["/"] = ("WebChat/Page", "index.html", HostFiles.Html),
        ["/webchat/app.js"] = ("WebChat/Page", "app.js", HostFiles.Script),
        ["/webchat/app.css"] = ("WebChat/Page", "app.css", HostFiles.Style),
        ["/webchat/lib/webchat.js"] = ("WebChat/client/lib", "webchat.js", HostFiles.Script),
        ["/webchat/lib/adaptivecards.min.js"] = ("WebChat/client/lib", "adaptivecards.min.js", HostFiles.Script),
    };

    public static void Map(WebApplication app)
    {
        app.MapGet("/favicon.ico", () => Results.NoContent()).ExcludeFromDescription();
        // Web Chat reads a file picked with the paperclip through its blob: address before it uploads it.
        HostFiles.Map(app, Files, SecurityHeaders.Policy.Replace("connect-src 'self'", "connect-src 'self' blob:", StringComparison.Ordinal));
    }
}
