using Missions.BotFramework;

namespace Missions.Host.Teams;

/// <summary>Missions:Teams — the Azure Bot registration this host answers for.</summary>
public sealed class TeamsOptions
{
    public const string Section = "Missions:Teams";

    /// <summary>The bot's Microsoft App ID (the Azure Bot's client id). Empty: /api/messages refuses every request.</summary>
    public string AppId { get; set; } = "";

    /// <summary>The client secret (SingleTenant, MultiTenant). Keep it in user secrets or the environment.</summary>
    public string? AppPassword { get; set; }

    /// <summary>The bot's Entra tenant (SingleTenant, UserAssignedMsi).</summary>
    public string? TenantId { get; set; }

    public BotAppType AppType { get; set; } = BotAppType.SingleTenant;

    public string AuthorityHost { get; set; } = "https://login.microsoftonline.com";

    public string OpenIdMetadataUrl { get; set; } = BotAuthenticationOptions.PublicOpenIdMetadataUrl;

    public string Issuer { get; set; } = BotAuthenticationOptions.PublicIssuer;

    /// <summary>Accept Bot Framework Emulator tokens. Development only.</summary>
    public bool AllowEmulatorTokens { get; set; }

    /// <summary>Tenants whose messages are handled; empty means any. Teams cannot be told not to send the others.</summary>
    public List<string> AllowedTenants { get; set; } = [];

    /// <summary>More host suffixes the Connector client may call besides the Bot Framework and Teams domains.</summary>
    public List<string> ServiceUrlHosts { get; set; } = [];

    /// <summary>Send limits per conversation; Teams' own by default.</summary>
    public List<RateWindow>? SendLimits { get; set; }
}
