using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.Options;
using Microsoft.Identity.Web;

namespace Missions.Host.Web;

/// <summary>
/// Sign-in for the board and mission pages, switched on by <c>Missions:SignIn:ClientId</c>: people sign in with Entra
/// ID on the web (OpenID Connect through Microsoft.Identity.Web, an id token posted back to <c>/signin-oidc</c>), and the
/// Teams tab signs in with the token Teams gives it (<c>getAuthToken</c>), checked as a bearer token whose audience is
/// this app. Either way the person gets a session cookie, and what they do is recorded as theirs.
/// </summary>
public static class SignIn
{
    public const string Section = "Missions:SignIn";

    /// <summary>The session of a signed-in person (a cookie).</summary>
    public const string SessionScheme = "MissionsSession";

    public const string SessionCookie = ".Missions.Session";

    /// <summary>Entra ID's web sign-in (OpenID Connect).</summary>
    public const string EntraScheme = OpenIdConnectDefaults.AuthenticationScheme;

    /// <summary>The Teams tab's token, exchanged once for a session at <c>POST /signin/teams</c>.</summary>
    public const string TeamsScheme = "TeamsSso";

    /// <summary>Where a page sends someone who is not signed in; it signs in through Teams inside Teams, else through Entra ID.</summary>
    public const string Path = "/signin";

    public static bool IsConfigured(IConfiguration configuration) => !string.IsNullOrWhiteSpace(configuration[$"{Section}:ClientId"]);

    internal static void Add(IHostApplicationBuilder builder, AuthenticationBuilder authentication)
    {
        var section = builder.Configuration.GetSection(Section);
        var clientId = section["ClientId"]!;
        var instance = section["Instance"] is { Length: > 0 } i ? i : "https://login.microsoftonline.com/";
        var tenantId = section["TenantId"] ?? "";
        if (!Guid.TryParse(clientId, out _))
        {
            throw Invalid($"{Section}:ClientId must be the app registration's Application (client) ID, a GUID.");
        }

        if (tenantId.Length == 0)
        {
            throw Invalid($"{Section}:TenantId is required: the directory (tenant) ID, or 'organizations' for any work account.");
        }

        if (!Uri.TryCreate(instance, UriKind.Absolute, out var instanceUri) || (instanceUri.Scheme != Uri.UriSchemeHttps && !IsLoopback(instanceUri)))
        {
            throw Invalid($"{Section}:Instance must be an https address (for example https://login.microsoftonline.com/).");
        }

        // An http identity provider only on this machine (a local test provider); Entra ID itself is https.
        var httpsMetadata = !IsLoopback(instanceUri);
        var issuers = Issuers(instanceUri, tenantId);
        authentication.AddMicrosoftIdentityWebApp(
            o =>
            {
                section.Bind(o);
                o.Instance = instance;
                o.SignedOutRedirectUri = Path;
            },
            cookie =>
            {
                cookie.Cookie.Name = SessionCookie;
                cookie.Cookie.HttpOnly = true;
                // The Teams tab is a frame of another site: its session cookie has to be sent there too, and kept
                // where browsers block third-party cookies: partitioned (CHIPS), one jar per top-level site.
                cookie.Cookie.SameSite = SameSiteMode.None;
                cookie.Cookie.SecurePolicy = CookieSecurePolicy.Always;
                cookie.Cookie.Extensions.Add("Partitioned");
                cookie.ExpireTimeSpan = TimeSpan.FromHours(8);
                cookie.SlidingExpiration = true;
                cookie.LoginPath = Path;
                cookie.ReturnUrlParameter = "returnUrl";
                // Signed in, but sent by a page of another site (its cookie along): refused, nowhere to go.
                cookie.Events.OnRedirectToAccessDenied = context =>
                {
                    context.Response.StatusCode = StatusCodes.Status403Forbidden;
                    return Task.CompletedTask;
                };
            },
            openIdConnectScheme: EntraScheme,
            cookieScheme: SessionScheme);
        builder.Services.Configure<OpenIdConnectOptions>(EntraScheme, o =>
        {
            o.RequireHttpsMetadata = httpsMetadata;
            o.TokenValidationParameters.ValidIssuers = issuers;
        });

        authentication.AddMicrosoftIdentityWebApi(section, jwtBearerScheme: TeamsScheme);
        builder.Services.Configure<JwtBearerOptions>(TeamsScheme, o =>
        {
            o.RequireHttpsMetadata = httpsMetadata;
            o.MapInboundClaims = false;
            o.TokenValidationParameters.ValidIssuers = issuers;
            // Teams asks for a token for the tab's Application ID URI (api://<host>/<client id>); v2 tokens name the client id.
            o.TokenValidationParameters.ValidAudiences = new[] { clientId, $"api://{clientId}", section["AppIdUri"] }.OfType<string>().Where(a => a.Length > 0).ToArray();
        });
    }

