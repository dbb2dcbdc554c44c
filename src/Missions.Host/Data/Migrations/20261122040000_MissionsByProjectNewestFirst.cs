using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Missions.Host.Data.Migrations;

/// <summary>
/// A project's missions in number order, so "the newest open missions of this project" (the duplicate check every
/// request runs) reads a few index entries instead of every mission in the project and sorting them. It replaces
/// the index on ProjectId alone, which it covers.
/// </summary>
[DbContext(typeof(MissionsDbContext))]
[Migration("20261122040000_MissionsByProjectNewestFirst")]
public sealed class MissionsByProjectNewestFirst : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropIndex("IX_Missions_ProjectId", "Missions");
        migrationBuilder.CreateIndex("IX_Missions_ProjectId_Number", "Missions", ["ProjectId", "Number"]);
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropIndex("IX_Missions_ProjectId_Number", "Missions");
        migrationBuilder.CreateIndex("IX_Missions_ProjectId", "Missions", "ProjectId");
    }
}
