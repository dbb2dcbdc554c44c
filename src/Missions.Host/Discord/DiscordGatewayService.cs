using Microsoft.Extensions.Options;
using Missions.Discord;
using Missions.Host.Data;

namespace Missions.Host.Discord;

/// <summary>
/// Holds Discord's Gateway connection (when a bot token is set) to hear @mentions of the bot. One host at a time holds
/// it, through a lease in the database renewed while connected; the lease also carries the session, so a host taking
/// over after another died resumes it and is sent what was missed. Closed for good by Discord (a bad token, intents
/// not allowed), it says so and stops.
/// </summary>
public sealed partial class DiscordGatewayService(
    IServiceScopeFactory scopes,
    DiscordRestClient rest,
    DiscordRestOptions restOptions,
    IOptions<DiscordOptions> options,
    TimeProvider clock,
    ILogger<DiscordGatewayService> logger) : BackgroundService
{
    public const string LeaseName = "discord-gateway";

    private readonly string owner = Leases.NewOwner();

    /// <summary>The connection while this host holds it (tests look at it).</summary>
    public DiscordGateway? Gateway { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.IsEnabled || !options.Value.GatewayEnabled)
        {
            return;
        }

        var lease = options.Value.Gateway.Lease;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var (held, state) = await WithDbAsync(db => HostLeases.TryTakeAsync(db, LeaseName, owner, lease, clock.GetUtcNow().UtcDateTime, stoppingToken));
                if (!held)
                {
                    await Task.Delay(lease / 3, stoppingToken);
                    continue;
                }

                LogHolding(logger);
                await HoldAsync(GatewaySession.FromJson(state), lease, stoppingToken);
            }
            catch (GatewayClosedException e)
            {
                LogClosedForGood(logger, e.Code, e.Message);
                await WithDbAsync(async db =>
                {
                    await HostLeases.ReleaseAsync(db, LeaseName, owner, null, clock.GetUtcNow().UtcDateTime, CancellationToken.None);
                    return 0;
                });
                return;
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                LogFailed(logger, e);
                await Task.Delay(lease / 3, stoppingToken);
            }
        }
    }

    /// <summary>Connected while the lease is held: renewed every third of it with the session; lost, the connection ends.</summary>
    private async Task HoldAsync(GatewaySession session, TimeSpan lease, CancellationToken stoppingToken)
    {
        var gateway = new DiscordGateway(rest, restOptions, logger);
        Gateway = gateway;
        using var lost = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var renewing = Task.Run(async () =>
        {
            while (!lost.IsCancellationRequested)
            {
                await Task.Delay(lease / 3, lost.Token);
                var kept = await WithDbAsync(db => HostLeases.RenewAsync(db, LeaseName, owner, lease, clock.GetUtcNow().UtcDateTime, gateway.Session.ToJson(), lost.Token));
                if (!kept)
                {
                    LogLost(logger);
                    await lost.CancelAsync();
                }
            }
        }, CancellationToken.None);

        try
        {
            await gateway.RunAsync(session, DispatchAsync, lost.Token);
        }
        catch (OperationCanceledException) when (lost.IsCancellationRequested)
        {
            // Stopping, or another host holds the lease now.
        }
        finally
        {
            await lost.CancelAsync();
            try
            {
                await renewing;
            }
            catch (OperationCanceledException)
            {
                // ended with the connection
            }

            Gateway = null;
            if (stoppingToken.IsCancellationRequested)
            {
                // Stopping: hand the session over at once, so another host resumes it without waiting for the lease.
                await WithDbAsync(async db =>
                {
                    await HostLeases.ReleaseAsync(db, LeaseName, owner, gateway.Session.ToJson(), clock.GetUtcNow().UtcDateTime, CancellationToken.None);
                    return 0;
                });
            }
        }

        async Task DispatchAsync(GatewayDispatch dispatch, CancellationToken cancellationToken)
        {
            if (dispatch.Type == "MESSAGE_CREATE" && gateway.BotUserId is { } bot)
            {
                await using var scope = scopes.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<DiscordAdapter>().MentionAsync(dispatch.Data, bot, gateway.BotRoleIds, cancellationToken);
            }
        }
    }

    private async Task<T> WithDbAsync<T>(Func<MissionsDbContext, Task<T>> work)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<MissionsDbContext>());
    }

    [LoggerMessage(EventId = 720, Level = LogLevel.Information, Message = "This host holds the Discord Gateway connection")]
    private static partial void LogHolding(ILogger logger);

    [LoggerMessage(EventId = 721, Level = LogLevel.Warning, Message = "Another host holds the Discord Gateway lease now; this one lets its connection go")]
    private static partial void LogLost(ILogger logger);

    [LoggerMessage(EventId = 722, Level = LogLevel.Critical, Message = "The Discord Gateway was closed for good ({Code}): {Reason} Mentions of the bot are not heard until the host restarts with that fixed")]
    private static partial void LogClosedForGood(ILogger logger, int code, string reason);

    [LoggerMessage(EventId = 723, Level = LogLevel.Error, Message = "The Discord Gateway service failed; trying again")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
