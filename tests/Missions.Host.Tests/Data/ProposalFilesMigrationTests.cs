using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Missions.Host.Tests.Infrastructure;

namespace Missions.Host.Tests.Data;

/// <summary>
/// The migration that lets a file belong to a proposal rebuilds SQLite's attachments table by hand (in the migration's
/// transaction, with foreign keys on): attachments made before it keep their missions, and a mission deleted still
/// takes its attachments with it.
/// </summary>
public sealed class ProposalFilesMigrationTests
{
    [Theory, Sqlite, Postgres]
    public async Task Attachments_made_before_files_could_belong_to_proposals_keep_their_missions(Provider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        await using var db = database.CreateContext();
        var migrations = db.Database.GetMigrations().ToList();
        var before = migrations[migrations.FindIndex(m => m.EndsWith("_ProposalFiles", StringComparison.Ordinal)) - 1];
        await db.GetService<IMigrator>().MigrateAsync(before);

        var (mission, attachment, now) = (Guid.NewGuid(), Guid.NewGuid(), DateTime.UtcNow);
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO "Missions" ("Id", "Number", "Title", "Objective", "Description", "Status", "Rank", "AutoRun", "CreatedAt", "UpdatedAt", "Version")
            VALUES ({mission}, {1}, {"Onboarding guide"}, {"A guide."}, {""}, {"Backlog"}, {"m"}, {false}, {now}, {now}, 1)
            """);
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO "Attachments" ("Id", "MissionId", "FileName", "ContentType", "Size", "Sha256", "StorageKey", "UploadedById", "UploadedByName", "CreatedAt")
            VALUES ({attachment}, {mission}, {"notes.txt"}, {"text/plain"}, {12L}, {new string('a', 64)}, {"attachments/x/y"}, {"u1"}, {"Alice"}, {now})
            """);

        await db.Database.MigrateAsync();

        var kept = await db.Attachments.AsNoTracking().SingleAsync();
        Assert.Equal((attachment, mission, (Guid?)null, "notes.txt", 12L, "Alice"), (kept.Id, kept.MissionId!.Value, kept.ProposalId, kept.FileName, kept.Size, kept.UploadedByName));
        await db.Database.ExecuteSqlAsync($"""DELETE FROM "Missions" WHERE "Id" = {mission}""");
        Assert.Equal(0, await db.Attachments.CountAsync());
    }
}
