using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Missions.Host.Data;
using Missions.Host.Tests.Infrastructure;

namespace Missions.Host.Tests.Data;

/// <summary>
/// Missions and proposals made before workspaces existed take the workspace of the conversation they came from when
/// the database is migrated: a Teams tenant, a Discord server (or direct message), the local web chat; with none,
/// the local workspace.
/// </summary>
public sealed class WorkspaceMigrationTests
{
    [Theory, Sqlite, Postgres]
    public async Task Existing_missions_and_proposals_take_the_workspace_of_the_conversation_they_came_from(Provider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var db = database.CreateContext();
        var migrations = db.Database.GetMigrations().ToList();
        var before = migrations[migrations.FindIndex(m => m.EndsWith("_Workspaces", StringComparison.Ordinal)) - 1];
        await db.GetService<IMigrator>().MigrateAsync(before);

        var now = DateTime.UtcNow;
        var conversations = new (string Channel, string ConversationId, string? Tenant)[]
        {
            ("msteams", "19:general@thread.tacv2", "6babcaad-604b-40ac-a9d7-9fd97c0b779f"),
            ("discord", "772908445358620702", "772904309264089089"),
            ("discord", "990011223344556677", null), // a direct message
            ("webchat", "dl-1", null),
        };
        var number = 0;
        foreach (var (channel, conversationId, tenant) in conversations.Append(("none", "", null)))
        {
            Guid? reference = null;
            if (channel != "none")
            {
                reference = Guid.NewGuid();
                await db.Database.ExecuteSqlAsync($"""
                    INSERT INTO "ConversationReferences" ("Id", "Channel", "ConversationId", "TenantId", "CreatedAt", "UpdatedAt", "Version")
                    VALUES ({reference}, {channel}, {conversationId}, {tenant}, {now}, {now}, 1)
                    """);
            }

            number++;
            var title = $"Mission from {channel} {conversationId}";
            await db.Database.ExecuteSqlAsync($"""
                INSERT INTO "Missions" ("Id", "Number", "Title", "Objective", "Description", "Status", "Rank", "AutoRun", "ConversationReferenceId", "CreatedAt", "UpdatedAt", "Version")
                VALUES ({Guid.NewGuid()}, {number}, {title}, {"An outcome."}, {""}, {"Backlog"}, {"m" + number}, {false}, {reference}, {now}, {now}, 1)
                """);
            await db.Database.ExecuteSqlAsync($"""
                INSERT INTO "Proposals" ("Id", "Status", "Title", "Objective", "Description", "AutoRun", "Questions", "DraftedBy", "ConversationReferenceId", "CreatedAt", "UpdatedAt", "Version")
                VALUES ({Guid.NewGuid()}, {"Pending"}, {title}, {"An outcome."}, {""}, {false}, {"[]"}, {"offline"}, {reference}, {now}, {now}, 1)
                """);
        }

        await db.Database.MigrateAsync();

        string[] expected =
        [
            "msteams:6babcaad-604b-40ac-a9d7-9fd97c0b779f",
            "discord:772904309264089089",
            "discord:dm:990011223344556677",
            "local",
            "local",
        ];
        Assert.Equal(expected, await db.Missions.OrderBy(m => m.Number).Select(m => m.Workspace).ToListAsync());
        var proposals = await db.Proposals.Select(p => new { p.Title, p.Workspace }).ToListAsync();
        var missions = await db.Missions.Select(m => new { m.Title, m.Workspace }).ToListAsync();
        Assert.Equal(missions.OrderBy(m => m.Title).Select(m => m.Workspace), proposals.OrderBy(p => p.Title).Select(p => p.Workspace));
    }
}
