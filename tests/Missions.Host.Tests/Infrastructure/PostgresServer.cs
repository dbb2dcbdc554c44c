using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Missions.Host.Tests.Infrastructure;

/// <summary>
/// A real PostgreSQL server for the test run: a fresh cluster from the machine's binaries (initdb, pg_ctl) on a free
/// loopback port, started on first use and stopped when the test process exits. As root, the server runs as the
/// 'postgres' system user, because PostgreSQL refuses to run as root.
/// </summary>
public static class PostgresServer
{
    private static readonly Lazy<Task<string>> Started = new(StartAsync, LazyThreadSafetyMode.ExecutionAndPublication);
    private static string? dataDirectory;
    private static string? binDirectory;
    private static bool runAsPostgresUser;

    /// <summary>Set by the test script: a PostgreSQL that cannot start then fails the run instead of skipping.</summary>
    public static bool Required => Environment.GetEnvironmentVariable("MISSIONS_REQUIRE_POSTGRES") == "1";

    public static string? UnavailableReason
    {
        get
        {
            if (FindBinDirectory() is null)
            {
                return "PostgreSQL binaries (initdb, pg_ctl) were not found under /usr/lib/postgresql; run ./test.sh, which installs them.";
            }

            return null;
        }
    }

    /// <summary>The maintenance connection string of the running server (database 'postgres').</summary>
    public static Task<string> ConnectionStringAsync() => Started.Value;

    public static async Task<string> CreateDatabaseAsync(string name)
    {
        var admin = await ConnectionStringAsync();
        await using var connection = new NpgsqlConnection(admin);
        await connection.OpenAsync();
        await using (var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection))
        {
            await command.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString;
    }

    public static async Task DropDatabaseAsync(string name)
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(await ConnectionStringAsync());
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }

    private static string? FindBinDirectory()
    {
        if (binDirectory is not null)
        {
            return binDirectory;
        }

        const string root = "/usr/lib/postgresql";
        if (!Directory.Exists(root))
        {
            return null;
        }

        binDirectory = Directory.GetDirectories(root)
            .Select(d => Path.Combine(d, "bin"))
            .Where(d => File.Exists(Path.Combine(d, "initdb")) && File.Exists(Path.Combine(d, "pg_ctl")))
            .OrderByDescending(d => d, StringComparer.Ordinal)
            .FirstOrDefault();
        return binDirectory;
    }

    private static async Task<string> StartAsync()
    {
        var bin = FindBinDirectory() ?? throw new InvalidOperationException(UnavailableReason);
        runAsPostgresUser = Environment.UserName == "root";
        dataDirectory = Path.Combine(Path.GetTempPath(), "missions-pg-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(dataDirectory);
        if (runAsPostgresUser)
        {
            await RunAsync("chown", ["postgres:postgres", dataDirectory], asPostgres: false);
        }

        var port = LocalProcess.FreePort();
        // C locale: ordinal string order (board ranks compare byte-wise), and no dependence on installed locales.
        await RunAsync(Path.Combine(bin, "initdb"), ["-D", dataDirectory, "-U", "postgres", "--auth=trust", "--no-locale", "-E", "UTF8", "--no-sync"], runAsPostgresUser);
        var options = $"-p {port} -k {dataDirectory} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300";
        await RunAsync(Path.Combine(bin, "pg_ctl"), ["-D", dataDirectory, "-o", options, "-l", Path.Combine(dataDirectory, "server.log"), "-w", "-t", "60", "start"], runAsPostgresUser);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Stop();

        return new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = port,
            Username = "postgres",
            Database = "postgres",
            Pooling = true,
            MaxPoolSize = 50,
            Timeout = 30,
        }.ConnectionString;
    }

    private static void Stop()
    {
        if (dataDirectory is null || binDirectory is null)
        {
            return;
        }

        try
        {
            RunAsync(Path.Combine(binDirectory, "pg_ctl"), ["-D", dataDirectory, "-m", "immediate", "-w", "stop"], runAsPostgresUser).GetAwaiter().GetResult();
            Directory.Delete(dataDirectory, recursive: true);
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or UnauthorizedAccessException)
        {
            // The process is exiting; a leftover temp folder is all that can remain.
        }
    }

    private static async Task RunAsync(string file, IReadOnlyList<string> arguments, bool asPostgres)
    {
        var (exit, output, error) = asPostgres
            ? await LocalProcess.RunAsync("runuser", ["-u", "postgres", "--", file, .. arguments])
            : await LocalProcess.RunAsync(file, arguments);
        if (exit != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} failed ({exit}): {error}{output}");
        }
    }
}
