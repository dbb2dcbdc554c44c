using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Migrations.Operations;
using Microsoft.EntityFrameworkCore.Migrations.Operations.Builders;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

namespace Missions.Host.Data.Migrations;

/// <summary>
/// The first schema, written by hand (dotnet ef cannot run here). Column store types are left to each provider,
/// chosen from the CLR type and length exactly as the model chooses them; identity columns carry the annotation of
/// every provider. MigrationSchemaTests applies this to an empty database and compares it with the model's schema.
/// </summary>
[DbContext(typeof(MissionsDbContext))]
[Migration("20261122000000_Initial")]
public sealed class Initial : Migration
{
    private const int Name = MissionsDbContext.NameLength;
    private const int Id = MissionsDbContext.IdLength;
    private const int Enum = MissionsDbContext.EnumLength;

    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "Counters",
            columns: table => new
            {
                Name = table.Column<string>(maxLength: 64, nullable: false),
                Value = table.Column<long>(nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_Counters", x => x.Name));

        migrationBuilder.CreateTable(
            name: "InboundEvents",
            columns: table => new
            {
                Channel = table.Column<string>(maxLength: Enum, nullable: false),
                EventId = table.Column<string>(maxLength: Id, nullable: false),
                Status = table.Column<string>(maxLength: Enum, nullable: false),
                ReceivedAt = table.Column<DateTime>(nullable: false),
                CompletedAt = table.Column<DateTime>(nullable: true),
                ResponseJson = table.Column<string>(nullable: true),
            },
            constraints: table => table.PrimaryKey("PK_InboundEvents", x => new { x.Channel, x.EventId }));

        migrationBuilder.CreateTable(
            name: "Projects",
            columns: table => new
            {
                Id = table.Column<Guid>(nullable: false),
                Name = table.Column<string>(maxLength: Name, nullable: false),
                Brief = table.Column<string>(nullable: false),
                CreatedAt = table.Column<DateTime>(nullable: false),
                UpdatedAt = table.Column<DateTime>(nullable: false),
                Version = table.Column<long>(nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_Projects", x => x.Id));

        migrationBuilder.CreateTable(
            name: "Staff",
            columns: table => new
            {
                Id = table.Column<Guid>(nullable: false),
                Name = table.Column<string>(maxLength: Name, nullable: false),
                Role = table.Column<string>(maxLength: Name, nullable: false),
                Instructions = table.Column<string>(nullable: false),
                Model = table.Column<string>(maxLength: Name, nullable: true),
                IsActive = table.Column<bool>(nullable: false),
                CreatedAt = table.Column<DateTime>(nullable: false),
                UpdatedAt = table.Column<DateTime>(nullable: false),
                Version = table.Column<long>(nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_Staff", x => x.Id));

        migrationBuilder.CreateTable(
            name: "ConversationReferences",
            columns: table => new
            {
                Id = table.Column<Guid>(nullable: false),
                Channel = table.Column<string>(maxLength: Enum, nullable: false),
                ConversationId = table.Column<string>(maxLength: Id, nullable: false),
                ThreadId = table.Column<string>(maxLength: Id, nullable: true),
                ServiceUrl = table.Column<string>(maxLength: Id, nullable: true),
                TenantId = table.Column<string>(maxLength: Id, nullable: true),
                BotId = table.Column<string>(maxLength: Id, nullable: true),
                ConversationType = table.Column<string>(maxLength: Enum, nullable: true),
                ReferenceJson = table.Column<string>(nullable: true),
                ProjectId = table.Column<Guid>(nullable: true),
                TimeZone = table.Column<string>(maxLength: 64, nullable: true),
                ClosedAt = table.Column<DateTime>(nullable: true),
                CreatedAt = table.Column<DateTime>(nullable: false),
                UpdatedAt = table.Column<DateTime>(nullable: false),
                Version = table.Column<long>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_ConversationReferences", x => x.Id);
                table.ForeignKey("FK_ConversationReferences_Projects_ProjectId", x => x.ProjectId, "Projects", "Id", onDelete: ReferentialAction.Restrict);
            });

        migrationBuilder.CreateTable(
            name: "Blueprints",
            columns: table => new
            {
                Id = table.Column<Guid>(nullable: false),
                Name = table.Column<string>(maxLength: Name, nullable: false),
                Description = table.Column<string>(nullable: false),
                ObjectiveTemplate = table.Column<string>(nullable: false),
                DefaultStaffId = table.Column<Guid>(nullable: true),
                Tasks = table.Column<string>(nullable: false),
                ContextChecklist = table.Column<string>(nullable: false),
                Keywords = table.Column<string>(nullable: false),
                AutoRun = table.Column<bool>(nullable: false),
                CreatedAt = table.Column<DateTime>(nullable: false),
                UpdatedAt = table.Column<DateTime>(nullable: false),
                Version = table.Column<long>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_Blueprints", x => x.Id);
                table.ForeignKey("FK_Blueprints_Staff_DefaultStaffId", x => x.DefaultStaffId, "Staff", "Id", onDelete: ReferentialAction.Restrict);
            });

        migrationBuilder.CreateTable(
            name: "OutboxMessages",
            columns: table => new
            {
                Id = Identity(table.Column<long>(nullable: false)),
                ConversationReferenceId = table.Column<Guid>(nullable: false),
                Kind = table.Column<string>(maxLength: 64, nullable: false),
                ViewKey = table.Column<string>(maxLength: Id, nullable: true),
                PayloadJson = table.Column<string>(nullable: false),
                Status = table.Column<string>(maxLength: Enum, nullable: false),
                Attempts = table.Column<int>(nullable: false),
                NextAttemptAt = table.Column<DateTime>(nullable: false),
                LeaseOwner = table.Column<string>(maxLength: Name, nullable: true),
                LeaseExpiresAt = table.Column<DateTime>(nullable: true),
                SentMessageId = table.Column<string>(maxLength: Id, nullable: true),
                LastError = table.Column<string>(maxLength: 2000, nullable: true),
                CreatedAt = table.Column<DateTime>(nullable: false),
                SentAt = table.Column<DateTime>(nullable: true),
                Version = table.Column<long>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_OutboxMessages", x => x.Id);
                table.ForeignKey("FK_OutboxMessages_ConversationReferences", x => x.ConversationReferenceId, "ConversationReferences", "Id", onDelete: ReferentialAction.Restrict);
            });

        migrationBuilder.CreateTable(
            name: "Proposals",
            columns: table => new
            {
                Id = table.Column<Guid>(nullable: false),
                Status = table.Column<string>(maxLength: Enum, nullable: false),
                Title = table.Column<string>(maxLength: Name, nullable: false),
                Objective = table.Column<string>(nullable: false),
                Description = table.Column<string>(nullable: false),
                ProjectId = table.Column<Guid>(nullable: true),
                AssigneeId = table.Column<Guid>(nullable: true),
                BlueprintId = table.Column<Guid>(nullable: true),
                DueDate = table.Column<DateOnly>(nullable: true),
                AutoRun = table.Column<bool>(nullable: false),
                Questions = table.Column<string>(nullable: false),
                DuplicateHint = table.Column<string>(maxLength: 500, nullable: true),
                RequestedById = table.Column<string>(maxLength: Id, nullable: true),
                RequestedByName = table.Column<string>(maxLength: Name, nullable: true),
                ConversationReferenceId = table.Column<Guid>(nullable: true),
                CardMessageId = table.Column<string>(maxLength: Id, nullable: true),
                DecidedById = table.Column<string>(maxLength: Id, nullable: true),
                DecidedByName = table.Column<string>(maxLength: Name, nullable: true),
                DecidedAt = table.Column<DateTime>(nullable: true),
                RejectionReason = table.Column<string>(maxLength: 2000, nullable: true),
                MissionId = table.Column<Guid>(nullable: true),
                CreatedAt = table.Column<DateTime>(nullable: false),
                UpdatedAt = table.Column<DateTime>(nullable: false),
                ExpiresAt = table.Column<DateTime>(nullable: true),
                Version = table.Column<long>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_Proposals", x => x.Id);
                table.ForeignKey("FK_Proposals_Blueprints_BlueprintId", x => x.BlueprintId, "Blueprints", "Id", onDelete: ReferentialAction.Restrict);
                table.ForeignKey("FK_Proposals_ConversationReferences_ConversationReferenceId", x => x.ConversationReferenceId, "ConversationReferences", "Id", onDelete: ReferentialAction.Restrict);
                table.ForeignKey("FK_Proposals_Projects_ProjectId", x => x.ProjectId, "Projects", "Id", onDelete: ReferentialAction.Restrict);
                table.ForeignKey("FK_Proposals_Staff_AssigneeId", x => x.AssigneeId, "Staff", "Id", onDelete: ReferentialAction.Restrict);
            });

        migrationBuilder.CreateTable(
            name: "Missions",
            columns: table => new
            {
                Id = table.Column<Guid>(nullable: false),
                Number = table.Column<long>(nullable: false),
                Title = table.Column<string>(maxLength: Name, nullable: false),
                Objective = table.Column<string>(nullable: false),
                Description = table.Column<string>(nullable: false),
                Status = table.Column<string>(maxLength: Enum, nullable: false),
                Rank = table.Column<string>(maxLength: Missions.BoardRank.MaxLength, nullable: false),
                ProjectId = table.Column<Guid>(nullable: true),
                AssigneeId = table.Column<Guid>(nullable: true),
                BlueprintId = table.Column<Guid>(nullable: true),
                ProposalId = table.Column<Guid>(nullable: true),
                AutoRun = table.Column<bool>(nullable: false),
                DueDate = table.Column<DateOnly>(nullable: true),
                RequestedById = table.Column<string>(maxLength: Id, nullable: true),
                RequestedByName = table.Column<string>(maxLength: Name, nullable: true),
                ApprovedById = table.Column<string>(maxLength: Id, nullable: true),
                ApprovedByName = table.Column<string>(maxLength: Name, nullable: true),
                ConversationReferenceId = table.Column<Guid>(nullable: true),
                CreatedAt = table.Column<DateTime>(nullable: false),
                UpdatedAt = table.Column<DateTime>(nullable: false),
                Version = table.Column<long>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_Missions", x => x.Id);
                table.ForeignKey("FK_Missions_Blueprints_BlueprintId", x => x.BlueprintId, "Blueprints", "Id", onDelete: ReferentialAction.Restrict);
                table.ForeignKey("FK_Missions_ConversationReferences_ConversationReferenceId", x => x.ConversationReferenceId, "ConversationReferences", "Id", onDelete: ReferentialAction.Restrict);
                table.ForeignKey("FK_Missions_Projects_ProjectId", x => x.ProjectId, "Projects", "Id", onDelete: ReferentialAction.Restrict);
                table.ForeignKey("FK_Missions_Proposals_ProposalId", x => x.ProposalId, "Proposals", "Id", onDelete: ReferentialAction.Restrict);
                table.ForeignKey("FK_Missions_Staff_AssigneeId", x => x.AssigneeId, "Staff", "Id", onDelete: ReferentialAction.Restrict);
            });

        migrationBuilder.CreateTable(
            name: "ActivityEntries",
            columns: table => new
            {
                Id = Identity(table.Column<long>(nullable: false)),
                MissionId = table.Column<Guid>(nullable: true),
                ProposalId = table.Column<Guid>(nullable: true),
                At = table.Column<DateTime>(nullable: false),
                ActorId = table.Column<string>(maxLength: Id, nullable: false),
                ActorName = table.Column<string>(maxLength: Name, nullable: false),
                ActorKind = table.Column<string>(maxLength: Enum, nullable: false),
                Action = table.Column<string>(maxLength: 64, nullable: false),
                FromStatus = table.Column<string>(maxLength: Enum, nullable: true),
                ToStatus = table.Column<string>(maxLength: Enum, nullable: true),
                MissionVersion = table.Column<long>(nullable: true),
                Detail = table.Column<string>(nullable: true),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_ActivityEntries", x => x.Id);
                table.ForeignKey("FK_ActivityEntries_Missions_MissionId", x => x.MissionId, "Missions", "Id", onDelete: ReferentialAction.Restrict);
                table.ForeignKey("FK_ActivityEntries_Proposals_ProposalId", x => x.ProposalId, "Proposals", "Id", onDelete: ReferentialAction.Restrict);
            });

        migrationBuilder.CreateTable(
            name: "Attachments",
            columns: table => new
            {
                Id = table.Column<Guid>(nullable: false),
                MissionId = table.Column<Guid>(nullable: false),
                FileName = table.Column<string>(maxLength: Name, nullable: false),
                ContentType = table.Column<string>(maxLength: Name, nullable: false),
                Size = table.Column<long>(nullable: false),
                Sha256 = table.Column<string>(unicode: false, maxLength: 64, nullable: false),
                StorageKey = table.Column<string>(maxLength: Id, nullable: false),
                UploadedById = table.Column<string>(maxLength: Id, nullable: true),
                UploadedByName = table.Column<string>(maxLength: Name, nullable: true),
                CreatedAt = table.Column<DateTime>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_Attachments", x => x.Id);
                table.ForeignKey("FK_Attachments_Missions_MissionId", x => x.MissionId, "Missions", "Id", onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "Comments",
            columns: table => new
            {
                Id = table.Column<Guid>(nullable: false),
                MissionId = table.Column<Guid>(nullable: false),
                AuthorId = table.Column<string>(maxLength: Id, nullable: false),
                AuthorName = table.Column<string>(maxLength: Name, nullable: false),
                AuthorKind = table.Column<string>(maxLength: Enum, nullable: false),
                Text = table.Column<string>(nullable: false),
                CreatedAt = table.Column<DateTime>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_Comments", x => x.Id);
                table.ForeignKey("FK_Comments_Missions_MissionId", x => x.MissionId, "Missions", "Id", onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "MissionTasks",
            columns: table => new
            {
                Id = table.Column<Guid>(nullable: false),
                MissionId = table.Column<Guid>(nullable: false),
                Title = table.Column<string>(maxLength: Name, nullable: false),
                Position = table.Column<int>(nullable: false),
                Status = table.Column<string>(maxLength: Enum, nullable: false),
                StaffId = table.Column<Guid>(nullable: true),
                CreatedAt = table.Column<DateTime>(nullable: false),
                UpdatedAt = table.Column<DateTime>(nullable: false),
                Version = table.Column<long>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_MissionTasks", x => x.Id);
                table.ForeignKey("FK_MissionTasks_Missions_MissionId", x => x.MissionId, "Missions", "Id", onDelete: ReferentialAction.Cascade);
                table.ForeignKey("FK_MissionTasks_Staff_StaffId", x => x.StaffId, "Staff", "Id", onDelete: ReferentialAction.Restrict);
            });

        migrationBuilder.CreateTable(
            name: "Runs",
            columns: table => new
            {
                Id = table.Column<Guid>(nullable: false),
                MissionId = table.Column<Guid>(nullable: false),
                TaskId = table.Column<Guid>(nullable: true),
                StaffId = table.Column<Guid>(nullable: true),
                Status = table.Column<string>(maxLength: Enum, nullable: false),
                Attempt = table.Column<int>(nullable: false),
                Trigger = table.Column<string>(maxLength: 64, nullable: false),
                Summary = table.Column<string>(nullable: true),
                Error = table.Column<string>(nullable: true),
                QueuedAt = table.Column<DateTime>(nullable: false),
                StartedAt = table.Column<DateTime>(nullable: true),
                FinishedAt = table.Column<DateTime>(nullable: true),
                LeaseOwner = table.Column<string>(maxLength: Name, nullable: true),
                LeaseExpiresAt = table.Column<DateTime>(nullable: true),
                InputTokens = table.Column<int>(nullable: true),
                OutputTokens = table.Column<int>(nullable: true),
                Version = table.Column<long>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_Runs", x => x.Id);
                table.ForeignKey("FK_Runs_Missions_MissionId", x => x.MissionId, "Missions", "Id", onDelete: ReferentialAction.Cascade);
                table.ForeignKey("FK_Runs_MissionTasks_TaskId", x => x.TaskId, "MissionTasks", "Id", onDelete: ReferentialAction.Restrict);
                table.ForeignKey("FK_Runs_Staff_StaffId", x => x.StaffId, "Staff", "Id", onDelete: ReferentialAction.Restrict);
            });

        migrationBuilder.CreateTable(
            name: "Artifacts",
            columns: table => new
            {
                Id = table.Column<Guid>(nullable: false),
                MissionId = table.Column<Guid>(nullable: false),
                RunId = table.Column<Guid>(nullable: true),
                Name = table.Column<string>(maxLength: Name, nullable: false),
                ContentType = table.Column<string>(maxLength: Name, nullable: false),
                Size = table.Column<long>(nullable: false),
                Sha256 = table.Column<string>(unicode: false, maxLength: 64, nullable: false),
                StorageKey = table.Column<string>(maxLength: Id, nullable: false),
                CreatedAt = table.Column<DateTime>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_Artifacts", x => x.Id);
                table.ForeignKey("FK_Artifacts_Missions_MissionId", x => x.MissionId, "Missions", "Id", onDelete: ReferentialAction.Cascade);
                table.ForeignKey("FK_Artifacts_Runs_RunId", x => x.RunId, "Runs", "Id", onDelete: ReferentialAction.Restrict);
            });

        migrationBuilder.CreateTable(
            name: "RunLogEntries",
            columns: table => new
            {
                Id = Identity(table.Column<long>(nullable: false)),
                RunId = table.Column<Guid>(nullable: false),
                At = table.Column<DateTime>(nullable: false),
                Level = table.Column<string>(maxLength: Enum, nullable: false),
                Step = table.Column<string>(maxLength: Name, nullable: false),
                Text = table.Column<string>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_RunLogEntries", x => x.Id);
                table.ForeignKey("FK_RunLogEntries_Runs_RunId", x => x.RunId, "Runs", "Id", onDelete: ReferentialAction.Cascade);
            });

        Index(migrationBuilder, "ActivityEntries", "MissionId", "Id");
        Index(migrationBuilder, "ActivityEntries", "ProposalId");
        Index(migrationBuilder, "Artifacts", "MissionId");
        Index(migrationBuilder, "Artifacts", "RunId");
        Index(migrationBuilder, "Attachments", "MissionId");
        Index(migrationBuilder, "Blueprints", "DefaultStaffId");
        Unique(migrationBuilder, "Blueprints", "Name");
        Index(migrationBuilder, "Comments", "MissionId", "CreatedAt");
        Unique(migrationBuilder, "ConversationReferences", "Channel", "ConversationId");
        Index(migrationBuilder, "ConversationReferences", "ProjectId");
        Index(migrationBuilder, "InboundEvents", "ReceivedAt");
        Index(migrationBuilder, "Missions", "AssigneeId");
        Index(migrationBuilder, "Missions", "BlueprintId");
        Index(migrationBuilder, "Missions", "ConversationReferenceId");
        Unique(migrationBuilder, "Missions", "Number");
        Index(migrationBuilder, "Missions", "ProjectId");
        // SQL Server allows one NULL in a unique index unless it is filtered; SQLite and PostgreSQL allow many.
        migrationBuilder.CreateIndex("IX_Missions_ProposalId", "Missions", "ProposalId", unique: true,
            filter: migrationBuilder.ActiveProvider == "Microsoft.EntityFrameworkCore.SqlServer" ? "[ProposalId] IS NOT NULL" : null);
        Index(migrationBuilder, "Missions", "Status", "Rank");
        Index(migrationBuilder, "MissionTasks", "MissionId", "Position");
        Index(migrationBuilder, "MissionTasks", "StaffId");
        Index(migrationBuilder, "OutboxMessages", "ConversationReferenceId", "Id");
        Index(migrationBuilder, "OutboxMessages", "Status", "NextAttemptAt");
        Index(migrationBuilder, "OutboxMessages", "ViewKey");
        Unique(migrationBuilder, "Projects", "Name");
        Index(migrationBuilder, "Proposals", "AssigneeId");
        Index(migrationBuilder, "Proposals", "BlueprintId");
        Index(migrationBuilder, "Proposals", "ConversationReferenceId");
        Index(migrationBuilder, "Proposals", "ProjectId");
        Index(migrationBuilder, "Proposals", "Status", "CreatedAt");
        Index(migrationBuilder, "RunLogEntries", "RunId", "Id");
        Index(migrationBuilder, "Runs", "MissionId");
        Index(migrationBuilder, "Runs", "StaffId");
        Index(migrationBuilder, "Runs", "Status", "QueuedAt");
        Index(migrationBuilder, "Runs", "TaskId");
        Unique(migrationBuilder, "Staff", "Name");
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        foreach (var table in new[]
        {
            "RunLogEntries", "Artifacts", "Runs", "MissionTasks", "Comments", "Attachments", "ActivityEntries", "Missions",
            "Proposals", "OutboxMessages", "Blueprints", "ConversationReferences", "Staff", "Projects", "InboundEvents", "Counters",
        })
        {
            migrationBuilder.DropTable(table);
        }
    }

    /// <summary>An auto-incrementing key, said the way each provider's migrations generator understands.</summary>
    private static OperationBuilder<AddColumnOperation> Identity(OperationBuilder<AddColumnOperation> column) => column
        .Annotation("Sqlite:Autoincrement", true)
        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn)
        .Annotation("SqlServer:Identity", "1, 1");

    private static void Index(MigrationBuilder migrationBuilder, string table, params string[] columns) =>
        migrationBuilder.CreateIndex($"IX_{table}_{string.Join('_', columns)}", table, columns);

    private static void Unique(MigrationBuilder migrationBuilder, string table, params string[] columns) =>
        migrationBuilder.CreateIndex($"IX_{table}_{string.Join('_', columns)}", table, columns, unique: true);
}
