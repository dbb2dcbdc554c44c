using Microsoft.AspNetCore.Hosting;
using Missions.Host.Tests.Infrastructure;

namespace Missions.Benchmarks;

/// <summary>
/// Where a benchmark's host keeps its data: a fresh SQLite file with durable commits (the default), or with
/// <c>--postgres</c> a fresh database on a local PostgreSQL cluster started as the tests start theirs. Gone afterwards.
/// </summary>
internal sealed class BenchDatabase : IAsyncDisposable
{
    private readonly string? postgresName;

    private BenchDatabase(string provider, string connectionString, string folder, string? postgresName)
    {
        Provider = provider;
        ConnectionString = connectionString;
        Folder = folder;
        this.postgresName = postgresName;
    }

    public string Provider { get; }
    public string ConnectionString { get; }

    /// <summary>The run's own folder (the SQLite file, the content store).</summary>
    public string Folder { get; }

    public string Description => postgresName is null ? $"SQLite (WAL, synchronous=FULL) at {Folder}" : $"PostgreSQL (local cluster, database {postgresName})";

    public static async Task<BenchDatabase> CreateAsync(bool postgres)
    {
        var folder = Path.Combine(Path.GetTempPath(), "missions-bench-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(folder);
        if (!postgres)
        {
            return new BenchDatabase("sqlite", $"Data Source={Path.Combine(folder, "missions.db")}", folder, null);
        }

        if (PostgresServer.UnavailableReason is { } reason)
        {
            throw new InvalidOperationException(reason);
        }

        var name = "bench_" + Guid.NewGuid().ToString("N")[..8];
        return new BenchDatabase("postgres", await PostgresServer.CreateDatabaseAsync(name), folder, name);
    }

    /// <summary>The host's settings for this database, as production would have them (warnings and worse logged).</summary>
    public IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["Missions:Database:Provider"] = Provider,
        ["ConnectionStrings:Missions"] = ConnectionString,
        ["Missions:Content:Path"] = Path.Combine(Folder, "content"),
        ["Logging:LogLevel:Default"] = "Warning",
    };

    /// <summary>Applies <see cref="Settings"/> to a host started in this process, in production.</summary>
    public void Apply(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (postgresName is not null)
        {
            await PostgresServer.DropDatabaseAsync(postgresName);
        }

        Directory.Delete(Folder, recursive: true);
    }
}
