using Azure.Core;
using Azure.Identity;
using Microsoft.Identity.Client;

namespace Missions.BotFramework;

/// <summary>How the bot proves itself to the Connector.</summary>
public enum BotAppType
{
    /// <summary>A client secret against the botframework.com authority (deprecated for new bots since 2025-07-31).</summary>
    MultiTenant,

    /// <summary>A client secret against the bot's own tenant.</summary>
    SingleTenant,

    /// <summary>A user-assigned managed identity (no secret).</summary>
    UserAssignedMsi,

    /// <summary>No token: only for a local Connector such as the Emulator's.</summary>
    None,
}

public sealed class ConnectorCredentialOptions
{
    public const string Scope = "https://api.botframework.com/.default";

    public BotAppType AppType { get; set; } = BotAppType.SingleTenant;
    public string AppId { get; set; } = "";
    public string? AppPassword { get; set; }
    public string? TenantId { get; set; }

    /// <summary>The Entra ID host; another cloud (login.microsoftonline.us) changes it.</summary>
    public string AuthorityHost { get; set; } = "https://login.microsoftonline.com";

    public string TokenScope { get; set; } = Scope;

    public string Authority => AppType == BotAppType.MultiTenant
        ? $"{AuthorityHost.TrimEnd('/')}/botframework.com"
        : $"{AuthorityHost.TrimEnd('/')}/{TenantId}";
}

/// <summary>A bearer token for calls to the Connector, cached and renewed before it expires.</summary>
public interface IConnectorTokenProvider
{
    /// <summary>Null when calls go out without a token.</summary>
    Task<string?> GetTokenAsync(CancellationToken cancellationToken);
}

/// <summary>Client credentials through MSAL, which caches the token and renews it before expiry.</summary>
public sealed class MsalConnectorTokenProvider : IConnectorTokenProvider
{
    private readonly IConfidentialClientApplication app;
    private readonly string[] scopes;

    public MsalConnectorTokenProvider(ConnectorCredentialOptions options, IMsalHttpClientFactory? httpClientFactory = null)
    {
        if (options.AppType == BotAppType.SingleTenant && string.IsNullOrWhiteSpace(options.TenantId))
        {
            throw new InvalidOperationException("A single-tenant bot needs its tenant id (Missions:Teams:TenantId).");
        }

        if (string.IsNullOrEmpty(options.AppPassword))
        {
            throw new InvalidOperationException("Client credentials need the bot's app password (Missions:Teams:AppPassword).");
        }

        var builder = ConfidentialClientApplicationBuilder.Create(options.AppId)
            .WithAuthority(options.Authority, validateAuthority: false)
            .WithClientSecret(options.AppPassword);
        if (httpClientFactory is not null)
        {
            builder = builder.WithHttpClientFactory(httpClientFactory);
        }

        app = builder.Build();
        scopes = [options.TokenScope];
    }

    public async Task<string?> GetTokenAsync(CancellationToken cancellationToken) =>
        (await app.AcquireTokenForClient(scopes).ExecuteAsync(cancellationToken)).AccessToken;
}

/// <summary>A user-assigned managed identity through Azure.Identity, cached until five minutes before expiry.</summary>
public sealed class ManagedIdentityTokenProvider(ConnectorCredentialOptions options, TimeProvider clock) : IConnectorTokenProvider, IDisposable
{
    private readonly ManagedIdentityCredential credential = new(ManagedIdentityId.FromUserAssignedClientId(options.AppId));
    private readonly SemaphoreSlim gate = new(1, 1);
    private AccessToken? cached;

    public async Task<string?> GetTokenAsync(CancellationToken cancellationToken)
    {
        if (cached is { } fresh && fresh.ExpiresOn - clock.GetUtcNow() > TimeSpan.FromMinutes(5))
        {
            return fresh.Token;
        }

        await gate.WaitAsync(cancellationToken);
        try
        {
            if (cached is { } again && again.ExpiresOn - clock.GetUtcNow() > TimeSpan.FromMinutes(5))
            {
                return again.Token;
            }

            cached = await credential.GetTokenAsync(new TokenRequestContext([options.TokenScope]), cancellationToken);
            return cached.Value.Token;
        }
        finally
        {
            gate.Release();
        }
    }

    public void Dispose() => gate.Dispose();
}

public sealed class NoConnectorToken : IConnectorTokenProvider
{
    public Task<string?> GetTokenAsync(CancellationToken cancellationToken) => Task.FromResult<string?>(null);
}
