using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Missions.Host.Data;

namespace Missions.Host.Proposals;

/// <summary>Missions:Proposals — how long a proposal waits for a decision.</summary>
public sealed class ProposalOptions
{
    public const string Section = "Missions:Proposals";

    /// <summary>How long a proposal waits for a decision before it expires.</summary>
    public TimeSpan Lifetime { get; set; } = TimeSpan.FromDays(14);

    /// <summary>How often the proposals whose time is up are looked for.</summary>
    public TimeSpan ExpiryInterval { get; set; } = TimeSpan.FromMinutes(1);
}

/// <summary>
/// Expires the proposals nobody decided in time (<see cref="ProposalOptions.Lifetime"/>): each one's card turns into
/// "expired" in place, in every channel. Every host looks; the conditional update lets one of them expire each.
/// </summary>
public sealed partial class ProposalExpiry(IServiceScopeFactory scopes, IOptions<ProposalOptions> options, TimeProvider clock, ILogger<ProposalExpiry> logger) : BackgroundService
{
    private const int Batch = 100;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.ExpiryInterval, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await ExpireDueAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogFailed(logger, e);
            }
        }
    }

    /// <summary>Expires every proposal whose time is up, a batch at a time.</summary>
    private async Task ExpireDueAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<MissionsDbContext>();
            var now = clock.GetUtcNow().UtcDateTime;
            var due = await db.Proposals.AsNoTracking().Where(p => p.Status == ProposalStatus.Pending && p.ExpiresAt <= now)
                .OrderBy(p => p.ExpiresAt).Take(Batch).ToListAsync(cancellationToken);
            var operations = scope.ServiceProvider.GetRequiredService<ProposalOperations>();
            foreach (var proposal in due)
            {
                await operations.ExpireAsync(proposal, cancellationToken);
            }

            if (due.Count < Batch)
            {
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Expiring proposals failed; trying again at the next look")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