    /// <summary>
    /// Who may have issued a token: Entra's v2.0 issuer of the tenant (any tenant's, for <c>organizations</c> or
    /// <c>common</c>), and on the public cloud its v1.0 issuer too (a tab's token is v1.0 unless the app asks for v2.0).
    /// </summary>
    private static string[] Issuers(Uri instance, string tenantId)
    {
        var tenant = Guid.TryParse(tenantId, out _) ? tenantId : "{tenantid}";
        var v2 = new Uri(instance, $"{tenant}/v2.0").ToString();
        return instance.Host.Equals("login.microsoftonline.com", StringComparison.OrdinalIgnoreCase)
            ? [v2, $"https://sts.windows.net/{tenant}/"]
            : [v2];
    }

    private static OptionsValidationException Invalid(string message) =>
        new(Section, typeof(MicrosoftIdentityOptions), [message]);

    private static bool IsLoopback(Uri uri) =>
        uri.IsLoopback || (IPAddress.TryParse(uri.Host, out var address) && IPAddress.IsLoopback(address));

    private static readonly Dictionary<string, (string Folder, string File, string ContentType)> Files = new(StringComparer.Ordinal)
    {
        [Path] = ("Web/SignInPage", "signin.html", HostFiles.Html),
        ["/signin/signin.js"] = ("Web/SignInPage", "signin.js", HostFiles.Script),
        ["/signin/signin.css"] = ("Web/SignInPage", "signin.css", HostFiles.Style),
        ["/signin/teams-js.js"] = ("WebChat/client/lib", "MicrosoftTeams.min.js", HostFiles.Script),
    };

    internal static void Map(WebApplication app)
    {
        if (!IsConfigured(app.Configuration))
        {
            return;
        }

        // teams-js may fetch Microsoft's current list of Teams origins (it has its own list to fall back on).
        HostFiles.Map(app, Files, SecurityHeaders.Policy.Replace("connect-src 'self'", "connect-src 'self' https://res.cdn.office.net", StringComparison.Ordinal));

        // On the web: Entra ID's sign-in, then back to the page asked for (this host's own pages only).
        app.MapGet("/signin/entra", (string? returnUrl) =>
            Results.Challenge(new AuthenticationProperties { RedirectUri = LocalPath(returnUrl) }, [EntraScheme])).ExcludeFromDescription();

        // In Teams: the tab's token (Authorization: Bearer) becomes a session.
        app.MapPost("/signin/teams", async (HttpContext http) =>
        {
            var result = await http.AuthenticateAsync(TeamsScheme);
            if (!result.Succeeded || result.Principal.GetObjectId() is not { Length: > 0 } objectId)
            {
                return Results.Problem(
                    statusCode: StatusCodes.Status401Unauthorized,
                    title: "Not signed in",
                    detail: result.Failure is null ? "Send the token Teams gave the tab (getAuthToken) as 'Authorization: Bearer <token>'." : "The token Teams gave is not valid for this app.");
            }

            var principal = Person(objectId, result.Principal);
            await http.SignInAsync(SessionScheme, principal);
            return Results.Ok(new { name = principal.Identity!.Name });
        }).ExcludeFromDescription();

        // Whether this browser has a session (the tab looks before it goes on, rather than be sent round again).
        app.MapGet("/signin/session", async (HttpContext http) =>
            await http.AuthenticateAsync(SessionScheme) is { Succeeded: true } session
                ? Results.Ok(new { name = ApiAccess.ActorOf(session.Principal).Name })
                : Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Not signed in", detail: "This browser has no session here.")).ExcludeFromDescription();

        app.MapGet("/signout", async (HttpContext http) =>
        {
            await http.SignOutAsync(SessionScheme);
            return Results.Redirect(Path + "?signedOut=1");
        }).ExcludeFromDescription();
    }

    /// <summary>What the session keeps of a person: who they are in the directory and their name, nothing else.</summary>
    private static ClaimsPrincipal Person(string objectId, ClaimsPrincipal from)
    {
        var name = ApiAccess.ActorOf(from).Name;
        var claims = new List<Claim> { new(ClaimConstants.ObjectId, objectId), new(ClaimConstants.Name, name) };
        if (from.GetTenantId() is { Length: > 0 } tenant)
        {
            claims.Add(new Claim(ClaimConstants.TenantId, tenant));
        }

        return new ClaimsPrincipal(new ClaimsIdentity(claims, TeamsScheme, ClaimConstants.Name, ClaimConstants.Role));
    }

    /// <summary>
    /// A path on this host as a browser will read it, else the board: one leading <c>/</c> (not <c>//elsewhere</c>), and
    /// no control character, whitespace or backslash anywhere — browsers drop tabs and newlines from an address and read
    /// <c>\</c> as <c>/</c>, so <c>/\t/evil.example</c> and <c>/\evil.example</c> would take a person to another site.
    /// </summary>
    internal static string LocalPath(string? returnUrl) =>
        returnUrl is { Length: > 0 } && returnUrl[0] == '/' && (returnUrl.Length == 1 || returnUrl[1] != '/')
            && !returnUrl.Any(c => char.IsControl(c) || char.IsWhiteSpace(c) || c == '\\')
            ? returnUrl
            : "/board";
}
