using Microsoft.Extensions.Options;
using Missions.Discord;

namespace Missions.Host.Discord;

/// <summary>Missions:Discord — the Discord application this host answers for.</summary>
public sealed class DiscordOptions
{
    public const string Section = "Missions:Discord";

    /// <summary>Serve <c>/api/discord/interactions</c>. By default on when a <see cref="PublicKey"/> is set.</summary>
    public bool? Enabled { get; set; }

    public bool IsEnabled => Enabled ?? !string.IsNullOrWhiteSpace(PublicKey);

    /// <summary>The application's id (a snowflake), from the Developer Portal's General Information.</summary>
    public string ApplicationId { get; set; } = "";

    /// <summary>The application's public key (64 hex characters), which every interaction's signature is checked with.</summary>
    public string PublicKey { get; set; } = "";

    /// <summary>The bot's token: posts into channels, edits after an interaction's token expired, threads, commands.</summary>
    public string? BotToken { get; set; }

    /// <summary>Discord's REST API; tests point it at a local server.</summary>
    public string ApiBaseUrl { get; set; } = "https://discord.com/api/v10";

    /// <summary>
    /// Role ids whose members may approve, edit and reject proposals and review results. Members with Manage Server
    /// (or Administrator) may always; with no role listed, only they may.
    /// </summary>
    public List<string> ApproverRoleIds { get; set; } = [];

    /// <summary>The Gateway connection that hears @mentions of the bot.</summary>
    public DiscordGatewayOptions Gateway { get; set; } = new();

    /// <summary>The Gateway runs when switched on, by default whenever a bot token is set.</summary>
    public bool GatewayEnabled => Gateway.Enabled ?? !string.IsNullOrWhiteSpace(BotToken);

    internal Uri ApiBase => new(ApiBaseUrl.TrimEnd('/') + "/");
}

public sealed class DiscordGatewayOptions
{
    /// <summary>Hold a Gateway connection for @mentions (one host at a time). By default on when a bot token is set.</summary>
    public bool? Enabled { get; set; }

    /// <summary>How long a host holds the connection without renewing; another host takes over after it.</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>Checks Missions:Discord at start-up when Discord is switched on, naming the key that is wrong.</summary>
internal sealed class DiscordOptionsValidation : IValidateOptions<DiscordOptions>
{
    public ValidateOptionsResult Validate(string? name, DiscordOptions options)
    {
        if (!options.IsEnabled)
        {
            return ValidateOptionsResult.Success;
        }

        var problems = new List<string>();
        const string at = DiscordOptions.Section + ":";
        if (!IsSnowflake(options.ApplicationId))
        {
            problems.Add($"{at}ApplicationId must be the application's id from the Developer Portal (digits){(options.ApplicationId.Length == 0 ? "; it is empty" : $", not '{options.ApplicationId}'")}.");
        }

        if (!InteractionSignature.TryCreate(options.PublicKey.Trim(), out _))
        {
            problems.Add($"{at}PublicKey must be the application's public key from the Developer Portal: 64 hex characters.");
        }

        if (!Web.StartupValidation.IsAddressOrEmpty(options.ApiBaseUrl) || string.IsNullOrWhiteSpace(options.ApiBaseUrl))
        {
            problems.Add($"{at}ApiBaseUrl must be an absolute http(s) URL, not '{options.ApiBaseUrl}'.");
        }

        if (options.ApproverRoleIds.Any(r => !IsSnowflake(r)))
        {
            problems.Add($"{at}ApproverRoleIds must be role ids (digits).");
        }

        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }

    internal static bool IsSnowflake(string? value) => value is { Length: > 0 and <= 20 } && value.All(char.IsAsciiDigit);
}
