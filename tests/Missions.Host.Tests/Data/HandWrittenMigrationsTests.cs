using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Missions.Host.Tests.Infrastructure;
using Npgsql;

namespace Missions.Host.Tests.Data;

/// <summary>
/// A database made by the hand-written migrations (dumped from a host at commit 9743a96, see Data/Fixtures) starts
/// with this build and keeps its data: its history then names the provider's own migrations, and it takes new work.
/// </summary>
public sealed class HandWrittenMigrationsTests
{
    [Theory, Sqlite, Postgres]
    public async Task A_database_the_hand_written_migrations_made_keeps_its_data_and_takes_new_work(Provider provider)
    {
        var database = await TestDatabase.CreateAsync(provider);
        await LoadFixtureAsync(database);

        await using (var app = MissionsApp.StartOn(database))
        {
            using var client = app.CreateClient();
            var mission = await MissionsApp.ReadOkAsync(await client.GetAsync("/api/missions/M-1"));
            Assert.Equal("Draft the launch plan", (string?)mission["title"]);
            Assert.Equal("Analyst", (string?)mission["assigneeName"]);
            var comments = JsonNode.Parse(await client.GetStringAsync("/api/missions/M-1/comments"))!.AsArray();
            Assert.Equal("Keep it to one page.", (string?)Assert.Single(comments)!["text"]);
            var run = Assert.Single(JsonNode.Parse(await client.GetStringAsync("/api/missions/M-1/runs"))!.AsArray())!;
            Assert.Equal("Succeeded", (string?)run["status"]);
            Assert.NotEmpty(run["artifacts"]!.AsArray());
            Assert.Equal("Second mission", (string?)(await MissionsApp.ReadOkAsync(await client.GetAsync("/api/missions/M-2")))["title"]);

            // The counter came along: the next mission is M-3, not a second M-1.
            Assert.Equal("M-3", (string?)(await app.CreateMissionAsync())["number"]);

            var expected = await app.WithDbAsync(db => Task.FromResult(db.Database.GetMigrations().ToList()));
            Assert.Equal(expected, await app.WithDbAsync(async db => (await db.Database.GetAppliedMigrationsAsync()).ToList()));
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health")).StatusCode);
        }
    }

    [Theory, Sqlite]
    public async Task A_database_part_way_through_the_hand_written_migrations_is_not_ready_and_says_what_to_do(Provider provider)
    {
        var database = await TestDatabase.CreateAsync(provider);
        await LoadFixtureAsync(database);
        await ExecuteAsync(database, "DELETE FROM \"__EFMigrationsHistory\" WHERE \"MigrationId\" = '20261126010000_ProposalDraftedBy';");

        await using var app = MissionsApp.StartOn(database);
        using var client = app.CreateClient();
        var health = await client.GetAsync("/health");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        var body = await health.Content.ReadAsStringAsync();
        Assert.Contains("its last migration is 20261126000000_DeliveredViews", body, StringComparison.Ordinal);
        Assert.Contains("commit 9743a96", body, StringComparison.Ordinal);

        // Nothing was changed: the history and the missions are as they were.
        await using var db = database.CreateContext();
        Assert.Equal(6, (await db.Database.GetAppliedMigrationsAsync()).Count());
        Assert.Equal(2, await db.Database.SqlQueryRaw<int>("SELECT COUNT(*) AS \"Value\" FROM \"Missions\"").SingleAsync());
    }

    private static Task LoadFixtureAsync(TestDatabase database) => ExecuteAsync(database, File.ReadAllText(Path.Combine(
        Repository.Root, "tests", "Missions.Host.Tests", "Data", "Fixtures",
        $"hand-written-migrations.{(database.Provider == Provider.Sqlite ? "sqlite" : "postgres")}.sql")));

    /// <summary>Runs a script on a connection of its own (pg_dump's script empties the search path for its session).</summary>
    private static async Task ExecuteAsync(TestDatabase database, string sql)
    {
        await using System.Data.Common.DbConnection connection = database.Provider == Provider.Sqlite
            ? new SqliteConnection(database.ConnectionString + ";Pooling=False")
            : new NpgsqlConnection(database.ConnectionString + ";Pooling=false");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }
}
