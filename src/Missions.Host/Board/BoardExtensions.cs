using Microsoft.FluentUI.AspNetCore.Components;
using Missions.Host.Web;

namespace Missions.Host.Board;

/// <summary>
/// The board (<c>/board</c>) and mission pages (<c>/missions/M-12</c>): Razor components with Fluent UI, interactive
/// over the server's connection: for signed-in people when sign-in is configured (<see cref="SignIn"/>), else behind
/// the REST API's rule (this machine only, with no keys).
/// </summary>
public static class BoardExtensions
{
    public static IHostApplicationBuilder AddBoardPages(this IHostApplicationBuilder builder)
    {
        // The pages' styles and scripts (Fluent UI's, Blazor's, ours) come from the build's static web assets: in a
        // published host they are files under wwwroot; run from the build output in any environment, from the
        // manifest the build wrote beside it.
        if (builder.Environment is IWebHostEnvironment web)
        {
            Microsoft.AspNetCore.Hosting.StaticWebAssets.StaticWebAssetsLoader.UseStaticWebAssets(web, builder.Configuration);
        }

        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.Services.AddFluentUIComponents();
        builder.Services.AddScoped<BoardData>();
        return builder;
    }

    public static WebApplication MapBoardPages(this WebApplication app)
    {
        // Files only (GET/HEAD of what exists): MapStaticAssets would add a catch-all endpoint outside a published
        // host, turning every unknown POST (a switched-off /api/messages) into a 405.
        app.UseStaticFiles();
        app.UseAntiforgery();
        // Blazor would send its own frame-ancestors 'self'; the host's security headers say who may frame the pages (Teams).
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode(o => o.ContentSecurityFrameAncestorsPolicy = null).RequireAuthorization(ApiAccess.PagesPolicy);
        SignIn.Map(app);
        return app;
    }
}
