using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Missions.Host.Data.Migrations;

/// <summary>
/// Where a proposal's card was delivered is kept the same way for every channel now: as the delivered outbox row of
/// its view (<c>proposal:{id}</c>), not in <c>Proposals.CardMessageId</c>, which only web chat filled. Cards already
/// delivered to web chat keep their place: each becomes a delivered row before the column goes, so a decision made
/// after the upgrade still replaces the card it was made on. Every web chat card now leaves such a row, so a
/// conversation's outbox rows are indexed by status and by view key too: "is anything of this conversation waiting?",
/// the dispatcher's next message and "where was this view shown?" no longer walk past every message already sent.
/// </summary>
[DbContext(typeof(MissionsDbContext))]
[Migration("20261126000000_DeliveredViews")]
public sealed class DeliveredViews : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        var key = migrationBuilder.ActiveProvider switch
        {
            "Npgsql.EntityFrameworkCore.PostgreSQL" => "'proposal:' || replace(CAST(\"Id\" AS text), '-', '')",
            "Microsoft.EntityFrameworkCore.SqlServer" => "'proposal:' + lower(replace(CAST([Id] AS nvarchar(36)), '-', ''))",
            _ => "'proposal:' || lower(replace(\"Id\", '-', ''))",
        };
        var now = migrationBuilder.ActiveProvider == "Microsoft.EntityFrameworkCore.SqlServer" ? "[UpdatedAt]" : "\"UpdatedAt\"";
        migrationBuilder.Sql($$"""
            INSERT INTO "OutboxMessages" ("ConversationReferenceId", "Kind", "ViewKey", "PayloadJson", "Status", "Attempts", "NextAttemptAt", "SentMessageId", "CreatedAt", "SentAt", "Version")
            SELECT "ConversationReferenceId", 'post', {{key}}, '{}', 'Sent', 1, {{now}}, "CardMessageId", {{now}}, {{now}}, 1
            FROM "Proposals" WHERE "CardMessageId" IS NOT NULL AND "ConversationReferenceId" IS NOT NULL
            """.Replace("\"", migrationBuilder.ActiveProvider == "Microsoft.EntityFrameworkCore.SqlServer" ? "" : "\"", StringComparison.Ordinal));
        migrationBuilder.DropIndex("IX_OutboxMessages_ConversationReferenceId_Id", "OutboxMessages");
        migrationBuilder.CreateIndex("IX_OutboxMessages_ConversationReferenceId_Status_Id", "OutboxMessages", ["ConversationReferenceId", "Status", "Id"]);
        migrationBuilder.DropIndex("IX_OutboxMessages_ViewKey", "OutboxMessages");
        migrationBuilder.CreateIndex("IX_OutboxMessages_ConversationReferenceId_ViewKey_Status_Id", "OutboxMessages", ["ConversationReferenceId", "ViewKey", "Status", "Id"]);
        if (migrationBuilder.IsSqlite())
        {
            // EF would rebuild the table for this (it needs the model to); SQLite drops an unindexed column itself (3.35+).
            migrationBuilder.Sql("ALTER TABLE \"Proposals\" DROP COLUMN \"CardMessageId\";");
        }
        else
        {
            migrationBuilder.DropColumn("CardMessageId", "Proposals");
        }
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropIndex("IX_OutboxMessages_ConversationReferenceId_ViewKey_Status_Id", "OutboxMessages");
        migrationBuilder.CreateIndex("IX_OutboxMessages_ViewKey", "OutboxMessages", "ViewKey");
        migrationBuilder.DropIndex("IX_OutboxMessages_ConversationReferenceId_Status_Id", "OutboxMessages");
        migrationBuilder.CreateIndex("IX_OutboxMessages_ConversationReferenceId_Id", "OutboxMessages", ["ConversationReferenceId", "Id"]);
        migrationBuilder.AddColumn<string>("CardMessageId", "Proposals", maxLength: MissionsDbContext.IdLength, nullable: true);
    }
}
