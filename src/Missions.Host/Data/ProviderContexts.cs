using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Missions.Host.Data;

// One context type per provider, each with its own migrations and model snapshot under Data/Migrations/<provider>
// ("Migrations with multiple providers" in EF's documentation). They add nothing to the model.

public sealed class SqliteMissionsDbContext(DbContextOptions<SqliteMissionsDbContext> options) : MissionsDbContext(options);

public sealed class PostgresMissionsDbContext(DbContextOptions<PostgresMissionsDbContext> options) : MissionsDbContext(options);

public sealed class SqlServerMissionsDbContext(DbContextOptions<SqlServerMissionsDbContext> options) : MissionsDbContext(options);

/// <summary>
/// What dotnet-ef builds at design time (<c>dotnet ef migrations add</c>, <c>script</c>, <c>database update</c>). Adding
/// a migration connects to nothing; the other commands use <c>ConnectionStrings__Missions</c> from the environment, or
/// the local default of each provider.
/// </summary>
internal static class DesignTime
{
    public static string ConnectionString(string fallback) =>
        Environment.GetEnvironmentVariable("ConnectionStrings__Missions") is { Length: > 0 } configured ? configured : fallback;
}

internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteMissionsDbContext>
{
    public SqliteMissionsDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteMissionsDbContext>().UseSqlite(DesignTime.ConnectionString("Data Source=data/missions.db")).Options);
}

internal sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresMissionsDbContext>
{
    public PostgresMissionsDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresMissionsDbContext>().UseNpgsql(DesignTime.ConnectionString("Host=127.0.0.1;Database=missions")).Options);
}

internal sealed class SqlServerDesignTimeFactory : IDesignTimeDbContextFactory<SqlServerMissionsDbContext>
{
    public SqlServerMissionsDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqlServerMissionsDbContext>().UseSqlServer(DesignTime.ConnectionString("Server=127.0.0.1;Database=missions;Encrypt=false")).Options);
}
