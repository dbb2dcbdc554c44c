namespace Missions.Host.Data;

/// <summary>Leases in the database: how a host names itself on the rows it has claimed, and how it keeps a claim.</summary>
public static class Leases
{
    /// <summary>A fresh owner name for this host instance: machine, process, and a random id (fits a name column).</summary>
    public static string NewOwner()
    {
        var owner = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";
        return owner.Length > MissionsDbContext.NameLength ? owner[^MissionsDbContext.NameLength..] : owner;
    }

    /// <summary>
    /// Keeps a claim while its work runs: renews it every third of <paramref name="lease"/>, so a host that dies
    /// loses it within one lease and another takes the work up, while a live one never does. Ends when
    /// <paramref name="stop"/> is cancelled (the work is done) or a renewal finds the claim gone (false: taken over,
    /// or finished elsewhere), then calls <paramref name="lost"/>. A renewal that fails (the database away for a
    /// moment) is reported to <paramref name="failed"/> and tried again at the next turn; the lease has slack for it.
    /// </summary>
    public static async Task KeepAsync(
        TimeSpan lease, TimeProvider clock, Func<CancellationToken, Task<bool>> renew, Action lost, Action<Exception> failed, CancellationToken stop)
    {
        var every = lease / 3;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(every, clock, stop);
                if (!await renew(stop))
                {
                    lost();
                    return;
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                failed(e);
            }
        }
    }
}
