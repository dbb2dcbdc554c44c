using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Missions.Host.Data.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class FollowUps : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "FollowsMissionId",
                table: "Proposals",
                type: "uniqueidentifier",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "FollowsMissionId",
                table: "Missions",
                type: "uniqueidentifier",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_Proposals_FollowsMissionId",
                table: "Proposals",
                column: "FollowsMissionId");

            migrationBuilder.CreateIndex(
                name: "IX_Missions_FollowsMissionId",
                table: "Missions",
                column: "FollowsMissionId");

            migrationBuilder.AddForeignKey(
                name: "FK_Missions_Missions_FollowsMissionId",
                table: "Missions",
                column: "FollowsMissionId",
                principalTable: "Missions",
                principalColumn: "Id",
                onDelete: ReferentialAction.Restrict);

            migrationBuilder.AddForeignKey(
                name: "FK_Proposals_Missions_FollowsMissionId",
                table: "Proposals",
                column: "FollowsMissionId",
                principalTable: "Missions",
                principalColumn: "Id",
                onDelete: ReferentialAction.Restrict);
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
