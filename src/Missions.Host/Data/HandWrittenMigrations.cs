using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Missions.Host.Data;

/// <summary>
/// Before each provider kept its own migrations (made by dotnet-ef), one hand-written set served them all. A database
/// it made to the end holds exactly the schema of its provider's first migration (the hand-written set was checked
/// against the model on every provider), so on start its history is rewritten, in one transaction, to name that
/// migration instead, and the data stay as they are. A database whose history stops part-way through the hand-written
/// set is refused with a message that says what to do.
/// </summary>
internal static class HandWrittenMigrations
{
    internal static readonly string[] Ids =
    [
        "20261122000000_Initial",
        "20261122010000_DirectLineTranscripts",
        "20261122020000_QueuedInboundEvents",
        "20261122030000_RunRetriesAndReviews",
        "20261122040000_MissionsByProjectNewestFirst",
        "20261126000000_DeliveredViews",
        "20261126010000_ProposalDraftedBy",
    ];

    /// <summary>The last commit with the hand-written migrations: it brings an older database to the end of them.</summary>
    internal const string LastCommit = "9743a96";

    public static async Task AdoptAsync(MissionsDbContext db, CancellationToken cancellationToken)
    {
        var applied = (await db.Database.GetAppliedMigrationsAsync(cancellationToken)).ToHashSet(StringComparer.Ordinal);
        if (!applied.Overlaps(Ids))
        {
            return;
        }

        if (!applied.IsSupersetOf(Ids))
        {
            throw new InvalidOperationException(
                $"This database was made by an older build: its last migration is {applied.Max(StringComparer.Ordinal)}, before {Ids[^1]}. " +
                $"Start it once with commit {LastCommit} (which brings it to {Ids[^1]}), then with this build.");
        }

        var first = db.GetService<IMigrationsAssembly>().Migrations.Keys.Order(StringComparer.Ordinal).First();
        var history = db.GetService<IHistoryRepository>();
        var script = string.Concat(Ids.Select(history.GetDeleteScript))
            + history.GetInsertScript(new HistoryRow(first, ProductInfo.GetVersion()));

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.Database.ExecuteSqlRawAsync(script, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }
}
