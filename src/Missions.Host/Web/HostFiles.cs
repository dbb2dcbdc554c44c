namespace Missions.Host.Web;

/// <summary>
/// Pages and scripts served as files from the host's folders (the local chat page, the sign-in page, the browser
/// bundles fetched from npm at build time), looked for beside the content root and the build output.
/// </summary>
internal static class HostFiles
{
    public const string Html = "text/html; charset=utf-8";
    public const string Script = "text/javascript; charset=utf-8";
    public const string Style = "text/css; charset=utf-8";

    /// <summary>
    /// Maps each path to its file: <c>path → (folder, file, content type)</c>, under the host's content security
    /// policy or the one given.
    /// </summary>
    public static void Map(WebApplication app, IReadOnlyDictionary<string, (string Folder, string File, string ContentType)> files, string? contentSecurityPolicy = null)
    {
        var roots = new[] { app.Environment.ContentRootPath, AppContext.BaseDirectory };
        foreach (var (path, (folder, file, contentType)) in files)
        {
            app.MapGet(path, (HttpContext http) =>
            {
                var physical = roots.Select(r => Path.Combine(r, folder, file)).FirstOrDefault(File.Exists);
                if (physical is null)
                {
                    return Results.Problem(
                        statusCode: StatusCodes.Status503ServiceUnavailable,
                        title: "A page's file is missing",
                        detail: $"{folder}/{file} is not there. Build the host (dotnet build src/Missions.Host), which fetches the browser bundles from npm.");
                }

                http.Response.Headers.CacheControl = "no-cache";
                if (contentSecurityPolicy is not null)
                {
                    http.Response.Headers.ContentSecurityPolicy = contentSecurityPolicy;
                }

                return Results.File(physical, contentType);
            }).ExcludeFromDescription();
        }
    }
}
