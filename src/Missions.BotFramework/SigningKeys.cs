using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Tokens;

namespace Missions.BotFramework;

/// <summary>A signing key and the channels it is endorsed for (null when the JWK carries no endorsements).</summary>
public sealed record SigningKey(JsonWebKey Key, IReadOnlySet<string>? Endorsements);

/// <summary>
/// The signing keys behind an OpenID metadata document, with their endorsements. IdentityModel's configuration
/// manager drops the non-standard <c>endorsements</c> member, so the key set is read here. Keys are fetched again
/// after <see cref="BotAuthenticationOptions.KeyRefreshInterval"/>, and early (at most every few minutes) when a token
/// names a key not seen yet, which is how a key rotation shows. A failed refresh keeps the keys already known.
/// </summary>
public sealed partial class SigningKeySource(HttpClient http, string metadataUrl, BotAuthenticationOptions options, TimeProvider clock, ILogger logger) : IDisposable
{
    private readonly SemaphoreSlim refreshing = new(1, 1);
    private Dictionary<string, SigningKey> keys = new Dictionary<string, SigningKey>();
    private DateTimeOffset fetchedAt = DateTimeOffset.MinValue;
    private DateTimeOffset lastAttempt = DateTimeOffset.MinValue;

    public async Task<IReadOnlyDictionary<string, SigningKey>> GetAsync(string? wantedKeyId, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var stale = now - fetchedAt > options.KeyRefreshInterval;
        var unknown = wantedKeyId is not null && !keys.ContainsKey(wantedKeyId) && now - lastAttempt > options.MinimumForcedRefreshInterval;
        if (stale || unknown)
        {
            await RefreshAsync(force: unknown, cancellationToken);
        }

        return keys;
    }

    private async Task RefreshAsync(bool force, CancellationToken cancellationToken)
    {
        await refreshing.WaitAsync(cancellationToken);
        try
        {
            var now = clock.GetUtcNow();
            if (!force && now - fetchedAt <= options.KeyRefreshInterval)
            {
                return; // another caller refreshed while this one waited
            }

            lastAttempt = now;
            try
            {
                using var metadata = JsonDocument.Parse(await http.GetStringAsync(new Uri(metadataUrl), cancellationToken));
                var jwksUri = metadata.RootElement.GetProperty("jwks_uri").GetString()
                    ?? throw new InvalidOperationException("The OpenID metadata has no jwks_uri.");
                using var set = JsonDocument.Parse(await http.GetStringAsync(new Uri(jwksUri), cancellationToken));
                var read = new Dictionary<string, SigningKey>(StringComparer.Ordinal);
                foreach (var element in set.RootElement.GetProperty("keys").EnumerateArray())
                {
                    var key = new JsonWebKey(element.GetRawText());
                    if (string.IsNullOrEmpty(key.Kid))
                    {
                        continue;
                    }

                    IReadOnlySet<string>? endorsements = element.TryGetProperty("endorsements", out var e) && e.ValueKind == JsonValueKind.Array
                        ? e.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.String).Select(x => x.GetString()!).ToHashSet(StringComparer.Ordinal)
                        : null;
                    read[key.Kid] = new SigningKey(key, endorsements);
                }

                keys = read;
                fetchedAt = now;
            }
            catch (Exception e) when (e is HttpRequestException or JsonException or KeyNotFoundException or InvalidOperationException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                LogRefreshFailed(logger, e, metadataUrl, keys.Count);
            }
        }
        finally
        {
            refreshing.Release();
        }
    }

    public void Dispose() => refreshing.Dispose();

    [LoggerMessage(EventId = 400, Level = LogLevel.Warning, Message = "Could not refresh the signing keys from {MetadataUrl}; keeping the {Count} keys already known")]
    private static partial void LogRefreshFailed(ILogger logger, Exception exception, string metadataUrl, int count);
}
