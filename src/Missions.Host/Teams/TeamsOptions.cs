using Microsoft.Extensions.Options;
using Missions.BotFramework;

namespace Missions.Host.Teams;

/// <summary>Missions:Teams — the Azure Bot registration this host answers for.</summary>
public sealed class TeamsOptions
{
    public const string Section = "Missions:Teams";

    /// <summary>Serve <c>/api/messages</c>. By default on when an <see cref="AppId"/> is set.</summary>
    public bool? Enabled { get; set; }

    public bool IsEnabled => Enabled ?? AppId.Length > 0;

    /// <summary>The bot's Microsoft App ID (the Azure Bot's client id, a GUID).</summary>
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

/// <summary>
/// Checks Missions:Teams at start-up when Teams is switched on: a missing or malformed setting stops the host with a
/// message that names the key, instead of failing on the first message from Teams.
/// </summary>
internal sealed class TeamsOptionsValidation : IValidateOptions<TeamsOptions>
{
    public ValidateOptionsResult Validate(string? name, TeamsOptions options)
    {
        if (!options.IsEnabled)
        {
            return ValidateOptionsResult.Success;
        }

        var problems = new List<string>();
        const string at = TeamsOptions.Section + ":";
        if (!Guid.TryParse(options.AppId, out _))
        {
            problems.Add($"{at}AppId must be the Azure Bot's Microsoft App ID (a GUID){(options.AppId.Length == 0 ? "; it is empty" : $", not '{options.AppId}'")}.");
        }

        if (options.AppType is BotAppType.SingleTenant or BotAppType.UserAssignedMsi && string.IsNullOrWhiteSpace(options.TenantId))
        {
            problems.Add($"{at}TenantId is required when {at}AppType is {options.AppType}.");
        }

        if (options.AppType is BotAppType.SingleTenant or BotAppType.MultiTenant && string.IsNullOrWhiteSpace(options.AppPassword))
        {
            problems.Add($"{at}AppPassword (the client secret) is required when {at}AppType is {options.AppType}; keep it in user secrets or the environment (Missions__Teams__AppPassword).");
        }

        foreach (var (key, value) in new[] { ("OpenIdMetadataUrl", options.OpenIdMetadataUrl), ("AuthorityHost", options.AuthorityHost) })
        {
            if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http"))
            {
                problems.Add($"{at}{key} must be an absolute http(s) URL, not '{value}'.");
            }
        }

        if (string.IsNullOrWhiteSpace(options.Issuer))
        {
            problems.Add($"{at}Issuer must not be empty.");
        }

        if (options.AllowedTenants.Any(string.IsNullOrWhiteSpace))
        {
            problems.Add($"{at}AllowedTenants has an empty entry.");
        }

        if (options.SendLimits?.Any(l => l.Count < 1 || l.Window <= TimeSpan.Zero) == true)
        {
            problems.Add($"{at}SendLimits: every limit needs a Count of 1 or more and a positive Window.");
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
