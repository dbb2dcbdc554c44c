using System.Security.Claims;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Missions.BotFramework;

/// <summary>The outcome of checking an inbound request. <see cref="Status"/> is 200 when it may be handled.</summary>
public sealed record BotAuthenticationResult(int Status, string? Failure, ClaimsIdentity? Identity, bool FromEmulator)
{
    public bool Succeeded => Status == 200;

    /// <summary>The caller id derived from the token (never from the wire).</summary>
    public string? CallerId => Succeeded && !FromEmulator ? "urn:botframework:azure" : null;

    internal static BotAuthenticationResult Refused(string why, int status = 401) => new(status, why, null, false);
}

/// <summary>
/// Every check the Bot Framework's REST authentication spec asks of a bot receiving a request from the Connector:
/// the bearer scheme; a token signed (RS256/384/512 only) by a key from the OpenID metadata; the issuer; the audience
/// is this bot; the lifetime, with five minutes' skew; the token's <c>serviceurl</c> claim is the activity's
/// <c>serviceUrl</c>; and the activity's channel is among the signing key's endorsements (403 when it is not).
/// Emulator tokens are accepted only when <see cref="BotAuthenticationOptions.AllowEmulatorTokens"/> is on.
/// </summary>
public sealed partial class BotAuthenticator : IDisposable
{
    private static readonly string[] Algorithms = [SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.RsaSha512];

    private readonly BotAuthenticationOptions options;
    private readonly SigningKeySource channelKeys;
    private readonly SigningKeySource emulatorKeys;
    private readonly JsonWebTokenHandler handler = new() { MapInboundClaims = false };
    private readonly ILogger<BotAuthenticator> logger;

    public BotAuthenticator(HttpClient http, IOptions<BotAuthenticationOptions> options, TimeProvider clock, ILogger<BotAuthenticator> logger)
    {
        this.options = options.Value;
        this.logger = logger;
        channelKeys = new SigningKeySource(http, this.options.OpenIdMetadataUrl, this.options, clock, logger);
        emulatorKeys = new SigningKeySource(http, this.options.EmulatorOpenIdMetadataUrl, this.options, clock, logger);
    }

    public async Task<BotAuthenticationResult> AuthenticateAsync(string? authorization, string? channelId, string? serviceUrl, CancellationToken cancellationToken)
    {
        var result = await CheckAsync(authorization, channelId, serviceUrl, cancellationToken);
        if (!result.Succeeded)
        {
            LogRefused(logger, result.Status, result.Failure ?? "", channelId);
        }

        return result;
    }

    private async Task<BotAuthenticationResult> CheckAsync(string? authorization, string? channelId, string? serviceUrl, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(options.AppId))
        {
            return BotAuthenticationResult.Refused("The bot has no app id configured, so no token can be checked.");
        }

        // The scheme is exactly "Bearer", one space, then the token.
        if (authorization is null || !authorization.StartsWith("Bearer ", StringComparison.Ordinal) || authorization.Length <= 7)
        {
            return BotAuthenticationResult.Refused("The request has no bearer token.");
        }

        var raw = authorization[7..].Trim();
        JsonWebToken token;
        try
        {
            token = new JsonWebToken(raw);
        }
        catch (ArgumentException)
        {
            return BotAuthenticationResult.Refused("The bearer token is not a JWT.");
        }

        var emulator = options.EmulatorIssuers.Contains(token.Issuer, StringComparer.Ordinal);
        if (emulator && !options.AllowEmulatorTokens)
        {
            return BotAuthenticationResult.Refused("Emulator tokens are not accepted here.");
        }

        var source = emulator ? emulatorKeys : channelKeys;
        var keys = await source.GetAsync(token.Kid is { Length: > 0 } kid ? kid : null, cancellationToken);
        var parameters = new TokenValidationParameters
        {
            ValidIssuers = emulator ? options.EmulatorIssuers : [options.Issuer],
            ValidateIssuer = true,
            // The Emulator's v1 tokens carry the app id in appid, v2 in azp; checked below instead of aud.
            ValidAudience = options.AppId,
            ValidateAudience = !emulator,
            ValidateLifetime = true,
            RequireExpirationTime = true,
            ClockSkew = options.ClockSkew,
            RequireSignedTokens = true,
            ValidAlgorithms = Algorithms,
            IssuerSigningKeys = keys.Values.Select(k => (SecurityKey)k.Key).ToList(),
            TryAllIssuerSigningKeys = string.IsNullOrEmpty(token.Kid),
        };

        var validated = await handler.ValidateTokenAsync(raw, parameters);
        if (!validated.IsValid)
        {
            return BotAuthenticationResult.Refused("The token is not valid: " + Describe(validated.Exception));
        }

        if (emulator)
        {
            var appId = token.TryGetPayloadValue<string>("ver", out var ver) && ver == "2.0"
                ? token.TryGetPayloadValue<string>("azp", out var azp) ? azp : null
                : token.TryGetPayloadValue<string>("appid", out var appid) ? appid : null;
            return appId == options.AppId
                ? new BotAuthenticationResult(200, null, validated.ClaimsIdentity, true)
                : BotAuthenticationResult.Refused("The Emulator token is for another app.");
        }

        if (!token.TryGetPayloadValue<string>("serviceurl", out var claimed) || serviceUrl is null
            || !string.Equals(claimed, serviceUrl, StringComparison.OrdinalIgnoreCase))
        {
            return BotAuthenticationResult.Refused("The token's serviceurl claim does not match the activity's serviceUrl.");
        }

        var signer = (validated.SecurityToken as JsonWebToken)?.Kid ?? token.Kid;
        if (signer is null || !keys.TryGetValue(signer, out var key) || key.Endorsements is null)
        {
            return BotAuthenticationResult.Refused("The signing key carries no endorsements.", 403);
        }

        if (channelId is null || !key.Endorsements.Contains(channelId))
        {
            return BotAuthenticationResult.Refused($"The signing key is not endorsed for the channel '{channelId}'.", 403);
        }

        return new BotAuthenticationResult(200, null, validated.ClaimsIdentity, false);
    }

    public void Dispose()
    {
        channelKeys.Dispose();
        emulatorKeys.Dispose();
    }

    private static string Describe(Exception? exception) => exception switch
    {
        SecurityTokenExpiredException => "it has expired.",
        SecurityTokenNotYetValidException => "it is not valid yet.",
        SecurityTokenInvalidAudienceException => "it is for another audience.",
        SecurityTokenInvalidIssuerException => "it comes from another issuer.",
        SecurityTokenInvalidAlgorithmException => "it is signed with an algorithm not accepted.",
        SecurityTokenSignatureKeyNotFoundException => "it is signed by an unknown key.",
        SecurityTokenInvalidSignatureException => "its signature does not verify.",
        null => "unknown reason.",
        _ => exception.GetType().Name + ".",
    };

    [LoggerMessage(EventId = 401, Level = LogLevel.Warning, Message = "Refused a Bot Framework request ({Status}): {Failure} (channel {ChannelId})")]
    private static partial void LogRefused(ILogger logger, int status, string failure, string? channelId);
}
