using System.Net;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;
using Microsoft.Identity.Web;
using Missions.Host.Missions;
using Missions.Host.Workspace;

namespace Missions.Host.Web;

/// <summary>API keys for the REST API. With none configured, the API answers loopback callers only.</summary>
public sealed class ApiAccessOptions
{
    public const string Section = "Missions:Api";

    public List<ApiKeyEntry> Keys { get; set; } = [];

    /// <summary>
    /// Count a request that arrives with no remote address (through a Unix socket, behind a proxy) as one from this
    /// machine. Off: such a request is never local, since whoever the proxy serves could be anywhere.
    /// </summary>
    public bool LocalWithoutAddress { get; set; }

    /// <summary>Whether any key is configured (then every call needs one, or a signed-in session).</summary>
    public bool HasKeys => Keys.Any(k => k.Key.Length > 0);
}

public sealed class ApiKeyEntry
{
    /// <summary>Who holds the key; recorded as the actor of what they do.</summary>
    public string Name { get; set; } = "";

    public string Key { get; set; } = "";
}

/// <summary>
/// Authenticates <c>X-Api-Key</c> (or <c>Authorization: ApiKey …</c>). The policy <see cref="ApiAccess.Policy"/>
/// then decides: a valid key or a signed-in person's session (<see cref="SignIn"/>) is required when either is
/// configured; with neither, the caller must be on this machine.
/// </summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IOptionsMonitor<ApiAccessOptions> access)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";

    /// <summary>Whether the request carries a key at all (valid or not).</summary>
    public static bool IsSent(HttpRequest request) => Presented(request).Length > 0;

    private static string Presented(HttpRequest request)
    {
        var presented = request.Headers["X-Api-Key"].ToString();
        var authorization = request.Headers.Authorization.ToString();
        return presented.Length == 0 && authorization.StartsWith(SchemeName + " ", StringComparison.OrdinalIgnoreCase)
            ? authorization[(SchemeName.Length + 1)..].Trim()
            : presented;
    }

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var presented = Presented(Request);
        if (presented.Length == 0)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var presentedBytes = Encoding.UTF8.GetBytes(presented);
        foreach (var entry in access.CurrentValue.Keys)
        {
            if (entry.Key.Length > 0 && CryptographicOperations.FixedTimeEquals(presentedBytes, Encoding.UTF8.GetBytes(entry.Key)))
            {
                var name = entry.Name.Length > 0 ? entry.Name : "api-key";
                var identity = new ClaimsIdentity(
                    [new Claim(ClaimTypes.NameIdentifier, "api:" + name), new Claim(ClaimTypes.Name, name)],
                    SchemeName);
                return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
            }
        }

        return Task.FromResult(AuthenticateResult.Fail("The API key is not valid."));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var keys = access.CurrentValue.HasKeys;
        var signIn = SignIn.IsConfigured(Context.RequestServices.GetRequiredService<IConfiguration>());
        if (!keys && !signIn)
        {
            // No keys to ask for: the caller is refused for where it is, not for what it sent.
            await HandleForbiddenAsync(properties);
            return;
        }

        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = SchemeName;
        await WriteProblemAsync(StatusCodes.Status401Unauthorized, "Unauthorized", (keys, signIn) switch
        {
            (true, true) => $"Send a valid API key in the X-Api-Key header, or sign in at {SignIn.Path}.",
            (true, false) => "Send a valid API key in the X-Api-Key header.",
            _ => $"Sign in at {SignIn.Path} first.",
        });
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        await WriteProblemAsync(StatusCodes.Status403Forbidden, "Forbidden", Context.User.Identity?.IsAuthenticated == true
            ? "A change made with a signed-in session must come from this host's own pages, not from a page of another site."
            : "With no API key or sign-in configured, the API answers callers on this machine only.");
    }

    private Task WriteProblemAsync(int status, string title, string detail) =>
        Context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails = { Status = status, Title = title, Detail = detail },
        }).AsTask();
}

internal sealed class ApiAccessRequirement : IAuthorizationRequirement;

internal sealed class ApiAccessHandler(IOptionsMonitor<ApiAccessOptions> access, IHttpContextAccessor http, IConfiguration configuration)
    : AuthorizationHandler<ApiAccessRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, ApiAccessRequirement requirement)
    {
        var request = http.HttpContext;
        if (context.User.Identity is { IsAuthenticated: true } identity)
        {
            // A key is a tool's; a session is a browser's, whose cookie another site's page could make it send.
            if (identity.AuthenticationType == ApiKeyAuthenticationHandler.SchemeName || request is null || ApiAccess.IsNotCrossSite(request.Request))
            {
                context.Succeed(requirement);
            }
        }
        else if (!access.CurrentValue.HasKeys && !SignIn.IsConfigured(configuration) && request is not null && ApiAccess.IsLocal(request))
        {
            // Neither keys nor sign-in configured: a caller on this machine.
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }
}

