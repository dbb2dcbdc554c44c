using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Missions.Host.Data.Migrations;

/// <summary>Runs wait for their retry time, and keep the review of their result. New columns are nullable.</summary>
[DbContext(typeof(MissionsDbContext))]
[Migration("20261122030000_RunRetriesAndReviews")]
public sealed class RunRetriesAndReviews : Migration
{
    private const string Table = "Runs";

    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.AddColumn<DateTime>("NextAttemptAt", Table, nullable: true);
        migrationBuilder.AddColumn<string>("ReviewOutcome", Table, maxLength: MissionsDbContext.EnumLength, nullable: true);
        migrationBuilder.AddColumn<string>("ReviewedByName", Table, maxLength: MissionsDbContext.NameLength, nullable: true);
        migrationBuilder.AddColumn<DateTime>("ReviewedAt", Table, nullable: true);
        migrationBuilder.AddColumn<string>("ReviewComment", Table, nullable: true);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        foreach (var column in new[] { "ReviewComment", "ReviewedAt", "ReviewedByName", "ReviewOutcome", "NextAttemptAt" })
        {
            migrationBuilder.DropColumn(column, Table);
        }
    }
}
