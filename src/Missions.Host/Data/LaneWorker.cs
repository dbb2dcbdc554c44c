namespace Missions.Host.Data;

/// <summary>
/// A background worker that drains lanes (a conversation's queue, one run): each lane by one drain at a time, so its
/// items keep their order, and up to a limit of lanes at once. It looks for due lanes when signalled and at every poll
/// interval (another host may have written work); a lane can also be started directly (<see cref="Nudge"/>) when this
/// host has just written work for it. A lane that finds every lane taken waits in line and starts when one ends, so a
/// busy host does not look through the database at every lane's end. On stop it waits for the drains under way, which
/// decide themselves how to end (finish, or give their claim back).
/// </summary>
public abstract partial class LaneWorker(WorkSignal signal, TimeProvider clock, ILogger logger) : BackgroundService
{
    private readonly object gate = new();
    private readonly Dictionary<Guid, Lane> draining = [];

    /// <summary>Lanes with work (nudged, or found by the loop) while every lane was busy, in the order they came: started as lanes end.</summary>
    private readonly Queue<Guid> waiting = new();
    private readonly HashSet<Guid> waitingSet = [];

    /// <summary>The loop's last look found more lanes than were free: look again when those waiting have all started.</summary>
    private bool lookAgain;

    /// <summary>When each lane waiting for a due time is drained again (<see cref="DrainAfter"/>).</summary>
    private readonly Dictionary<Guid, DateTimeOffset> wakes = [];
    private CancellationToken stopping = CancellationToken.None;
    private volatile bool started;

    /// <summary>Lanes being drained on this host right now (a run executing, a conversation being delivered to).</summary>
    public int Busy
    {
        get
        {
            lock (gate)
            {
                return draining.Count;
            }
        }
    }

    protected TimeProvider Clock { get; } = clock;

    protected abstract TimeSpan PollInterval { get; }

    protected abstract int MaxLanes { get; }

    /// <summary>Lanes with work that is due, oldest first.</summary>
    protected abstract Task<IReadOnlyList<Guid>> DueLanesAsync(CancellationToken cancellationToken);

    /// <summary>Works through one lane (a conversation, a run) until it is empty or its head must wait.</summary>
    protected abstract Task DrainAsync(Guid lane, CancellationToken cancellationToken);

    /// <summary>
    /// Drains the lane now: this host has just written work for it. A lane being drained is drained once more when
    /// its drain ends, so work written while it ran is never left waiting for the next poll; when every lane is busy,
    /// it is started as soon as one ends (no look through the database is needed to find it).
    /// </summary>
    public void Nudge(Guid lane)
    {
        if (!started)
        {
            signal.Pulse(); // not running yet: the loop finds the work when it starts
            return;
        }

        Start(lane, again: true);
    }

    /// <summary>
    /// Drains the lane again once <paramref name="wait"/> has passed (its head must wait until then: a retry, the
    /// channel's pace), rather than at the first poll after; nothing new when a wake at or before then is already set.
    /// A longer wait than <see cref="PollInterval"/> times ten is left to the polls, so no timer is held for long.
    /// </summary>
    protected void DrainAfter(Guid lane, TimeSpan wait)
    {
        if (wait > PollInterval * 10)
        {
            return;
        }

        wait = TimeSpan.FromTicks(Math.Max(0, wait.Ticks));
        var at = Clock.GetUtcNow() + wait;
        lock (gate)
        {
            if (wakes.TryGetValue(lane, out var set) && set <= at)
            {
                return;
            }

            wakes[lane] = at;
        }

        _ = WakeAsync();

        async Task WakeAsync()
        {
            try
            {
                // A moment past the due time (a timer may fire a little early), so the head is due when it is looked at.
                await Task.Delay(wait + TimeSpan.FromMilliseconds(2), Clock, stopping);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            lock (gate)
            {
                if (wakes.TryGetValue(lane, out var set) && set == at)
                {
                    wakes.Remove(lane);
                }
            }

            Nudge(lane);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        stopping = stoppingToken;
        started = true;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                foreach (var lane in await DueLanesAsync(stoppingToken))
                {
                    Start(lane, again: false);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogLoopFailed(logger, e, GetType().Name);
            }

            try
            {
                await signal.WaitAsync(PollInterval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        Task[] under;
        lock (gate)
        {
            under = draining.Values.Select(l => l.Done.Task).ToArray();
        }

        await Task.WhenAll(under);
    }

    /// <summary>
    /// Starts a drain of the lane; a lane already being drained is asked to go once more when <paramref name="again"/>
    /// (new work was written for it) and otherwise left alone. When every lane is taken, the lane waits for the next
    /// one to end.
    /// </summary>
    private void Start(Guid lane, bool again)
    {
        Lane state;
        lock (gate)
        {
            if (draining.TryGetValue(lane, out var running))
            {
                running.Again |= again;
                return;
            }

            if (stopping.IsCancellationRequested)
            {
                return;
            }

            if (draining.Count >= MaxLanes)
            {
                if (waitingSet.Add(lane))
                {
                    waiting.Enqueue(lane);
                }

                // The loop found more than it could start: there may be more still, looked for once these have started.
                lookAgain |= !again;
                return;
            }

            state = new Lane();
            draining[lane] = state;
        }

        _ = Task.Run(() => RunLaneAsync(lane, state), CancellationToken.None);
    }

    /// <summary>A lane has ended: the lane that has waited longest takes its place.</summary>
    private void StartWaiting()
    {
        Guid lane;
        Lane state;
        lock (gate)
        {
            while (true)
            {
                if (stopping.IsCancellationRequested || draining.Count >= MaxLanes)
                {
                    return;
                }

                if (!waiting.TryDequeue(out lane))
                {
                    if (lookAgain)
                    {
                        lookAgain = false;
                        signal.Pulse();
                    }

                    return;
                }

                waitingSet.Remove(lane);
                if (draining.TryGetValue(lane, out var running))
                {
                    running.Again = true; // started meanwhile (it was nudged again when a lane was free)
                    continue;
                }

                state = new Lane();
                draining[lane] = state;
                break;
            }
        }

        _ = Task.Run(() => RunLaneAsync(lane, state), CancellationToken.None);
    }

    private async Task RunLaneAsync(Guid lane, Lane state)
    {
        try
        {
            while (true)
            {
                await DrainAsync(lane, stopping);
                lock (gate)
                {
                    if (!state.Again || stopping.IsCancellationRequested)
                    {
                        draining.Remove(lane);
                        break;
                    }

                    state.Again = false;
                }
            }
        }
        catch (Exception e)
        {
            lock (gate)
            {
                draining.Remove(lane);
            }

            if (e is not OperationCanceledException)
            {
                LogDrainFailed(logger, e, GetType().Name, lane);
            }
        }
        finally
        {
            state.Done.TrySetResult();
            StartWaiting();
        }
    }

    private sealed class Lane
    {
        public readonly TaskCompletionSource Done = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Work arrived while the lane was being drained: drain it once more before letting go.</summary>
        public bool Again;
    }

    [LoggerMessage(EventId = 500, Level = LogLevel.Error, Message = "The {Worker} loop failed; trying again")]
    private static partial void LogLoopFailed(ILogger logger, Exception exception, string worker);

    [LoggerMessage(EventId = 501, Level = LogLevel.Error, Message = "{Worker}: draining lane {Lane} failed")]
    private static partial void LogDrainFailed(ILogger logger, Exception exception, string worker, Guid lane);
}
