using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Missions.Host.WebChat;

/// <summary>What a conversation token says: the conversation, the user it speaks for and their name, and when it expires.</summary>
public sealed record DirectLineClaims(string ConversationId, string UserId, string UserName, DateTimeOffset ExpiresAt);

/// <summary>
/// Conversation tokens: the conversation, the user (id and name) and the expiry, signed with HMAC-SHA256. Nothing is
/// stored per token, so any host that shares the key accepts them. Who a web chat user is comes from here, never from
/// the <c>from</c> of an activity they post.
/// </summary>
public sealed class DirectLineTokens
{
    private readonly byte[] key;
    private readonly TimeProvider clock;
    private readonly TimeSpan lifetime;

    public DirectLineTokens(IOptions<WebChatOptions> options, TimeProvider clock)
    {
        this.clock = clock;
        lifetime = TimeSpan.FromMinutes(Math.Max(1, options.Value.TokenLifetimeMinutes));
        key = string.IsNullOrWhiteSpace(options.Value.TokenKey)
            ? RandomNumberGenerator.GetBytes(32)
            : Convert.FromBase64String(options.Value.TokenKey);
        if (key.Length < 32)
        {
            throw new OptionsValidationException(WebChatOptions.Section, typeof(WebChatOptions), ["Missions:WebChat:TokenKey must be at least 32 bytes (base64)."]);
        }
    }

    public int LifetimeSeconds => (int)lifetime.TotalSeconds;

    public string Issue(string conversationId, string userId, string userName)
    {
        var expires = clock.GetUtcNow().Add(lifetime).ToUnixTimeSeconds();
        var payload = Encoding.UTF8.GetBytes($"{conversationId}\n{userId}\n{userName}\n{expires}");
        var signature = HMACSHA256.HashData(key, payload);
        return Base64Url.EncodeToString(payload) + "." + Base64Url.EncodeToString(signature);
    }

    public enum Verdict
    {
        Valid,
        Invalid,
        Expired,
    }

    public Verdict Validate(string? token, out DirectLineClaims? claims)
    {
        claims = null;
        if (string.IsNullOrEmpty(token) || token.Length > 2048)
        {
            return Verdict.Invalid;
        }

        var dot = token.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0)
        {
            return Verdict.Invalid;
        }

        byte[] payload, signature;
        try
        {
            payload = Base64Url.DecodeFromChars(token.AsSpan(0, dot));
            signature = Base64Url.DecodeFromChars(token.AsSpan(dot + 1));
        }
        catch (FormatException)
        {
            return Verdict.Invalid;
        }

        if (!CryptographicOperations.FixedTimeEquals(signature, HMACSHA256.HashData(key, payload)))
        {
            return Verdict.Invalid;
        }

        var parts = Encoding.UTF8.GetString(payload).Split('\n');
        if (parts.Length != 4 || !long.TryParse(parts[3], System.Globalization.CultureInfo.InvariantCulture, out var expires)
            || expires < DateTimeOffset.MinValue.ToUnixTimeSeconds() || expires > DateTimeOffset.MaxValue.ToUnixTimeSeconds())
        {
            return Verdict.Invalid;
        }

        claims = new DirectLineClaims(parts[0], parts[1], parts[2], DateTimeOffset.FromUnixTimeSeconds(expires));
        return claims.ExpiresAt <= clock.GetUtcNow() ? Verdict.Expired : Verdict.Valid;
    }
}
