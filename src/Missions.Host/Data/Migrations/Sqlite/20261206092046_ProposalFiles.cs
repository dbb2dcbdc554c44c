using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Missions.Host.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ProposalFiles : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // SQLite cannot make a column nullable in place, so the table is rebuilt — here, by hand, inside the
            // migration's transaction: EF's own rebuild first turns foreign keys off, which cannot run in a transaction
            // and is warned about on every first start. No table references Attachments, so dropping the old one with
            // foreign keys on breaks no key.
            migrationBuilder.Sql("""
                CREATE TABLE "ef_temp_Attachments" (
                    "Id" TEXT NOT NULL CONSTRAINT "PK_Attachments" PRIMARY KEY,
                    "MissionId" TEXT NULL,
                    "ProposalId" TEXT NULL,
                    "FileName" TEXT NOT NULL,
                    "ContentType" TEXT NOT NULL,
                    "Size" INTEGER NOT NULL,
                    "Sha256" TEXT NOT NULL,
                    "StorageKey" TEXT NOT NULL,
                    "UploadedById" TEXT NULL,
                    "UploadedByName" TEXT NULL,
                    "CreatedAt" TEXT NOT NULL,
                    CONSTRAINT "FK_Attachments_Missions_MissionId" FOREIGN KEY ("MissionId") REFERENCES "Missions" ("Id") ON DELETE CASCADE,
                    CONSTRAINT "FK_Attachments_Proposals_ProposalId" FOREIGN KEY ("ProposalId") REFERENCES "Proposals" ("Id") ON DELETE RESTRICT);
                INSERT INTO "ef_temp_Attachments" ("Id", "MissionId", "FileName", "ContentType", "Size", "Sha256", "StorageKey", "UploadedById", "UploadedByName", "CreatedAt")
                SELECT "Id", "MissionId", "FileName", "ContentType", "Size", "Sha256", "StorageKey", "UploadedById", "UploadedByName", "CreatedAt" FROM "Attachments";
                DROP TABLE "Attachments";
                ALTER TABLE "ef_temp_Attachments" RENAME TO "Attachments";
                CREATE INDEX "IX_Attachments_MissionId" ON "Attachments" ("MissionId");
                CREATE INDEX "IX_Attachments_ProposalId" ON "Attachments" ("ProposalId");
                """);
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
                type: "TEXT",
                nullable: false,
                defaultValue: new Guid("00000000-0000-0000-0000-000000000000"),
                oldClrType: typeof(Guid),
                oldType: "TEXT",
                oldNullable: true);
        }
    }
}
