using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.Options;

namespace Missions.Host.Data;

/// <summary>How the data-protection key ring is kept at rest (<c>Missions:DataProtection</c>).</summary>
public sealed class KeyRingOptions
{
    public const string Section = "Missions:DataProtection";

    /// <summary>
    /// A certificate with its private key (PKCS#12, a .pfx: Key Vault's download, mounted as a file) the keys are
    /// encrypted with in the database; a relative path is taken from the content root. Unset, they are stored as
    /// ASP.NET Core writes them, unencrypted, and the database's own protection is theirs.
    /// </summary>
    public string? CertificatePath { get; set; }

    /// <summary>The .pfx file's password, if it has one.</summary>
    public string? CertificatePassword { get; set; }

    /// <summary>The certificate, or a start-up failure that says which setting is wrong.</summary>
    internal static System.Security.Cryptography.X509Certificates.X509Certificate2 LoadCertificate(string path, string? password)
    {
        System.Security.Cryptography.X509Certificates.X509Certificate2 certificate;
        try
        {
            certificate = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadPkcs12FromFile(path, password);
        }
        catch (Exception e) when (e is System.Security.Cryptography.CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException(
                $"{Section}:CertificatePath: '{path}' could not be read as a certificate with its private key ({e.Message.TrimEnd('.')}). Check the file and {Section}:CertificatePassword.", e);
        }

        if (!certificate.HasPrivateKey)
        {
            throw new InvalidOperationException($"{Section}:CertificatePath: '{path}' has no private key; the key ring could be encrypted with it but never read again.");
        }

        return certificate;
    }
}

public sealed class DatabaseOptions
{
    public const string Section = "Missions:Database";

    /// <summary>"sqlite" (default), "postgres", or "sqlserver".</summary>
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

public static partial class DataExtensions
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

        // Contexts are pooled: a scope leases one whose internal services are already resolved, instead of building
        // a new context and its service scope every time (under load that cost more CPU than the queries themselves).
        // Everything asks for MissionsDbContext; the provider's own type behind it brings that provider's migrations.
        // Each lease starts seeing every workspace (a pooled context keeps what the last lease set; EF's guide to
        // state in pooled contexts): what a scope narrows it to ends with the scope.
        _ = options.Provider switch
        {
            DatabaseProviders.Postgres => AddContext<PostgresMissionsDbContext>(),
            DatabaseProviders.SqlServer => AddContext<SqlServerMissionsDbContext>(),
            _ => AddContext<SqliteMissionsDbContext>(),
        };

        IServiceCollection AddContext<TContext>()
            where TContext : MissionsDbContext =>
            builder.Services.AddPooledDbContextFactory<TContext>(Configure).AddScoped<MissionsDbContext>(services =>
            {
                var db = services.GetRequiredService<IDbContextFactory<TContext>>().CreateDbContext();
                db.SeeEverything();
                return db;
            });

        void Configure(DbContextOptionsBuilder db)
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

