using Microsoft.EntityFrameworkCore;
using Missions.Host.Data;
using Xunit.Sdk;

namespace Missions.Host.Tests.Infrastructure;

public enum Provider
{
    Sqlite,
    Postgres,
}

/// <summary>A fresh, empty database on one provider: a SQLite file in a temp folder, or a new PostgreSQL database.</summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private readonly string? directory;
    private readonly string? postgresName;

    private TestDatabase(Provider provider, string connectionString, string? directory, string? postgresName)
    {
        Provider = provider;
        ConnectionString = connectionString;
        this.directory = directory;
        this.postgresName = postgresName;
    }

    public Provider Provider { get; }
    public string ConnectionString { get; }
    public string ProviderName => Provider == Provider.Sqlite ? DatabaseProviders.Sqlite : DatabaseProviders.Postgres;

    /// <summary>A scratch folder beside the database, for content and other files the test host writes.</summary>
    public string ScratchDirectory => directory ?? throw new InvalidOperationException();

    public static async Task<TestDatabase> CreateAsync(Provider provider)
    {
        var directory = Path.Combine(Path.GetTempPath(), "missions-test-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(directory);
        if (provider == Provider.Sqlite)
        {
            return new TestDatabase(provider, $"Data Source={Path.Combine(directory, "missions.db")}", directory, null);
        }

        var name = "missions_" + Guid.NewGuid().ToString("N")[..16];
        return new TestDatabase(provider, await PostgresServer.CreateDatabaseAsync(name), directory, name);
    }

    /// <summary>
    /// What points a host at this database and at a content folder beside it, as an operator would set it; the
    /// <paramref name="more"/> settings are added (and win).
    /// </summary>
    public Dictionary<string, string> HostSettings(IReadOnlyDictionary<string, string>? more = null)
    {
        var settings = new Dictionary<string, string>
        {
            ["Missions:Database:Provider"] = ProviderName,
            ["ConnectionStrings:Missions"] = ConnectionString,
            ["Missions:Content:Path"] = Path.Combine(ScratchDirectory, "content"),
        };
        foreach (var (key, value) in more ?? new Dictionary<string, string>())
        {
            settings[key] = value;
        }

        return settings;
    }

    /// <summary>
    /// Reads until the database shows something (the work of host processes on it), or fails after
    /// <paramref name="within"/> with the named hosts' recent output.
    /// </summary>
    public async Task<T> WaitForAsync<T>(Func<MissionsDbContext, Task<T?>> read, string what, TimeSpan within, params HostProcess[] hosts)
    {
        var deadline = DateTime.UtcNow + within;
        while (true)
        {
            await using (var db = CreateContext())
            {
                if (await read(db) is { } value)
                {
                    return value;
                }
            }

            Assert.True(DateTime.UtcNow < deadline, $"Timed out waiting for {what}.\n{string.Join("\n---\n", hosts.Select(h => h.Output))}");
            await Task.Delay(100);
        }
    }

    /// <summary>A context of the provider's own type (with that provider's migrations), as the host registers it.</summary>
    public MissionsDbContext CreateContext() => Provider == Provider.Sqlite
        ? new SqliteMissionsDbContext(new DbContextOptionsBuilder<SqliteMissionsDbContext>().UseSqlite(ConnectionString).Options)
        : new PostgresMissionsDbContext(new DbContextOptionsBuilder<PostgresMissionsDbContext>().UseNpgsql(ConnectionString).Options);

    public async ValueTask DisposeAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (postgresName is not null)
        {
            await PostgresServer.DropDatabaseAsync(postgresName);
        }

        if (directory is not null)
        {
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (IOException)
            {
                // A file still open by a disposed host's last pooled handle; the temp folder is cleaned by the OS.
            }
        }
    }
}

/// <summary>Runs a theory on SQLite.</summary>
public sealed class SqliteAttribute : DataAttribute
{
    public override IEnumerable<object[]> GetData(System.Reflection.MethodInfo testMethod) => [[Provider.Sqlite]];
}

/// <summary>
/// Runs a theory on a real PostgreSQL server. Where its binaries are missing the case shows as skipped with the
/// reason, unless MISSIONS_REQUIRE_POSTGRES=1 (the test script sets it), where it fails instead.
/// </summary>
public sealed class PostgresAttribute : DataAttribute
{
    public PostgresAttribute()
    {
        if (!PostgresServer.Required && PostgresServer.UnavailableReason is { } reason)
        {
            Skip = reason;
        }
    }

    public override IEnumerable<object[]> GetData(System.Reflection.MethodInfo testMethod) => [[Provider.Postgres]];
}
