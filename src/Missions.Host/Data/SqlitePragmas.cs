using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Missions.Host.Data;

/// <summary>
/// Per-connection SQLite settings. <c>synchronous</c> is per connection, so it is set on every open (a pooled
/// connection keeps it; the statement costs microseconds).
/// </summary>
internal sealed class SqlitePragmas(string synchronous) : DbConnectionInterceptor
{
    private readonly string pragma = $"PRAGMA synchronous={synchronous}; PRAGMA temp_store=MEMORY;";

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Apply(connection);

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Apply(connection);
        return Task.CompletedTask;
    }

    private void Apply(DbConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = pragma;
        command.ExecuteNonQuery();
    }
}
