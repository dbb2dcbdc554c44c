namespace Missions.Host.WebChat;

/// <summary>
/// Wakes a poll that found nothing new when something is written to its conversation's transcript on this host. A
/// poll with nothing to return waits a moment for the bot's answer (a message is answered after the post, by the inbox)
/// instead of returning empty and being asked again and again; an answer written by another host is found by the next
/// poll, as before.
/// </summary>
public sealed class TranscriptSignals
{
    private readonly object gate = new();
    private readonly Dictionary<string, Waiters> waiting = new(StringComparer.Ordinal);

    /// <summary>Registers interest before looking, so nothing written between the look and the wait is missed.</summary>
    public Registration Watch(string conversationId)
    {
        lock (gate)
        {
            if (!waiting.TryGetValue(conversationId, out var waiters))
            {
                waiters = new Waiters();
                waiting[conversationId] = waiters;
            }

            waiters.Count++;
            return new Registration(this, conversationId, waiters);
        }
    }

    /// <summary>Something was written to the conversation's transcript (and committed).</summary>
    public void Notify(string conversationId)
    {
        Waiters? waiters;
        lock (gate)
        {
            if (!waiting.Remove(conversationId, out waiters))
            {
                return;
            }
        }

        waiters.Written.TrySetResult();
    }

    private void Leave(string conversationId, Waiters waiters)
    {
        lock (gate)
        {
            if (--waiters.Count == 0 && waiting.TryGetValue(conversationId, out var current) && current == waiters)
            {
                waiting.Remove(conversationId);
            }
        }
    }

    internal sealed class Waiters
    {
        public readonly TaskCompletionSource Written = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public int Count;
    }

    /// <summary>One poll's interest in a conversation; dispose when the poll is answered.</summary>
    public sealed class Registration : IDisposable
    {
        private readonly TranscriptSignals owner;
        private readonly string conversationId;
        private readonly Waiters waiters;
        private bool left;

        internal Registration(TranscriptSignals owner, string conversationId, Waiters waiters)
        {
            this.owner = owner;
            this.conversationId = conversationId;
            this.waiters = waiters;
        }

        /// <summary>True when something was written before <paramref name="timeout"/> ran out.</summary>
        public async Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
        {
            try
            {
                await waiters.Written.Task.WaitAsync(timeout, cancellationToken);
                return true;
            }
            catch (TimeoutException)
            {
                return false;
            }
        }

        public void Dispose()
        {
            if (!left)
            {
                left = true;
                owner.Leave(conversationId, waiters);
            }
        }
    }
}