public static class ApiAccess
{
    public const string Policy = "MissionsApi";

    /// <summary>The board and mission pages: signed-in people when sign-in is configured, else as the API.</summary>
    public const string PagesPolicy = "MissionsPages";

    /// <summary>An API caller: a key when one is sent, else a signed-in person's session (the pages' links).</summary>
    private const string CallerScheme = "MissionsCaller";

    public static IHostApplicationBuilder AddApiAccess(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ApiAccessOptions>().BindConfiguration(ApiAccessOptions.Section)
            .Validate(o => o.Keys.All(k => k.Key.Length >= 16), "Missions:Api:Keys:N:Key must be at least 16 characters (a key that short is guessed).")
            .Validate(o => o.Keys.Select(k => k.Key).Distinct(StringComparer.Ordinal).Count() == o.Keys.Count, "Missions:Api:Keys: two entries have the same key.")
            .ValidateOnStart();
        builder.Services.AddHttpContextAccessor();
        var signIn = SignIn.IsConfigured(builder.Configuration);
        var authentication = builder.Services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null)
            .AddPolicyScheme(CallerScheme, null, o =>
            {
                o.ForwardDefaultSelector = http => signIn && !ApiKeyAuthenticationHandler.IsSent(http.Request) && http.Request.Cookies.ContainsKey(SignIn.SessionCookie)
                    ? SignIn.SessionScheme
                    : ApiKeyAuthenticationHandler.SchemeName;
                o.ForwardChallenge = ApiKeyAuthenticationHandler.SchemeName;
                o.ForwardForbid = ApiKeyAuthenticationHandler.SchemeName;
            });
        if (signIn)
        {
            SignIn.Add(builder, authentication);
        }

