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
    /// Waits for room in every window, for at most <paramref name="maxWait"/>, then counts one send. Call
    /// <see cref="Complete"/> when the send has finished: the send is then counted from its end, so however long the
    /// request took on the way, the Connector never sees two sends closer than the limits allow. When there will be no
    /// room within <paramref name="maxWait"/>, throws <see cref="SendPacedException"/> saying when there may be: the
    /// caller decides whether to hold the message that long.
    /// </summary>
    public async Task<StrongBox<DateTimeOffset>> WaitAsync(string key, TimeSpan maxWait, CancellationToken cancellationToken)
    {
        var waited = TimeSpan.Zero;
        while (true)
        {
            var (wait, slot) = TryTake(key);
            if (slot is not null)
            {
                return slot;
            }

            if (waited + wait > maxWait)
            {
                throw new SendPacedException(wait);
            }

            await Task.Delay(wait, clock, cancellationToken);
            waited += wait;
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

/// <summary>No room in the conversation's send limits for a while: try again after <see cref="RetryAfter"/>.</summary>
public sealed class SendPacedException(TimeSpan retryAfter)
    : Exception($"The conversation's send limits leave no room for {retryAfter.TotalMilliseconds:0} ms.")
{
    public TimeSpan RetryAfter { get; } = retryAfter;
}

/// <summary>
/// Sends through the Connector within Teams' limits: takes a slot of the conversation's rate limiter (waiting for one
/// only briefly, <see cref="MaxWait"/>; a longer wait is a <see cref="SendPacedException"/>), then makes the call once.
/// It never retries: a failure is a <see cref="ConnectorException"/> with the Connector's Retry-After, and the caller
/// (the outbox dispatcher) decides when to try again. The caller keeps messages of one conversation in order by
/// awaiting each.
/// </summary>
public sealed class ThrottledConnector(ConnectorClient client, ConversationRateLimiter limiter)
{
    /// <summary>The longest a send waits here for room in the limits.</summary>
    public TimeSpan MaxWait { get; init; } = TimeSpan.FromSeconds(1);

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
        // The token first (the first one takes a round trip to Entra), so the send follows its slot at once.
        await client.WarmUpAsync(cancellationToken);
        var slot = await limiter.WaitAsync(key, MaxWait, cancellationToken);
        try
        {
            return await call(client, cancellationToken);
        }
        finally
        {
            limiter.Complete(key, slot);
        }
    }
}
