using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Missions.Host.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class ProposalFiles : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterColumn<Guid>(
                name: "MissionId",
                table: "Attachments",
                type: "uuid",
                nullable: true,
                oldClrType: typeof(Guid),
                oldType: "uuid");

            migrationBuilder.AddColumn<Guid>(
                name: "ProposalId",
                table: "Attachments",
                type: "uuid",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_Attachments_ProposalId",
                table: "Attachments",
                column: "ProposalId");

            migrationBuilder.AddForeignKey(
                name: "FK_Attachments_Proposals_ProposalId",
                table: "Attachments",
                column: "ProposalId",
                principalTable: "Proposals",
                principalColumn: "Id",
                onDelete: ReferentialAction.Restrict);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_Attachments_Proposals_ProposalId",
                table: "Attachments");

            migrationBuilder.DropIndex(
                name: "IX_Attachments_ProposalId",
                table: "Attachments");

            migrationBuilder.DropColumn(
                name: "ProposalId",
                table: "Attachments");

            migrationBuilder.AlterColumn<Guid>(
                name: "MissionId",
                table: "Attachments",
                type: "uuid",
                nullable: false,
                defaultValue: new Guid("00000000-0000-0000-0000-000000000000"),
                oldClrType: typeof(Guid),
                oldType: "uuid",
                oldNullable: true);
        }
    }
}
