using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Missions.Host.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Workspaces : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Workspace",
                table: "Proposals",
                type: "TEXT",
                maxLength: 256,
                nullable: false,
                defaultValue: "local");

            migrationBuilder.AddColumn<string>(
                name: "Workspace",
                table: "Missions",
                type: "TEXT",
                maxLength: 256,
                nullable: false,
                defaultValue: "local");

            migrationBuilder.CreateIndex(
                name: "IX_Missions_Workspace_Status_Rank",
                table: "Missions",
                columns: new[] { "Workspace", "Status", "Rank" });

            foreach (var statement in WorkspaceBackfill.Statements(WorkspaceBackfill.Pipes))
            {
                migrationBuilder.Sql(statement);
            }
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Missions_Workspace_Status_Rank",
                table: "Missions");

            migrationBuilder.DropColumn(
                name: "Workspace",
                table: "Proposals");

            migrationBuilder.DropColumn(
                name: "Workspace",
                table: "Missions");
        }
    }
}
