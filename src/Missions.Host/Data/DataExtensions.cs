using System.ComponentModel.DataAnnotations;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.Options;

namespace Missions.Host.Data;

public sealed class DatabaseOptions
{
    public const string Section = "Missions:Database";

    /// <summary>"sqlite" (default), "postgres", or "sqlserver" (only in a build with -p:EnableSqlServer=true).</summary>
    [Required]
    public string Provider { get; set; } = DatabaseProviders.Sqlite;

    /// <summary>Overrides <c>ConnectionStrings:Missions</c>. For SQLite the default is a file under ./data/.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// SQLite's <c>synchronous</c> setting in WAL mode. <c>Full</c> (default): nothing committed is lost even on power
    /// failure; write transactions sync the log in groups after leaving the write lock (see <see cref="WalFlusher"/>)
    /// and report success only once synced. <c>Normal</c> syncs at checkpoints only: still safe against a crashed
    /// process, faster, but the last commits may be lost if the machine loses power.
    /// </summary>
    public string SqliteSynchronous { get; set; } = "Full";
}

public static class DatabaseProviders
{
    public const string Sqlite = "sqlite";
    public const string Postgres = "postgres";
    public const string SqlServer = "sqlserver";
}

public static class DataExtensions
{
    public static IHostApplicationBuilder AddMissionsData(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<DatabaseOptions>()
            .BindConfiguration(DatabaseOptions.Section)
            .ValidateDataAnnotations()
            .Validate(o => o.Provider is DatabaseProviders.Sqlite or DatabaseProviders.Postgres or DatabaseProviders.SqlServer,
                "Missions:Database:Provider must be sqlite, postgres or sqlserver.")
            .Validate(o => o.SqliteSynchronous is "Full" or "Normal", "Missions:Database:SqliteSynchronous must be Full or Normal.")
            .ValidateOnStart();

        var options = builder.Configuration.GetSection(DatabaseOptions.Section).Get<DatabaseOptions>() ?? new DatabaseOptions();
        var connectionString = options.ConnectionString ?? builder.Configuration.GetConnectionString("Missions");
        var contentRoot = builder.Environment.ContentRootPath;

        var sqliteConnectionString = options.Provider == DatabaseProviders.Sqlite ? SqliteConnectionString(connectionString, contentRoot) : null;

        var writeGate = new WriteGate(
            serialize: options.Provider == DatabaseProviders.Sqlite,
            flusher: options.SqliteSynchronous == "Full" && SqliteLogPath(sqliteConnectionString) is { } log ? new WalFlusher(log) : null);
        builder.Services.AddSingleton(writeGate);

        // Contexts are pooled: a request leases one whose internal services are already resolved, instead of building
        // a new context and its service scope every time (under load that cost more CPU than the queries themselves).
        builder.Services.AddDbContextPool<MissionsDbContext>(db =>
        {
            switch (options.Provider)
            {
                case DatabaseProviders.Postgres:
                    if (string.IsNullOrWhiteSpace(connectionString))
                    {
                        throw new OptionsValidationException(DatabaseOptions.Section, typeof(DatabaseOptions),
                            ["The postgres provider needs ConnectionStrings:Missions (or Missions:Database:ConnectionString)."]);
                    }

                    db.UseNpgsql(connectionString);
                    break;
                case DatabaseProviders.SqlServer:
                    SqlServerProvider.Use(db, connectionString);
                    break;
                default:
                    db.UseSqlite(sqliteConnectionString);
#pragma warning disable EF1001 // see PlainSqliteConnection
                    db.ReplaceService<Microsoft.EntityFrameworkCore.Sqlite.Storage.Internal.ISqliteRelationalConnection, PlainSqliteConnection>();
#pragma warning restore EF1001
                    db.AddInterceptors(new SqlitePragmas(options.SqliteSynchronous.ToUpperInvariant()));
                    break;
            }

            // Migrations are written by hand, so there is no model snapshot for EF to compare with; the schema test
            // (MigrationSchemaTests) is what proves the migrations build this model, on every provider here.
            db.ConfigureWarnings(w => w.Ignore(RelationalEventId.PendingModelChangesWarning));
            ((IDbContextOptionsBuilderInfrastructure)db).AddOrUpdateExtension(new WriteGateExtension(writeGate));
        });

        builder.Services.AddHttpClient("blob-store", c => c.Timeout = TimeSpan.FromSeconds(100));
        builder.Services.AddSingleton<IContentStore>(sp =>
        {
            var content = sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<ContentStoreOptions>>().Value;
            return content.BlobContainerUrl is { Length: > 0 }
                ? new BlobContentStore(sp.GetRequiredService<IHttpClientFactory>().CreateClient("blob-store"), content,
                    content.BlobUseAzureIdentity ? new Azure.Identity.DefaultAzureCredential() : null, sp.GetRequiredService<TimeProvider>())
                : ActivatorUtilities.CreateInstance<DiskContentStore>(sp);
        });
        builder.Services.AddOptions<ContentStoreOptions>().BindConfiguration(ContentStoreOptions.Section);
        builder.Services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database");
        builder.Services.AddSingleton(TimeProvider.System);
        return builder;
    }

    /// <summary>A relative SQLite path is taken from the content root; the folder is created when missing.</summary>
    internal static string SqliteConnectionString(string? configured, string contentRoot)
    {
        var csb = new SqliteConnectionStringBuilder(string.IsNullOrWhiteSpace(configured) ? "Data Source=data/missions.db" : configured);
        if (IsFile(csb))
        {
            var path = Path.GetFullPath(csb.DataSource, contentRoot);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            csb.DataSource = path;
        }

        return csb.ToString();
    }

    /// <summary>The write-ahead log of a SQLite database file; null for an in-memory database.</summary>
    internal static string? SqliteLogPath(string? sqliteConnectionString)
    {
        if (sqliteConnectionString is null)
        {
            return null;
        }

        var csb = new SqliteConnectionStringBuilder(sqliteConnectionString);
        return IsFile(csb) ? csb.DataSource + "-wal" : null;
    }

    private static bool IsFile(SqliteConnectionStringBuilder csb) => csb.DataSource != ":memory:" && csb.Mode != SqliteOpenMode.Memory;

    /// <summary>Applies the migrations, switches SQLite to WAL, and makes sure the counters exist.</summary>
    public static async Task InitializeMissionsDatabaseAsync(this IServiceProvider services, CancellationToken cancellationToken = default)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MissionsDbContext>();
        await db.Database.MigrateAsync(cancellationToken);
        if (db.Database.IsSqlite())
        {
            // WAL is a property of the file and survives restarts: readers no longer wait for the writer.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
        }

        await Counters.EnsureAsync(db, cancellationToken);
    }
}

/// <summary>
/// SQL Server lives behind this one switch. Its client does not restore from this registry, so the real wiring is in
/// Data/SqlServer/ and compiled only with -p:EnableSqlServer=true.
/// </summary>
internal static partial class SqlServerProvider
{
    public static void Use(DbContextOptionsBuilder db, string? connectionString)
    {
        if (!TryUse(db, connectionString))
        {
            throw new InvalidOperationException(
                "This build has no SQL Server provider. Build with -p:EnableSqlServer=true where Microsoft.EntityFrameworkCore.SqlServer restores, or use sqlite or postgres.");
        }
    }

    static partial void UseSqlServer(DbContextOptionsBuilder db, string? connectionString, ref bool used);

    private static bool TryUse(DbContextOptionsBuilder db, string? connectionString)
    {
        var used = false;
        UseSqlServer(db, connectionString, ref used);
        return used;
    }
}
