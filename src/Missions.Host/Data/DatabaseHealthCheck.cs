using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Missions.Host.Data;

/// <summary>
/// Ready when the database answers a real query against the schema (not merely a connection) and every migration of
/// this build is applied.
/// </summary>
internal sealed class DatabaseHealthCheck(MissionsDbContext db, DatabaseReadiness readiness) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (readiness.Problem is { } problem)
        {
            return HealthCheckResult.Unhealthy(problem);
        }

        try
        {
            var counters = await db.Counters.CountAsync(cancellationToken);
            if (counters == 0)
            {
                return HealthCheckResult.Unhealthy("The database answers but was never initialized.");
            }

            var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
            return pending.Count == 0
                ? HealthCheckResult.Healthy($"{db.Database.ProviderName} answers; every migration is applied.")
                : HealthCheckResult.Unhealthy($"The database answers, but {pending.Count} migration(s) of this build are not applied: {string.Join(", ", pending)}.");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy("The database does not answer.", e);
        }
    }
}

/// <summary>Why the database is not ready yet (it could not be reached or prepared at start-up); null once it is.</summary>
public sealed class DatabaseReadiness
{
    private volatile string? problem;

    public string? Problem
    {
        get => problem;
        set => problem = value;
    }
}
