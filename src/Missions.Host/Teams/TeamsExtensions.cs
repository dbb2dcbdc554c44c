using System.Text.Json;
using Microsoft.Extensions.Options;
using Microsoft.Identity.Client;
using Missions.BotFramework;
using Missions.Host.Outbox;

namespace Missions.Host.Teams;

public static class TeamsExtensions
{
    /// <summary>The largest activity accepted; Teams messages are limited to about 100 KB.</summary>
    public const int MaxActivityBytes = 512 * 1024;

    public static IHostApplicationBuilder AddTeams(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<TeamsOptions>().Bind(builder.Configuration.GetSection(TeamsOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<TeamsOptions>, TeamsOptionsValidation>();
        services.AddOptions<BotAuthenticationOptions>().Configure<IOptions<TeamsOptions>>((auth, teams) =>
        {
            auth.AppId = teams.Value.AppId;
            auth.OpenIdMetadataUrl = teams.Value.OpenIdMetadataUrl;
            auth.Issuer = teams.Value.Issuer;
            auth.AllowEmulatorTokens = teams.Value.AllowEmulatorTokens;
        });

        services.AddHttpClient("botframework-keys", c => c.Timeout = TimeSpan.FromSeconds(15));
        services.AddHttpClient("botframework-connector", c => c.Timeout = TimeSpan.FromSeconds(30));
        services.AddSingleton(sp => new BotAuthenticator(
            sp.GetRequiredService<IHttpClientFactory>().CreateClient("botframework-keys"),
            sp.GetRequiredService<IOptions<BotAuthenticationOptions>>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<BotAuthenticator>>()));
        services.AddSingleton(sp => new ServiceUrlPolicy(sp.GetRequiredService<IOptions<TeamsOptions>>().Value.ServiceUrlHosts));
        services.AddSingleton<IConnectorTokenProvider>(sp => new LazyConnectorToken(sp));
        services.AddSingleton(sp => new ConnectorClient(
            sp.GetRequiredService<IHttpClientFactory>().CreateClient("botframework-connector"), sp.GetRequiredService<IConnectorTokenProvider>(), sp.GetRequiredService<ServiceUrlPolicy>()));
        services.AddSingleton(sp => new ConversationRateLimiter(
            sp.GetRequiredService<IOptions<TeamsOptions>>().Value.SendLimits is { Count: > 0 } limits ? limits : ConversationRateLimiter.TeamsSendLimits,
            sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton(sp => new ThrottledConnector(sp.GetRequiredService<ConnectorClient>(), sp.GetRequiredService<ConversationRateLimiter>()));
        // Messages already written for Teams conversations are delivered even while the endpoint is switched off.
        services.AddSingleton<IOutboxTransport, TeamsOutboxTransport>();
        services.AddKeyedSingleton<Conversations.IChannelFiles>(TeamsAdapter.Name, (sp, _) => new ConnectorFiles(sp.GetRequiredService<ConnectorClient>()));
        services.AddScoped<TeamsAdapter>();
        services.AddKeyedScoped<Conversations.IChannelAdapter>(TeamsAdapter.Name, (sp, _) => sp.GetRequiredService<TeamsAdapter>());
        return builder;
    }

    public static IEndpointRouteBuilder MapTeams(this IEndpointRouteBuilder app)
    {
        if (app.ServiceProvider.GetRequiredService<IOptions<TeamsOptions>>().Value.IsEnabled)
        {
            app.MapPost("/api/messages", MessagesAsync).ExcludeFromDescription().AllowAnonymous();
        }

        return app;
    }

    /// <summary>
    /// The messaging endpoint. The bearer token is checked first, before a byte of the body is read (a caller without
    /// a valid token learns nothing about how its body would have been taken); then the body is read and parsed, the
    /// token's serviceurl and the key's endorsements are checked against the activity, and only then is it handled.
    /// A refused request changes nothing.
    /// </summary>
    private static async Task<IResult> MessagesAsync(HttpContext http, BotAuthenticator authenticator, ServiceUrlPolicy policy, CancellationToken cancellationToken)
    {
        var token = await authenticator.ValidateTokenAsync(http.Request.Headers.Authorization.ToString() is { Length: > 0 } header ? header : null, cancellationToken);
        if (!token.Succeeded)
        {
            return Refused(token.Result);
        }

        if (http.Request.ContentLength > MaxActivityBytes)
        {
            return Results.Problem(statusCode: 413, title: "The activity is too large.", detail: $"Activities of up to {MaxActivityBytes / 1024} KB are accepted.");
        }

        Activity? activity;
        try
        {
            using var limited = new MemoryStream();
            await http.Request.Body.CopyToAsync(limited, cancellationToken);
            if (limited.Length > MaxActivityBytes)
            {
                return Results.Problem(statusCode: 413, title: "The activity is too large.", detail: $"Activities of up to {MaxActivityBytes / 1024} KB are accepted.");
            }

            limited.Position = 0;
            activity = await JsonSerializer.DeserializeAsync<Activity>(limited, BotJson.Options, cancellationToken);
        }
        catch (JsonException e)
        {
            // Where it went wrong, not what it was being read into.
            return Results.Problem(statusCode: 400, title: "The body is not a Bot Framework activity.",
                detail: e.Path is { } path ? $"The JSON is malformed or has a value of the wrong type at {path}." : "The body is not valid JSON.");
        }

        if (activity?.Type is not { Length: > 0 })
        {
            return Results.Problem(statusCode: 400, title: "The activity has no type.");
        }

        var auth = authenticator.CheckActivity(token, activity.ChannelId, activity.ServiceUrl);
        if (!auth.Succeeded)
        {
            return Refused(auth);
        }

        policy.Trust(activity.ServiceUrl!);
        if (activity.ChannelId != TeamsAdapter.Name && !auth.FromEmulator)
        {
            // Other Bot Framework channels are not served (yet); acknowledge so they do not retry.
            return Results.Ok();
        }

        var turns = http.RequestServices.GetRequiredService<TeamsAdapter>();
        var outcome = await turns.HandleAsync(activity, cancellationToken);
        return outcome.Body is null
            ? Results.StatusCode(outcome.Status)
            : Results.Json(outcome.Body, statusCode: (int?)outcome.Body["statusCode"] ?? outcome.Status);

        static IResult Refused(BotAuthenticationResult result) =>
            Results.Problem(statusCode: result.Status, title: result.Status == 403 ? "Forbidden" : "Unauthorized", detail: result.Failure);
    }

    /// <summary>Builds the configured credential on first use, so a host without Teams settings still starts.</summary>
    private sealed class LazyConnectorToken(IServiceProvider services) : IConnectorTokenProvider
    {
        private readonly Lazy<IConnectorTokenProvider> inner = new(() => Create(services));

        public Task<string?> GetTokenAsync(CancellationToken cancellationToken) => inner.Value.GetTokenAsync(cancellationToken);

        private static IConnectorTokenProvider Create(IServiceProvider services)
        {
            var teams = services.GetRequiredService<IOptions<TeamsOptions>>().Value;
            var credentials = new ConnectorCredentialOptions
            {
                AppType = teams.AppType,
                AppId = teams.AppId,
                AppPassword = teams.AppPassword,
                TenantId = teams.TenantId,
                AuthorityHost = teams.AuthorityHost,
            };
            return teams.AppType switch
            {
                BotAppType.None => new NoConnectorToken(),
                BotAppType.UserAssignedMsi => new ManagedIdentityTokenProvider(credentials, services.GetRequiredService<TimeProvider>()),
                _ => new MsalConnectorTokenProvider(credentials, services.GetService<IMsalHttpClientFactory>()),
            };
        }
    }
}

/// <summary>
/// Images pasted into Teams messages, read from the conversation's own Connector with the bot's token (anywhere else is
/// a failed fetch).
/// </summary>
internal sealed class ConnectorFiles(ConnectorClient connector) : Conversations.IChannelFiles
{
    public async Task<HttpResponseMessage> GetAsync(Uri url, string keptBy, CancellationToken cancellationToken)
    {
        try
        {
            return await connector.GetAttachmentAsync(keptBy, url, cancellationToken);
        }
        catch (ConnectorException e)
        {
            throw new HttpRequestException(e.Message, e);
        }
    }
}
