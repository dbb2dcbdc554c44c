using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace Missions.BotFramework;

/// <summary>A limit of <see cref="Count"/> sends in any <see cref="Window"/>.</summary>
public sealed record RateWindow(int Count, TimeSpan Window);

/// <summary>
/// Sliding-window limits per conversation. Teams allows a bot, per thread, 7 sends a second, 8 in two seconds, 60 in
/// thirty seconds and 1,800 an hour; a send waits here until every window has room, so the bot is never the one
/// that goes faster than that. A 429 still happens (other bots, the tenant's limit) and is honoured by the caller.
/// </summary>
public sealed class ConversationRateLimiter(IReadOnlyList<RateWindow> windows, TimeProvider clock)
{
    /// <summary>
    /// Added to every window: the Connector counts arrivals, and a request can arrive a little later or earlier than
    /// it was counted here.
    /// </summary>
    public TimeSpan Margin { get; init; } = TimeSpan.FromMilliseconds(50);

    public static readonly IReadOnlyList<RateWindow> TeamsSendLimits =
    [
        new(7, TimeSpan.FromSeconds(1)),
        new(8, TimeSpan.FromSeconds(2)),
        new(60, TimeSpan.FromSeconds(30)),
        new(1800, TimeSpan.FromHours(1)),
    ];

    private readonly ConcurrentDictionary<string, Queue<StrongBox<DateTimeOffset>>> sent = new(StringComparer.Ordinal);
    private readonly TimeSpan longest = windows.Count == 0 ? TimeSpan.Zero : windows.Max(w => w.Window);

    /// <summary>
    /// Waits for room in every window, then counts one send. Call <see cref="Complete"/> when the send has finished: the send is then counted from its end, so however long the
    /// request took on the way, the Connector never sees two sends closer than the limits allow.
    /// </summary>
    public async Task<StrongBox<DateTimeOffset>> WaitAsync(string key, CancellationToken cancellationToken)
    {
        while (true)
        {
            var (wait, slot) = TryTake(key);
            if (slot is not null)
            {
                return slot;
            }

            await Task.Delay(wait, clock, cancellationToken);
        }
    }

    /// <summary>Moves a counted send to the moment it finished.</summary>
    public void Complete(string key, StrongBox<DateTimeOffset> slot)
    {
        if (sent.TryGetValue(key, out var queue))
        {
            lock (queue)
            {
                slot.Value = clock.GetUtcNow();
            }
        }
    }

    /// <summary>A slot when a send was counted now; otherwise how long until there may be room.</summary>
    public (TimeSpan Wait, StrongBox<DateTimeOffset>? Slot) TryTake(string key)
    {
        var queue = sent.GetOrAdd(key, _ => new Queue<StrongBox<DateTimeOffset>>());
        lock (queue)
        {
            var now = clock.GetUtcNow();
            while (queue.Count > 0 && now - queue.Peek().Value >= longest + Margin)
            {
                queue.Dequeue();
            }

            var wait = TimeSpan.Zero;
            if (queue.Count > 0)
            {
                var times = queue.Select(b => b.Value).Order().ToArray();
                foreach (var window in windows)
                {
                    // The window is full when the send `Count` places back is still inside it.
                    if (times.Length >= window.Count)
                    {
                        var oldestInWindow = times[^window.Count];
                        var until = oldestInWindow + window.Window + Margin - now;
                        if (until > wait)
                        {
                            wait = until;
                        }
                    }
                }
            }

            if (wait <= TimeSpan.Zero)
            {
                var slot = new StrongBox<DateTimeOffset>(now);
                queue.Enqueue(slot);
                return (TimeSpan.Zero, slot);
            }

            // A millisecond more, so the next look finds the window moved on.
            return (wait + TimeSpan.FromMilliseconds(1), null);
        }
    }
}

/// <summary>
/// Sends through the Connector within Teams' limits: waits for the conversation's rate limiter before every attempt,
/// honours a 429's Retry-After, retries 412/502/503/504 with exponential backoff and jitter up to
/// <see cref="MaxAttempts"/>, and gives up at once on anything else (a 403 MessageWritesBlocked above all: retrying
/// a closed conversation is a retry storm). The caller keeps messages of one conversation in order by awaiting each.
/// </summary>
public sealed class ThrottledConnector(ConnectorClient client, ConversationRateLimiter limiter, TimeProvider clock)
{
    public int MaxAttempts { get; init; } = 6;
    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromMilliseconds(500);
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(30);

    public ConnectorClient Client => client;

    /// <summary>The rate-limit key: the conversation without a channel thread's ";messageid=" suffix.</summary>
    public static string ThreadKey(string conversationId)
    {
        var at = conversationId.IndexOf(";messageid=", StringComparison.OrdinalIgnoreCase);
        return at < 0 ? conversationId : conversationId[..at];
    }

    public async Task<T> SendAsync<T>(string conversationId, Func<ConnectorClient, CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        var key = ThreadKey(conversationId);
        for (var attempt = 1; ; attempt++)
        {
            // The token first (the first one takes a round trip to Entra), so the send follows its slot at once.
            await client.WarmUpAsync(cancellationToken);
            var slot = await limiter.WaitAsync(key, cancellationToken);
            try
            {
                try
                {
                    return await call(client, cancellationToken);
                }
                finally
                {
                    limiter.Complete(key, slot);
                }
            }
            catch (ConnectorException e) when (e.Transient && attempt < MaxAttempts)
            {
                await Task.Delay(DelayFor(e, attempt), clock, cancellationToken);
            }
            catch (HttpRequestException) when (attempt < MaxAttempts)
            {
                // A dropped connection: the same backoff as a 503.
                await Task.Delay(Backoff(attempt), clock, cancellationToken);
            }
        }
    }

    private TimeSpan DelayFor(ConnectorException e, int attempt) =>
        e.RetryAfter is { } after && after > TimeSpan.Zero ? (after > MaxDelay * 4 ? MaxDelay * 4 : after) : Backoff(attempt);

    private TimeSpan Backoff(int attempt)
    {
        var exponential = BaseDelay * Math.Pow(2, attempt - 1);
        var capped = exponential > MaxDelay ? MaxDelay : exponential;
        // Full jitter on the upper half, so retries from several conversations do not line up.
        return capped / 2 + capped / 2 * Random.Shared.NextDouble();
    }
}
