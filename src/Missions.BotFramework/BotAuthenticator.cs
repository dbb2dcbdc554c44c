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
/// A bearer token that passed (or failed) the token's own checks, with what the activity checks still need: the token
/// and its signing key's channel endorsements.
/// </summary>
public sealed record ValidatedBotToken(BotAuthenticationResult Result, JsonWebToken? Token, IReadOnlyCollection<string>? Endorsements)
{
    public bool Succeeded => Result.Succeeded;

    internal static ValidatedBotToken Refused(string why) => new(BotAuthenticationResult.Refused(why), null, null);
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

    /// <summary>Every check at once, for a caller that has the activity in hand.</summary>
    public async Task<BotAuthenticationResult> AuthenticateAsync(string? authorization, string? channelId, string? serviceUrl, CancellationToken cancellationToken)
    {
        var token = await ValidateTokenAsync(authorization, cancellationToken);
        return token.Succeeded ? CheckActivity(token, channelId, serviceUrl) : token.Result;
    }

    /// <summary>
    /// The token's own checks (scheme, signature, issuer, audience, lifetime), before anything of the request body is
    /// read: a caller without a valid token learns nothing about how the body would have been taken.
    /// </summary>
    public async Task<ValidatedBotToken> ValidateTokenAsync(string? authorization, CancellationToken cancellationToken)
    {
        var result = await TokenAsync(authorization, cancellationToken);
        if (!result.Succeeded)
        {
            LogRefused(logger, result.Result.Status, result.Result.Failure ?? "", null);
        }

        return result;
    }

    /// <summary>The checks that need the activity: its <c>serviceUrl</c> is the token's, and the key is endorsed for its channel.</summary>
    public BotAuthenticationResult CheckActivity(ValidatedBotToken token, string? channelId, string? serviceUrl)
    {
        var result = token.Succeeded ? Check(token, channelId, serviceUrl) : token.Result;
        if (!result.Succeeded)
        {
            LogRefused(logger, result.Status, result.Failure ?? "", channelId);
        }

        return result;
    }

    private static BotAuthenticationResult Check(ValidatedBotToken token, string? channelId, string? serviceUrl)
    {
        if (token.Result.FromEmulator)
        {
            return token.Result;
        }

        var jwt = token.Token!;
        if (!jwt.TryGetPayloadValue<string>("serviceurl", out var claimed) || serviceUrl is null
            || !string.Equals(claimed, serviceUrl, StringComparison.OrdinalIgnoreCase))
        {
            return BotAuthenticationResult.Refused("The token's serviceurl claim does not match the activity's serviceUrl.");
        }

        if (token.Endorsements is null)
        {
            return BotAuthenticationResult.Refused("The signing key carries no endorsements.", 403);
        }

        if (channelId is null || !token.Endorsements.Contains(channelId))
        {
            return BotAuthenticationResult.Refused($"The signing key is not endorsed for the channel '{channelId}'.", 403);
        }

        return token.Result;
    }

    private async Task<ValidatedBotToken> TokenAsync(string? authorization, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(options.AppId))
        {
            return ValidatedBotToken.Refused("The bot has no app id configured, so no token can be checked.");
        }

        // The scheme is exactly "Bearer", one space, then the token.
        if (authorization is null || !authorization.StartsWith("Bearer ", StringComparison.Ordinal) || authorization.Length <= 7)
        {
            return ValidatedBotToken.Refused("The request has no bearer token.");
        }

        var raw = authorization[7..].Trim();
        JsonWebToken token;
        try
        {
            token = new JsonWebToken(raw);
        }
        catch (ArgumentException)
        {
            return ValidatedBotToken.Refused("The bearer token is not a JWT.");
        }

        var emulator = options.EmulatorIssuers.Contains(token.Issuer, StringComparer.Ordinal);
        if (emulator && !options.AllowEmulatorTokens)
        {
            return ValidatedBotToken.Refused("Emulator tokens are not accepted here.");
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
            return ValidatedBotToken.Refused("The token is not valid: " + Describe(validated.Exception));
        }

        if (emulator)
        {
            var appId = token.TryGetPayloadValue<string>("ver", out var ver) && ver == "2.0"
                ? token.TryGetPayloadValue<string>("azp", out var azp) ? azp : null
                : token.TryGetPayloadValue<string>("appid", out var appid) ? appid : null;
            return appId == options.AppId
                ? new ValidatedBotToken(new BotAuthenticationResult(200, null, validated.ClaimsIdentity, true), token, null)
                : ValidatedBotToken.Refused("The Emulator token is for another app.");
        }

        var signer = (validated.SecurityToken as JsonWebToken)?.Kid ?? token.Kid;
        var endorsements = signer is not null && keys.TryGetValue(signer, out var key) ? key.Endorsements : null;
        return new ValidatedBotToken(new BotAuthenticationResult(200, null, validated.ClaimsIdentity, false), token, endorsements);
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
