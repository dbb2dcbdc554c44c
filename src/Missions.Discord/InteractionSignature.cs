using NSec.Cryptography;

namespace Missions.Discord;

/// <summary>
/// Discord signs every interaction it POSTs: Ed25519 over the <c>X-Signature-Timestamp</c> header's bytes followed
/// directly by the raw body, with the application's key pair; the signature is in <c>X-Signature-Ed25519</c> as hex.
/// Checked over the bytes as they arrived, before anything parses them.
/// </summary>
public sealed class InteractionSignature
{
    public const string SignatureHeader = "X-Signature-Ed25519";
    public const string TimestampHeader = "X-Signature-Timestamp";

    private readonly PublicKey key;

    private InteractionSignature(PublicKey key) => this.key = key;

    /// <summary>The application's public key as the Developer Portal shows it: 64 hex characters.</summary>
    public static bool TryCreate(string? publicKeyHex, out InteractionSignature? signature)
    {
        signature = null;
        if (FromHex(publicKeyHex, 32) is not { } bytes
            || !PublicKey.TryImport(SignatureAlgorithm.Ed25519, bytes, KeyBlobFormat.RawPublicKey, out var key))
        {
            return false;
        }

        signature = new InteractionSignature(key!);
        return true;
    }

    /// <summary>
    /// True only for a well-formed signature (128 hex characters) over <paramref name="timestamp"/> and
    /// <paramref name="body"/> made with this application's key; false for anything missing or malformed.
    /// </summary>
    public bool Verify(string? signatureHex, string? timestamp, ReadOnlySpan<byte> body)
    {
        if (string.IsNullOrEmpty(timestamp) || FromHex(signatureHex, 64) is not { } signature)
        {
            return false;
        }

        var timestampLength = System.Text.Encoding.UTF8.GetByteCount(timestamp);
        var signed = new byte[timestampLength + body.Length];
        System.Text.Encoding.UTF8.GetBytes(timestamp, signed);
        body.CopyTo(signed.AsSpan(timestampLength));
        return SignatureAlgorithm.Ed25519.Verify(key, signed, signature);
    }

    /// <summary>How far the signed timestamp may be from the clock, either way, for a request to be taken.</summary>
    public static readonly TimeSpan MaxSkew = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Whether the signed timestamp (Unix seconds, as Discord sends it) is a number within <see cref="MaxSkew"/> of
    /// <paramref name="now"/>: a signed request recorded and sent again later is refused, not only deduplicated.
    /// </summary>
    public static bool IsFresh(string? timestamp, DateTimeOffset now) =>
        long.TryParse(timestamp, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seconds)
        && seconds <= DateTimeOffset.MaxValue.ToUnixTimeSeconds()
        && (now - DateTimeOffset.FromUnixTimeSeconds(seconds)).Duration() <= MaxSkew;

    private static byte[]? FromHex(string? hex, int length)
    {
        if (hex is null || hex.Length != length * 2)
        {
            return null;
        }

        try
        {
            return Convert.FromHexString(hex);
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
