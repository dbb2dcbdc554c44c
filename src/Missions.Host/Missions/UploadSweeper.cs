using Missions.Host.Data;

namespace Missions.Host.Missions;

/// <summary>
/// Clears files sent into a chat that no turn took. A turn attaches its files or discards them, and a post that is not
/// taken discards its own; but a host stopped between storing a message's files and queuing the message leaves them
/// behind. At start and then every hour, uploads older than <see cref="KeptFor"/> are deleted — long past any turn
/// (a turn that still asks for one says the file is no longer here and to send it again).
/// </summary>
public sealed partial class UploadSweeper(IContentStore store, TimeProvider clock, ILogger<UploadSweeper> logger) : BackgroundService
{
    private static readonly TimeSpan KeptFor = TimeSpan.FromDays(1);

    private static readonly TimeSpan Every = TimeSpan.FromHours(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield(); // the host's start does not wait for the first sweep
        using var timer = new PeriodicTimer(Every, clock);
        do
        {
            try
            {
                await SweepAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogSweepFailed(logger, e, Every);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>Deletes the uploads written more than <see cref="KeptFor"/> ago.</summary>
    private async Task SweepAsync(CancellationToken cancellationToken)
    {
        var before = clock.GetUtcNow() - KeptFor;
        var stale = await store.ListAsync(AttachmentService.UploadsFolder, cancellationToken).Where(item => item.WrittenAt < before).ToListAsync(cancellationToken);
        foreach (var item in stale)
        {
            await store.DeleteAsync(item.Key, cancellationToken);
        }

        if (stale.Count > 0)
        {
            LogSwept(logger, stale.Count, KeptFor);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Deleted {Count} file(s) sent into a chat more than {KeptFor} ago that no turn took")]
    private static partial void LogSwept(ILogger logger, int count, TimeSpan keptFor);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Clearing old chat uploads failed; trying again in {Every}")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception, TimeSpan every);
}
