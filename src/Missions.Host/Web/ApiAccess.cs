using System.Net;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;
using Missions.Host.Missions;

namespace Missions.Host.Web;

/// <summary>API keys for the REST API. With none configured, the API answers loopback callers only.</summary>
public sealed class ApiAccessOptions
{
    public const string Section = "Missions:Api";

    public List<ApiKeyEntry> Keys { get; set; } = [];
}

public sealed class ApiKeyEntry
{
    /// <summary>Who holds the key; recorded as the actor of what they do.</summary>
    public string Name { get; set; } = "";

    public string Key { get; set; } = "";
}

/// <summary>
/// Authenticates <c>X-Api-Key</c> (or <c>Authorization: ApiKey …</c>). The policy <see cref="ApiAccess.Policy"/>
/// then decides: keys configured → a valid key is required; none configured → the caller must be on loopback.
/// </summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IOptionsMonitor<ApiAccessOptions> access)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var presented = Request.Headers["X-Api-Key"].ToString();
        if (presented.Length == 0)
        {
            var authorization = Request.Headers.Authorization.ToString();
            if (authorization.StartsWith(SchemeName + " ", StringComparison.OrdinalIgnoreCase))
            {
                presented = authorization[(SchemeName.Length + 1)..].Trim();
            }
        }

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
        if (!access.CurrentValue.Keys.Any(k => k.Key.Length > 0))
        {
            // No keys to ask for: the caller is refused for where it is, not for what it sent.
            await HandleForbiddenAsync(properties);
            return;
        }

        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = SchemeName;
        await WriteProblemAsync(StatusCodes.Status401Unauthorized, "Unauthorized", "Send a valid API key in the X-Api-Key header.");
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        await WriteProblemAsync(StatusCodes.Status403Forbidden, "Forbidden", "With no API key configured, the API answers callers on this machine only.");
    }

    private Task WriteProblemAsync(int status, string title, string detail) =>
        Context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails = { Status = status, Title = title, Detail = detail },
        }).AsTask();
}

internal sealed class ApiAccessRequirement : IAuthorizationRequirement;

internal sealed class ApiAccessHandler(IOptionsMonitor<ApiAccessOptions> access, IHttpContextAccessor http)
    : AuthorizationHandler<ApiAccessRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, ApiAccessRequirement requirement)
    {
        if (access.CurrentValue.Keys.Any(k => k.Key.Length > 0))
        {
            if (context.User.Identity is { IsAuthenticated: true, AuthenticationType: ApiKeyAuthenticationHandler.SchemeName })
            {
                context.Succeed(requirement);
            }
        }
        else if (http.HttpContext is { } request && ApiAccess.IsLocal(request))
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }
}

public static class ApiAccess
{
    public const string Policy = "MissionsApi";

    public static IHostApplicationBuilder AddApiAccess(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ApiAccessOptions>().BindConfiguration(ApiAccessOptions.Section)
            .Validate(o => o.Keys.All(k => k.Key.Length >= 16), "Missions:Api:Keys:N:Key must be at least 16 characters (a key that short is guessed).")
            .Validate(o => o.Keys.Select(k => k.Key).Distinct(StringComparer.Ordinal).Count() == o.Keys.Count, "Missions:Api:Keys: two entries have the same key.")
            .ValidateOnStart();
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        builder.Services.AddSingleton<IAuthorizationHandler, ApiAccessHandler>();
        builder.Services.AddAuthorizationBuilder().AddPolicy(Policy, p => p
            .AddAuthenticationSchemes(ApiKeyAuthenticationHandler.SchemeName)
            .AddRequirements(new ApiAccessRequirement()));
        return builder;
    }

    /// <summary>
    /// A request from this machine, by this machine's own pages or tools: a loopback connection (or one with no IP at
    /// all: a Unix socket, the in-process test server), addressed to a loopback name — not a page of another site that
    /// a browser here was made to call through a name that points here (DNS rebinding), nor a proxy forwarding from
    /// outside — and, for a change, not sent by a page of another origin (a cross-site form or fetch).
    /// </summary>
    public static bool IsLocal(HttpContext http) =>
        IsLoopback(http.Connection) && IsLoopbackName(http.Request.Host.Host) && (HttpMethods.IsGet(http.Request.Method)
            || HttpMethods.IsHead(http.Request.Method) || HttpMethods.IsOptions(http.Request.Method) || IsSameOrigin(http.Request));

    private static bool IsLoopback(ConnectionInfo connection) =>
        connection.RemoteIpAddress is null || IPAddress.IsLoopback(connection.RemoteIpAddress);

    private static bool IsLoopbackName(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase)
        || (IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address));

    /// <summary>No Origin (a tool, a script) or this host's own; a browser's cross-site request says so in Sec-Fetch-Site.</summary>
    private static bool IsSameOrigin(HttpRequest request)
    {
        if (request.Headers["Sec-Fetch-Site"].ToString() is "cross-site" or "same-site")
        {
            return false;
        }

        var origin = request.Headers.Origin.ToString();
        return origin.Length == 0
            || (Uri.TryCreate(origin, UriKind.Absolute, out var from) && IsLoopbackName(from.Host)
                && string.Equals(from.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>The actor for what an API caller does: the key's holder, or the local user.</summary>
    public static Actor ActorOf(HttpContext context)
    {
        var user = context.User;
        if (user.Identity?.IsAuthenticated == true)
        {
            return Actor.Human(user.FindFirstValue(ClaimTypes.NameIdentifier) ?? "api", user.Identity.Name ?? "API");
        }

        return LocalUser;
    }

    /// <summary>Whoever is at this machine, when nothing says more: API calls without keys, the board's pages.</summary>
    public static Actor LocalUser { get; } = Actor.Human("local", "Local user");
}
