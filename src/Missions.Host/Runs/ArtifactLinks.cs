using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Missions.Host.Data;

namespace Missions.Host.Runs;

public sealed class ArtifactLinkOptions
{
    public const string Section = "Missions:Artifacts";

    /// <summary>
    /// The key that signs artifact links (base64, at least 32 bytes). Hosts sharing a database must share it. When
    /// empty, a key is made once and kept in the content store, which suits one host (or hosts sharing its folder).
    /// </summary>
    public string? SigningKey { get; set; }

    /// <summary>How long a link in a chat message works.</summary>
    public TimeSpan LinkLifetime { get; set; } = TimeSpan.FromDays(7);

    /// <summary>
    /// The public address of this host, for links that leave it (a Teams message needs an absolute https URL).
    /// By default the address the host listens on.
    /// </summary>
    public string? PublicUrl { get; set; }
}

/// <summary>
/// Signed, expiring links to artifacts: <c>/artifacts/{id}?exp={unix seconds}&amp;sig={HMAC-SHA256}</c>. The link
/// names the artifact by id only, never by where its bytes are stored; anyone holding an unexpired link may read it
/// (it travels in a chat message), nobody can make one or stretch its life without the key.
/// </summary>
public sealed class ArtifactLinks(IOptions<ArtifactLinkOptions> options, IContentStore content, Web.PublicAddress address, TimeProvider clock) : IDisposable
{
    private const string KeyName = "keys/artifact-links.key";
    private readonly SemaphoreSlim loading = new(1, 1);
    private byte[]? key;

    public async Task<string> UrlForAsync(Guid artifactId, CancellationToken cancellationToken)
    {
        var expires = clock.GetUtcNow().Add(options.Value.LinkLifetime).ToUnixTimeSeconds();
        var signature = Sign(await KeyAsync(cancellationToken), artifactId, expires);
        return $"{address.Root}/artifacts/{artifactId:N}?exp={expires.ToString(CultureInfo.InvariantCulture)}&sig={signature}";
    }

    public enum Verdict
    {
        Valid,
        Forged,
        Expired,
    }

    public async Task<Verdict> CheckAsync(Guid artifactId, string? exp, string? sig, CancellationToken cancellationToken)
    {
        if (!long.TryParse(exp, NumberStyles.None, CultureInfo.InvariantCulture, out var expires) || sig is not { Length: > 0 })
        {
            return Verdict.Forged;
        }

        var expected = Encoding.ASCII.GetBytes(Sign(await KeyAsync(cancellationToken), artifactId, expires));
        var given = Encoding.ASCII.GetBytes(sig);
        if (!CryptographicOperations.FixedTimeEquals(expected, given))
        {
            return Verdict.Forged;
        }

        return clock.GetUtcNow().ToUnixTimeSeconds() > expires ? Verdict.Expired : Verdict.Valid;
    }

    public void Dispose() => loading.Dispose();

    private static string Sign(byte[] key, Guid artifactId, long expires)
    {
        var message = Encoding.ASCII.GetBytes($"{artifactId:N}.{expires.ToString(CultureInfo.InvariantCulture)}");
        return Base64Url(HMACSHA256.HashData(key, message));
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private async Task<byte[]> KeyAsync(CancellationToken cancellationToken)
    {
        if (key is not null)
        {
            return key;
        }

        await loading.WaitAsync(cancellationToken);
        try
        {
            if (key is not null)
            {
                return key;
            }

            if (options.Value.SigningKey is { Length: > 0 } configured)
            {
                var bytes = Convert.FromBase64String(configured);
                return key = bytes.Length >= 32 ? bytes : throw new InvalidOperationException($"{ArtifactLinkOptions.Section}:SigningKey must be at least 32 bytes.");
            }

            await using (var stored = await content.OpenReadAsync(KeyName, cancellationToken))
            {
                if (stored is not null)
                {
                    using var buffer = new MemoryStream();
                    await stored.CopyToAsync(buffer, cancellationToken);
                    if (buffer.Length >= 32)
                    {
                        return key = buffer.ToArray();
                    }
                }
            }

            var made = RandomNumberGenerator.GetBytes(32);
            await content.SaveAsync(KeyName, new MemoryStream(made), cancellationToken);
            return key = made;
        }
        finally
        {
            loading.Release();
        }
    }
}
