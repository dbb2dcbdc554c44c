namespace Missions.Host.WebChat;

/// <summary>
/// The local chat page: Bot Framework Web Chat and the Adaptive Cards renderer, both served from this host (fetched
/// from npm at build time, never from a CDN), talking to our own Direct Line endpoint.
/// </summary>
internal static class WebChatPage
{
    private static readonly Dictionary<string, (string Folder, string File, string ContentType)> Files = new(StringComparer.Ordinal)
    {
        ["/"] = ("WebChat/Page", "index.html", "text/html; charset=utf-8"),
        ["/webchat/app.js"] = ("WebChat/Page", "app.js", "text/javascript; charset=utf-8"),
        ["/webchat/app.css"] = ("WebChat/Page", "app.css", "text/css; charset=utf-8"),
        ["/webchat/lib/webchat.js"] = ("WebChat/client/lib", "webchat.js", "text/javascript; charset=utf-8"),
        ["/webchat/lib/adaptivecards.min.js"] = ("WebChat/client/lib", "adaptivecards.min.js", "text/javascript; charset=utf-8"),
    };

    public static void Map(WebApplication app)
    {
        app.MapGet("/favicon.ico", () => Results.NoContent()).ExcludeFromDescription();
        var roots = new[] { app.Environment.ContentRootPath, AppContext.BaseDirectory };
        foreach (var (path, (folder, file, contentType)) in Files)
        {
            app.MapGet(path, (HttpContext http) =>
            {
                var physical = roots.Select(r => Path.Combine(r, folder, file)).FirstOrDefault(File.Exists);
                if (physical is null)
                {
                    return Results.Problem(
                        statusCode: StatusCodes.Status503ServiceUnavailable,
                        title: "Web chat client missing",
                        detail: $"{folder}/{file} is not there. Build the host (dotnet build src/Missions.Host), which fetches the Web Chat bundle from npm.");
                }

                http.Response.Headers.CacheControl = "no-cache";
                return Results.File(physical, contentType);
            }).ExcludeFromDescription();
        }
    }
}
