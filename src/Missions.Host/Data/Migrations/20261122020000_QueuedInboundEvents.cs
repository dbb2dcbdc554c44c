using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Missions.Host.Data.Migrations;

/// <summary>
/// Inbound events can wait in a queue: the delivery's payload, its conversation, and the inbox worker's lease and
/// retry bookkeeping. Every new column is nullable or has a default, so existing rows stay valid.
/// </summary>
[DbContext(typeof(MissionsDbContext))]
[Migration("20261122020000_QueuedInboundEvents")]
public sealed class QueuedInboundEvents : Migration
{
    private const string Table = "InboundEvents";

    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.AddColumn<Guid>("ConversationReferenceId", Table, nullable: true);
        migrationBuilder.AddColumn<string>("PayloadJson", Table, nullable: true);
        migrationBuilder.AddColumn<int>("Attempts", Table, nullable: false, defaultValue: 0);
        migrationBuilder.AddColumn<DateTime>("NextAttemptAt", Table, nullable: true);
        migrationBuilder.AddColumn<string>("LeaseOwner", Table, maxLength: MissionsDbContext.NameLength, nullable: true);
        migrationBuilder.AddColumn<DateTime>("LeaseExpiresAt", Table, nullable: true);
        migrationBuilder.CreateIndex("IX_InboundEvents_Status_ReceivedAt", Table, ["Status", "ReceivedAt"]);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropIndex("IX_InboundEvents_Status_ReceivedAt", Table);
        foreach (var column in new[] { "LeaseExpiresAt", "LeaseOwner", "NextAttemptAt", "Attempts", "PayloadJson", "ConversationReferenceId" })
        {
            migrationBuilder.DropColumn(column, Table);
        }
    }
}