        builder.Services.AddSingleton<IAuthorizationHandler, ApiAccessHandler>();
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(Policy, p => p.AddAuthenticationSchemes(CallerScheme).AddRequirements(new ApiAccessRequirement()))
            .AddPolicy(PagesPolicy, p =>
            {
                if (signIn)
                {
                    // Not signed in: to the sign-in page (Teams inside Teams, else Entra ID), then back.
                    p.AddAuthenticationSchemes(SignIn.SessionScheme).RequireAuthenticatedUser().AddRequirements(new ApiAccessRequirement());
                }
                else
                {
                    p.AddAuthenticationSchemes(CallerScheme).AddRequirements(new ApiAccessRequirement());
                }
            });
        return builder;
    }

    /// <summary>
    /// A request from this machine, by this machine's own pages or tools: a loopback connection (one with no address
    /// at all, through a Unix socket, only when <see cref="ApiAccessOptions.LocalWithoutAddress"/> says so), addressed to
    /// a loopback name — not a page of another site that a browser here was made to call through a name that points
    /// here (DNS rebinding), nor a proxy forwarding from outside — and not sent across sites (<see cref="IsNotCrossSite"/>).
    /// </summary>
    public static bool IsLocal(HttpContext http) =>
        IsLoopback(http) && IsLoopbackName(http.Request.Host.Host) && IsNotCrossSite(http.Request);

    /// <summary>
    /// A read, or a change or WebSocket (the pages' live connection) sent by this host's own pages or by a tool: not a
    /// cross-site form, fetch or socket that a page of another site made a browser send, with its cookies.
    /// </summary>
    public static bool IsNotCrossSite(HttpRequest request) =>
        ((HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method))
            && request.Headers.Upgrade.Count == 0)
        || IsSameOrigin(request);

    private static bool IsLoopback(HttpContext http) => http.Connection.RemoteIpAddress is { } address
        ? IPAddress.IsLoopback(address)
        : http.RequestServices.GetRequiredService<IOptionsMonitor<ApiAccessOptions>>().CurrentValue.LocalWithoutAddress;

    private static bool IsLoopbackName(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase)
        || (IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address));

    /// <summary>
    /// No Origin (a tool, a script) or this host's own — its scheme and address as the request reached it, or as people
    /// reach it through a proxy (<c>Missions:Artifacts:PublicUrl</c>); a browser's cross-site request says so in
    /// Sec-Fetch-Site.
    /// </summary>
    private static bool IsSameOrigin(HttpRequest request)
    {
        if (request.Headers["Sec-Fetch-Site"].ToString() is "cross-site" or "same-site")
        {
            return false;
        }

        var origin = request.Headers.Origin.ToString();
        if (origin.Length == 0)
        {
            return true;
        }

        if (!Uri.TryCreate(origin, UriKind.Absolute, out var from))
        {
            return false;
        }

        var published = request.HttpContext.RequestServices.GetService<IOptions<Runs.ArtifactLinkOptions>>()?.Value.PublicUrl;
        return Same(request.Scheme, request.Host.Value) || (Uri.TryCreate(published, UriKind.Absolute, out var publicUrl) && Same(publicUrl.Scheme, publicUrl.Authority));

        bool Same(string scheme, string? authority) =>
            string.Equals(from.Scheme, scheme, StringComparison.OrdinalIgnoreCase) && string.Equals(from.Authority, authority, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The actor for what an API caller does: the key's holder, the signed-in person, or the local user.</summary>
    public static Actor ActorOf(HttpContext context) => ActorOf(context.User);

    /// <summary>
    /// The actor for a caller: a signed-in person by their Entra object id (which approver policies may name), a key
    /// by its holder's name, and whoever is at this machine when nothing is configured.
    /// </summary>
    public static Actor ActorOf(ClaimsPrincipal user)
    {
        if (user.Identity?.IsAuthenticated != true)
        {
            return LocalUser;
        }

        if (user.GetObjectId() is { Length: > 0 } objectId)
        {
            // The person's name as the directory has it ("name"), not their sign-in name.
            var name = user.FindFirstValue(ClaimConstants.Name) is { Length: > 0 } n ? n : user.GetDisplayName() ?? objectId;
            return Actor.Human("entra:" + objectId, name, objectId);
        }

        return Actor.Human(user.FindFirstValue(ClaimTypes.NameIdentifier) ?? "api", user.Identity.Name ?? "API");
    }

    /// <summary>Whoever is at this machine, when nothing says more: API calls without keys, the board's pages.</summary>
    public static Actor LocalUser { get; } = Actor.Human("local", "Local user");

    /// <summary>
    /// The workspace a caller belongs to: a signed-in person's Entra tenant, which is their Teams tenant; null for an
    /// API key and for the operator at this machine, who see every workspace.
    /// </summary>
    public static string? WorkspaceOf(ClaimsPrincipal user) =>
        user.Identity?.IsAuthenticated == true && user.GetObjectId() is { Length: > 0 } ? Workspaces.OfTeams(user.GetTenantId()) : null;

    /// <summary>
    /// Where a mission the caller makes without a proposal belongs: the workspace they name, where they may make one
    /// (an API key or the operator at this machine anywhere; a signed-in person only in a workspace they see), else
    /// their own (the local one for a key or the operator).
    /// </summary>
    public static string WorkspaceForNew(HttpContext http, string? named)
    {
        var mine = WorkspaceOf(http.User);
        if (named is null)
        {
            return mine ?? Workspaces.Local;
        }

        if (!Workspaces.IsValid(named))
        {
            throw DomainException.Invalid("workspace", $"'{named}' is not a workspace: \"local\", \"msteams:<tenant id>\" or \"discord:<server id>\".");
        }

        return mine is null || http.RequestServices.GetRequiredService<Workspaces>().SeenFrom(mine).Contains(named, StringComparer.Ordinal)
            ? named
            : throw DomainException.NotPermitted("You can make missions only in your own workspace.");
    }

    /// <summary>
    /// Narrows what the scope's database context sees to the caller's workspace (and those joined to it): a signed-in
    /// person sees their tenant's missions only; API keys and the operator at this machine see every workspace.
    /// </summary>
    public static void SeeAs(IServiceProvider services, ClaimsPrincipal user)
    {
        if (WorkspaceOf(user) is { } workspace)
        {
            services.GetRequiredService<Data.MissionsDbContext>().SeeOnly(services.GetRequiredService<Workspaces>().SeenFrom(workspace));
        }
    }

    /// <summary>A scope for a page's work on behalf of <paramref name="user"/>: it sees what they may see (<see cref="SeeAs"/>).</summary>
    public static AsyncServiceScope CreateScopeFor(this IServiceScopeFactory scopes, ClaimsPrincipal user)
    {
        var scope = scopes.CreateAsyncScope();
        SeeAs(scope.ServiceProvider, user);
        return scope;
    }
}
