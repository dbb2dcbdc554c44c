using Missions.Host.Tests.Infrastructure;
using Npgsql;

namespace Missions.Host.Tests.Data;

/// <summary>
/// What an operator reads when a host first meets its database: the database prepared and the workspace seeded, and
/// no error for what EF expects to find missing (the migrations' history, on PostgreSQL the database itself).
/// </summary>
public sealed class FirstStartTests
{
    [Theory, Sqlite, Postgres]
    public async Task A_first_start_on_an_empty_database_logs_no_error(Provider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var host = await HostProcess.StartAsync(Settings(database.ProviderName, database.ConnectionString, database.ScratchDirectory));
        await AssertStartedCleanlyAsync(host);
    }

    [Theory, Postgres]
    public async Task On_PostgreSQL_a_database_that_does_not_exist_yet_is_made_with_no_error_in_the_log(Provider provider)
    {
        var name = "missions_new_" + Guid.NewGuid().ToString("N")[..12];
        var connectionString = new NpgsqlConnectionStringBuilder(await PostgresServer.ConnectionStringAsync()) { Database = name }.ConnectionString;
        var scratch = Directory.CreateTempSubdirectory("missions-first-start-");
        try
        {
            await using var host = await HostProcess.StartAsync(Settings("postgres", connectionString, scratch.FullName));
            await AssertStartedCleanlyAsync(host);
            Assert.Equal(Provider.Postgres, provider);
        }
        finally
        {
            await PostgresServer.DropDatabaseAsync(name);
            scratch.Delete(recursive: true);
        }
    }

    private static Dictionary<string, string> Settings(string provider, string connectionString, string scratch) => new()
    {
        ["Missions:Database:Provider"] = provider,
        ["ConnectionStrings:Missions"] = connectionString,
        ["Missions:Content:Path"] = Path.Combine(scratch, "content"),
    };

    private static async Task AssertStartedCleanlyAsync(HostProcess host)
    {
        // Ready means prepared and seeded; the log lines arrive a moment after.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!host.Output.Contains("Seeded the workspace", StringComparison.Ordinal) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        Assert.Contains("Seeded the workspace", host.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("fail:", host.Output, StringComparison.Ordinal);
    }
}
