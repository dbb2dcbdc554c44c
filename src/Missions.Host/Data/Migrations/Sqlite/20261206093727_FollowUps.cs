using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Missions.Host.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class FollowUps : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Nullable columns with their foreign keys, added in place (SQLite allows a REFERENCES clause on a column
            // added with no default): EF would rebuild both tables, turning foreign keys off outside the transaction.
            migrationBuilder.Sql("""ALTER TABLE "Proposals" ADD COLUMN "FollowsMissionId" TEXT NULL REFERENCES "Missions" ("Id") ON DELETE RESTRICT;""");
            migrationBuilder.Sql("""ALTER TABLE "Missions" ADD COLUMN "FollowsMissionId" TEXT NULL REFERENCES "Missions" ("Id") ON DELETE RESTRICT;""");

            migrationBuilder.CreateIndex(
                name: "IX_Proposals_FollowsMissionId",
                table: "Proposals",
                column: "FollowsMissionId");

            migrationBuilder.CreateIndex(
                name: "IX_Missions_FollowsMissionId",
                table: "Missions",
                column: "FollowsMissionId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_Missions_Missions_FollowsMissionId",
                table: "Missions");

            migrationBuilder.DropForeignKey(
                name: "FK_Proposals_Missions_FollowsMissionId",
                table: "Proposals");

            migrationBuilder.DropIndex(
                name: "IX_Proposals_FollowsMissionId",
                table: "Proposals");

            migrationBuilder.DropIndex(
                name: "IX_Missions_FollowsMissionId",
                table: "Missions");

            migrationBuilder.DropColumn(
                name: "FollowsMissionId",
                table: "Proposals");

            migrationBuilder.DropColumn(
                name: "FollowsMissionId",
                table: "Missions");
        }
    }
}