            ((IDbContextOptionsBuilderInfrastructure)db).AddOrUpdateExtension(new WriteGateExtension(writeGate));
        }

        // Sessions, sign-in state and the pages' circuits are protected with keys every host shares: in the database,
        // encrypted there with a certificate when one is configured.
        var protection = builder.Services.AddDataProtection().SetApplicationName("Missions").PersistKeysToDbContext<MissionsDbContext>();
        if (builder.Configuration.GetSection(KeyRingOptions.Section).Get<KeyRingOptions>()?.CertificatePath is { Length: > 0 } certificatePath)
        {
            var certificate = KeyRingOptions.LoadCertificate(
                Path.GetFullPath(certificatePath, builder.Environment.ContentRootPath), builder.Configuration[$"{KeyRingOptions.Section}:CertificatePassword"]);
            protection.ProtectKeysWithCertificate(certificate).UnprotectKeysWithAnyCertificate(certificate);
        }

        builder.Services.AddSingleton<IContentStore>(sp =>
        {
            var content = sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<ContentStoreOptions>>().Value;
            return content.BlobContainerUrl is { Length: > 0 }
                ? BlobContentStore.Create(content, content.BlobUseAzureIdentity ? new Azure.Identity.DefaultAzureCredential() : null)
                : ActivatorUtilities.CreateInstance<DiskContentStore>(sp);
        });
        builder.Services.AddOptions<ContentStoreOptions>().BindConfiguration(ContentStoreOptions.Section)
            .Validate(o => !string.IsNullOrWhiteSpace(o.Path) || !string.IsNullOrWhiteSpace(o.BlobContainerUrl), "Missions:Content:Path must not be empty (or set Missions:Content:BlobContainerUrl).")
            .Validate(o => Web.StartupValidation.IsAddressOrEmpty(o.BlobContainerUrl) && (o.BlobContainerUrl is null || new Uri(o.BlobContainerUrl).AbsolutePath.Trim('/').Length > 0),
                "Missions:Content:BlobContainerUrl must be a container's address: https://<account>.blob.core.windows.net/<container>[?<SAS>].")
            .Validate(o => !o.BlobUseAzureIdentity || !string.IsNullOrWhiteSpace(o.BlobContainerUrl), "Missions:Content:BlobUseAzureIdentity needs Missions:Content:BlobContainerUrl.")
            .ValidateOnStart();
        builder.Services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database");
        builder.Services.AddSingleton<DatabaseReadiness>();
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

    /// <summary>
    /// Prepares the database (migrations, then <paramref name="then"/>) before the host answers; when the database
    /// cannot be reached or prepared, the host starts anyway — alive, not ready, its readiness check saying why — and
    /// tries again every <paramref name="retry"/> until it succeeds or the host stops.
    /// </summary>
    public static async Task StartMissionsDatabaseAsync(this WebApplication app, Func<IServiceProvider, CancellationToken, Task> then, TimeSpan retry)
    {
        var readiness = app.Services.GetRequiredService<DatabaseReadiness>();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(DataExtensions));
        var provider = app.Services.GetRequiredService<IOptions<DatabaseOptions>>().Value.Provider;
        var stopping = app.Lifetime.ApplicationStopping;

        async Task<bool> TryAsync()
        {
            try
            {
                await app.Services.InitializeMissionsDatabaseAsync(stopping);
                await then(app.Services, stopping);
                readiness.Problem = null;
                return true;
            }
            catch (Exception e) when (e is not OperationCanceledException || !stopping.IsCancellationRequested)
            {
                readiness.Problem = $"The {provider} database could not be prepared ({e.GetType().Name}: {e.Message.Split('\n')[0]}); trying again every {retry.TotalSeconds:0} s.";
                LogNotReady(logger, e, provider, retry.TotalSeconds);
                return false;
            }
        }

        if (!await TryAsync())
        {
            _ = Task.Run(async () =>
            {
                while (!stopping.IsCancellationRequested)
                {
                    try
                    {
                        await Task.Delay(retry, stopping);
                    }
                    catch (OperationCanceledException)
                    {
                        return;
                    }

                    if (await TryAsync())
                    {
                        return;
                    }
                }
            }, CancellationToken.None);
        }
    }

    [LoggerMessage(EventId = 120, Level = LogLevel.Error, Message = "The {Provider} database could not be prepared; the host is not ready and tries again every {Seconds} s")]
    private static partial void LogNotReady(ILogger logger, Exception exception, string provider, double seconds);

    /// <summary>Applies the migrations (taking over a database the hand-written ones made), switches SQLite to WAL, and makes sure the counters exist.</summary>
    public static async Task InitializeMissionsDatabaseAsync(this IServiceProvider services, CancellationToken cancellationToken = default)
    {
        await using var scope = services.CreateAsyncScope();
        await using var db = ForMigrating(scope.ServiceProvider.GetRequiredService<MissionsDbContext>());
        await HandWrittenMigrations.AdoptAsync(db, cancellationToken);
        await db.Database.MigrateAsync(cancellationToken);
        if (db.Database.IsSqlite())
        {
            // WAL is a property of the file and survives restarts: readers no longer wait for the writer.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
        }

        await Counters.EnsureAsync(db, cancellationToken);
    }

    /// <summary>
    /// A context like the host's, for preparing the database. EF finds out whether the database and its migrations
    /// history exist by trying them, and logs the expected failure as an error on a database's first start ("relation
    /// __EFMigrationsHistory does not exist"), which reads as if something broke; here those are logged at Debug. A real
    /// failure still throws, and the host says so as its reason for not being ready.
    /// </summary>
    private static MissionsDbContext ForMigrating(MissionsDbContext db)
    {
        var options = new DbContextOptionsBuilder((DbContextOptions)db.GetService<IDbContextOptions>())
            .ConfigureWarnings(w => w.Log((RelationalEventId.CommandError, LogLevel.Debug), (RelationalEventId.ConnectionError, LogLevel.Debug)))
            .Options;
        return (MissionsDbContext)Activator.CreateInstance(db.GetType(), options)!;
    }
}

/// <summary>SQL Server (Azure SQL Database in a deployment).</summary>
internal static class SqlServerProvider
{
    public static void Use(DbContextOptionsBuilder db, string? connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new InvalidOperationException("The sqlserver provider needs ConnectionStrings:Missions.");
        }

        // No EnableRetryOnFailure: the domain opens its own transactions, which a retrying strategy would refuse.
        // The model and the migrations carry what SQL Server needs (identity annotations, bounded key strings, the
        // filtered unique index on ProposalId).
        db.UseSqlServer(connectionString);
    }
}
