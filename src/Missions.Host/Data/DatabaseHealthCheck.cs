using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Missions.Host.Data;

/// <summary>Healthy when the database answers a real query against the schema, not merely a connection.</summary>
internal sealed class DatabaseHealthCheck(MissionsDbContext db) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var counters = await db.Counters.CountAsync(cancellationToken);
            return counters > 0
                ? HealthCheckResult.Healthy($"{db.Database.ProviderName} answers.")
                : HealthCheckResult.Unhealthy("The database answers but was never initialized.");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy("The database does not answer.", e);
        }
    }
}
