namespace Missions.Host.Data;

/// <summary>
/// Wakes a background worker when a transaction that gave it work has committed. Pulses coalesce: however many
/// arrive while the worker is busy, it wakes once and reads everything that is due. The worker also polls, so a
/// pulse is a shortcut, never the only way work is found (another host may have written it).
/// </summary>
public abstract class WorkSignal : IDisposable
{
    private readonly SemaphoreSlim signal = new(0, 1);

    public void Pulse()
    {
        try
        {
            if (signal.CurrentCount == 0)
            {
                signal.Release();
            }
        }
        catch (SemaphoreFullException)
        {
            // Already signalled.
        }
    }

    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => signal.WaitAsync(timeout, cancellationToken);

    public void Dispose()
    {
        signal.Dispose();
        GC.SuppressFinalize(this);
    }
}
