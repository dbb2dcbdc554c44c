using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

namespace Missions.Host.Data.Migrations;

/// <summary>The transcripts of the local web chat's Direct Line conversations. Written by hand, like every migration.</summary>
[DbContext(typeof(MissionsDbContext))]
[Migration("20261122010000_DirectLineTranscripts")]
public sealed class DirectLineTranscripts : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "DirectLineActivities",
            columns: table => new
            {
                Id = table.Column<long>(nullable: false)
                    .Annotation("Sqlite:Autoincrement", true)
                    .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn)
                    .Annotation("SqlServer:Identity", "1, 1"),
                ConversationId = table.Column<string>(maxLength: MissionsDbContext.IdLength, nullable: false),
                ActivityId = table.Column<string>(maxLength: MissionsDbContext.IdLength, nullable: false),
                Json = table.Column<string>(nullable: false),
                CreatedAt = table.Column<DateTime>(nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_DirectLineActivities", x => x.Id));

        migrationBuilder.CreateIndex("IX_DirectLineActivities_ConversationId_Id", "DirectLineActivities", ["ConversationId", "Id"]);
        migrationBuilder.CreateIndex("IX_DirectLineActivities_ActivityId", "DirectLineActivities", "ActivityId");
    }

    protected override void Down(MigrationBuilder migrationBuilder) => migrationBuilder.DropTable("DirectLineActivities");
}
