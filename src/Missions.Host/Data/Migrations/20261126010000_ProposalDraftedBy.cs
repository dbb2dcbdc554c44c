using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Missions.Host.Data.Migrations;

/// <summary>Which path drafted a proposal: the model, the offline proposer, or the model completed offline.</summary>
[DbContext(typeof(MissionsDbContext))]
[Migration("20261126010000_ProposalDraftedBy")]
public sealed class ProposalDraftedBy : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) =>
        migrationBuilder.AddColumn<string>("DraftedBy", "Proposals", maxLength: MissionsDbContext.EnumLength, nullable: false, defaultValue: "offline");

    protected override void Down(MigrationBuilder migrationBuilder) =>
        migrationBuilder.DropColumn("DraftedBy", "Proposals");
}
