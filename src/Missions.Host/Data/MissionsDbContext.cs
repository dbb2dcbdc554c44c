using System.Text.Json;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Missions.Host.Conversations;
using Missions.Host.Missions;
using Missions.Host.Proposals;
using Missions.Host.Runs;
using Missions.Host.Workspace;

namespace Missions.Host.Data;

/// <summary>
/// The one context. The model uses only what maps to SQLite, PostgreSQL and SQL Server alike: string enums, bounded
/// strings on every key and index, UTC <see cref="DateTime"/>s, lists stored as JSON text, and no provider-specific
/// column types. Each provider has its own context type (<see cref="SqliteMissionsDbContext"/> and its siblings), only so
/// that each keeps its own migrations and model snapshot (<c>Data/Migrations/&lt;provider&gt;</c>, made by dotnet-ef), as
/// EF's guide to migrations with several providers describes; everything else asks for this type.
/// </summary>
public abstract class MissionsDbContext : DbContext, IDataProtectionKeyContext
{
    /// <summary>
    /// The write gate travels in the options (see <see cref="WriteGateExtension"/>). Built by hand without one (tools,
    /// tests), writes are not serialized.
    /// </summary>
    protected MissionsDbContext(DbContextOptions options)
        : base(options)
    {
        WriteGate = options.FindExtension<WriteGateExtension>()?.Gate ?? WriteGate.None;
    }

    /// <summary>Serializes write transactions where the provider needs it (SQLite).</summary>
    public WriteGate WriteGate { get; }

    private List<Action>? afterCommit;

    /// <summary>
    /// Runs <paramref name="action"/> (waking a worker, say) once the write transaction open on this context has
    /// committed, or at once when none is open. Dropped if the transaction does not commit.
    /// </summary>
    public void AfterCommit(Action action)
    {
        if (Database.CurrentTransaction is null)
        {
            action();
            return;
        }

        (afterCommit ??= []).Add(action);
    }

    internal void Committed()
    {
        var actions = afterCommit;
        afterCommit = null;
        actions?.ForEach(a => a());
    }

    internal void RolledBack() => afterCommit = null;

    /// <summary>
    /// The workspaces whose missions and proposals this unit of work sees: a chat turn the asker's, a signed-in
    /// person's page or API call their tenant's (each with the workspaces joined to it); null, every workspace
    /// (workers, API keys, the operator at this machine). Every query of missions and proposals is filtered by it, so
    /// nothing of another workspace is read, listed or changed. Each lease of a pooled context starts with null.
    /// </summary>
    public string[]? VisibleWorkspaces { get; private set; }

    /// <summary>From now on this context sees the missions and proposals of these workspaces only.</summary>
    public void SeeOnly(IReadOnlyCollection<string> workspaces) => VisibleWorkspaces = [.. workspaces];

    internal void SeeEverything() => VisibleWorkspaces = null;

    public const int NameLength = 200;
    public const int IdLength = 256;
    public const int EnumLength = 32;

    public DbSet<Mission> Missions => Set<Mission>();
    public DbSet<MissionTask> MissionTasks => Set<MissionTask>();
    public DbSet<Comment> Comments => Set<Comment>();
    public DbSet<Attachment> Attachments => Set<Attachment>();
    public DbSet<ActivityEntry> ActivityEntries => Set<ActivityEntry>();
    public DbSet<Proposal> Proposals => Set<Proposal>();
    public DbSet<Run> Runs => Set<Run>();
    public DbSet<RunLogEntry> RunLogEntries => Set<RunLogEntry>();
    public DbSet<Artifact> Artifacts => Set<Artifact>();
    public DbSet<Project> Projects => Set<Project>();
    public DbSet<Staff> Staff => Set<Staff>();
    public DbSet<Blueprint> Blueprints => Set<Blueprint>();
    public DbSet<ConversationReference> ConversationReferences => Set<ConversationReference>();
    public DbSet<InboundEvent> InboundEvents => Set<InboundEvent>();
    public DbSet<OutboxMessage> OutboxMessages => Set<OutboxMessage>();
    public DbSet<Counter> Counters => Set<Counter>();
    public DbSet<HostLease> HostLeases => Set<HostLease>();

    /// <summary>ASP.NET Core's data-protection key ring, shared by every host (sessions, sign-in state, the pages).</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();
    public DbSet<WebChat.DirectLineActivity> DirectLineActivities => Set<WebChat.DirectLineActivity>();

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // Every enum is stored by name: readable in the database, stable when members are added.
        configurationBuilder.Properties<Enum>().HaveConversion<string>().HaveMaxLength(EnumLength);
        // SQLite hands DateTimes back as Unspecified and Npgsql refuses non-UTC ones for timestamptz; all are UTC.
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
        configurationBuilder.Properties<string>().AreUnicode();
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Mission>(b =>
        {
            b.ToTable("Missions");
            b.Property(m => m.Title).HasMaxLength(NameLength);
            b.Property(m => m.Rank).HasMaxLength(BoardRank.MaxLength);
            b.Property(m => m.Context).HasConversion(StringListConverter, StringListComparer).HasDefaultValue(new List<string>());
            ConfigureActor(b, m => m.RequestedById, m => m.RequestedByName);
            ConfigureActor(b, m => m.ApprovedById, m => m.ApprovedByName);
            b.Property(m => m.Version).IsConcurrencyToken();
            b.Property(m => m.Workspace).HasMaxLength(IdLength).HasDefaultValue(Workspace.Workspaces.Local);
            b.HasQueryFilter(m => VisibleWorkspaces == null || VisibleWorkspaces.Contains(m.Workspace));
            b.HasIndex(m => m.Number).IsUnique();
            b.HasIndex(m => new { m.Status, m.Rank });
            b.HasIndex(m => new { m.Workspace, m.Status, m.Rank });
            b.HasIndex(m => new { m.ProjectId, m.Number });
            b.HasIndex(m => m.AssigneeId);
            b.HasIndex(m => m.ProposalId).IsUnique();
            b.HasOne<Project>().WithMany().HasForeignKey(m => m.ProjectId).OnDelete(DeleteBehavior.Restrict);
            b.HasOne<Staff>().WithMany().HasForeignKey(m => m.AssigneeId).OnDelete(DeleteBehavior.Restrict);
            b.HasOne<Blueprint>().WithMany().HasForeignKey(m => m.BlueprintId).OnDelete(DeleteBehavior.Restrict);
            b.HasOne<Proposal>().WithMany().HasForeignKey(m => m.ProposalId).OnDelete(DeleteBehavior.Restrict);
            b.HasIndex(m => m.FollowsMissionId);
            b.HasOne<Mission>().WithMany().HasForeignKey(m => m.FollowsMissionId).OnDelete(DeleteBehavior.Restrict);
            b.HasOne<ConversationReference>().WithMany().HasForeignKey(m => m.ConversationReferenceId).OnDelete(DeleteBehavior.Restrict);
        });

        modelBuilder.Entity<MissionTask>(b =>
        {
            b.ToTable("MissionTasks");
            b.Property(t => t.Title).HasMaxLength(NameLength);
            b.Property(t => t.Version).IsConcurrencyToken();
            b.HasIndex(t => new { t.MissionId, t.Position });
            b.HasOne<Mission>().WithMany().HasForeignKey(t => t.MissionId).OnDelete(DeleteBehavior.Cascade);
            b.HasOne<Staff>().WithMany().HasForeignKey(t => t.StaffId).OnDelete(DeleteBehavior.Restrict);
        });

        modelBuilder.Entity<Comment>(b =>
        {
            b.ToTable("Comments");
            ConfigureActor(b, c => c.AuthorId, c => c.AuthorName);
            b.HasIndex(c => new { c.MissionId, c.CreatedAt });
            b.HasOne<Mission>().WithMany().HasForeignKey(c => c.MissionId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<Attachment>(b =>
        {
            b.ToTable("Attachments");
            b.Property(a => a.FileName).HasMaxLength(NameLength);
            b.Property(a => a.ContentType).HasMaxLength(NameLength);
            b.Property(a => a.Sha256).HasMaxLength(64).IsUnicode(false);
            b.Property(a => a.StorageKey).HasMaxLength(IdLength);
            ConfigureActor(b, a => a.UploadedById, a => a.UploadedByName);
            b.HasIndex(a => a.MissionId);
            b.HasIndex(a => a.ProposalId);
            b.HasOne<Mission>().WithMany().HasForeignKey(a => a.MissionId).OnDelete(DeleteBehavior.Cascade);
            b.HasOne<Proposal>().WithMany().HasForeignKey(a => a.ProposalId).OnDelete(DeleteBehavior.Restrict);
        });

        modelBuilder.Entity<ActivityEntry>(b =>
        {
            b.ToTable("ActivityEntries");
            ConfigureActor(b, a => a.ActorId, a => a.ActorName);
            b.Property(a => a.Action).HasMaxLength(64);
            b.HasIndex(a => new { a.MissionId, a.Id });
            b.HasIndex(a => a.ProposalId);
            b.HasOne<Mission>().WithMany().HasForeignKey(a => a.MissionId).OnDelete(DeleteBehavior.Restrict);
            b.HasOne<Proposal>().WithMany().HasForeignKey(a => a.ProposalId).OnDelete(DeleteBehavior.Restrict);
        });

        modelBuilder.Entity<Proposal>(b =>
        {
            b.ToTable("Proposals");
            b.Property(p => p.Title).HasMaxLength(NameLength);
            b.Property(p => p.Questions).HasConversion(StringListConverter, StringListComparer);
            b.Property(p => p.Answers).HasConversion(StringListConverter, StringListComparer).HasDefaultValue(new List<string>());
            b.Property(p => p.Tasks).HasConversion(StringListConverter, StringListComparer).HasDefaultValue(new List<string>());
            b.Property(p => p.DuplicateHint).HasMaxLength(500);
            b.Property(p => p.DraftedBy).HasMaxLength(EnumLength).HasDefaultValue(DraftPaths.Offline);
            ConfigureActor(b, p => p.RequestedById, p => p.RequestedByName);
            ConfigureActor(b, p => p.DecidedById, p => p.DecidedByName);
            b.Property(p => p.RejectionReason).HasMaxLength(2000);
            b.Property(p => p.Version).IsConcurrencyToken();
            b.Property(p => p.Workspace).HasMaxLength(IdLength).HasDefaultValue(Workspace.Workspaces.Local);
            b.HasQueryFilter(p => VisibleWorkspaces == null || VisibleWorkspaces.Contains(p.Workspace));
            b.HasIndex(p => new { p.Status, p.CreatedAt });
            b.HasIndex(p => p.ConversationReferenceId);
            b.HasOne<Project>().WithMany().HasForeignKey(p => p.ProjectId).OnDelete(DeleteBehavior.Restrict);
            b.HasOne<Staff>().WithMany().HasForeignKey(p => p.AssigneeId).OnDelete(DeleteBehavior.Restrict);
            b.HasOne<Blueprint>().WithMany().HasForeignKey(p => p.BlueprintId).OnDelete(DeleteBehavior.Restrict);
            b.HasOne<ConversationReference>().WithMany().HasForeignKey(p => p.ConversationReferenceId).OnDelete(DeleteBehavior.Restrict);
            b.HasOne<Mission>().WithMany().HasForeignKey(p => p.FollowsMissionId).OnDelete(DeleteBehavior.Restrict);
        });

        modelBuilder.Entity<Run>(b =>
        {
            b.ToTable("Runs");
            b.Property(r => r.Trigger).HasMaxLength(64);
            b.Property(r => r.LeaseOwner).HasMaxLength(NameLength);
            b.Property(r => r.ReviewedByName).HasMaxLength(NameLength);
            b.Property(r => r.Version).IsConcurrencyToken();
            b.HasIndex(r => new { r.Status, r.QueuedAt });
            b.HasIndex(r => r.MissionId);
            b.HasOne<Mission>().WithMany().HasForeignKey(r => r.MissionId).OnDelete(DeleteBehavior.Cascade);
            b.HasOne<MissionTask>().WithMany().HasForeignKey(r => r.TaskId).OnDelete(DeleteBehavior.Restrict);
            b.HasOne<Staff>().WithMany().HasForeignKey(r => r.StaffId).OnDelete(DeleteBehavior.Restrict);
        });

        modelBuilder.Entity<RunLogEntry>(b =>
        {
            b.ToTable("RunLogEntries");
            b.Property(l => l.Step).HasMaxLength(NameLength);
            b.HasIndex(l => new { l.RunId, l.Id });
            b.HasOne<Run>().WithMany().HasForeignKey(l => l.RunId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<Artifact>(b =>
        {
            b.ToTable("Artifacts");
            b.Property(a => a.Name).HasMaxLength(NameLength);
            b.Property(a => a.ContentType).HasMaxLength(NameLength);
            b.Property(a => a.Sha256).HasMaxLength(64).IsUnicode(false);
            b.Property(a => a.StorageKey).HasMaxLength(IdLength);
            b.HasIndex(a => a.MissionId);
            b.HasIndex(a => a.RunId);
            b.HasOne<Mission>().WithMany().HasForeignKey(a => a.MissionId).OnDelete(DeleteBehavior.Cascade);
            // Restrict, not cascade: SQL Server refuses a second cascade path (Mission → Run → Artifact).
            b.HasOne<Run>().WithMany().HasForeignKey(a => a.RunId).OnDelete(DeleteBehavior.Restrict);
        });

        modelBuilder.Entity<Project>(b =>
        {
            b.ToTable("Projects");
            b.Property(p => p.Name).HasMaxLength(NameLength);
            b.Property(p => p.Version).IsConcurrencyToken();
            b.HasIndex(p => p.Name).IsUnique();
        });

        modelBuilder.Entity<Staff>(b =>
        {
            b.ToTable("Staff");
            b.Property(s => s.Name).HasMaxLength(NameLength);
            b.Property(s => s.Role).HasMaxLength(NameLength);
            b.Property(s => s.Model).HasMaxLength(NameLength);
            b.Property(s => s.Version).IsConcurrencyToken();
            b.HasIndex(s => s.Name).IsUnique();
        });

        modelBuilder.Entity<Blueprint>(b =>
        {
            b.ToTable("Blueprints");
            b.Property(p => p.Name).HasMaxLength(NameLength);
            b.Property(p => p.Tasks).HasConversion(StringListConverter, StringListComparer);
            b.Property(p => p.ContextChecklist).HasConversion(StringListConverter, StringListComparer);
            b.Property(p => p.Keywords).HasConversion(StringListConverter, StringListComparer);
            b.Property(p => p.Version).IsConcurrencyToken();
            b.HasIndex(p => p.Name).IsUnique();
            b.HasOne<Staff>().WithMany().HasForeignKey(p => p.DefaultStaffId).OnDelete(DeleteBehavior.Restrict);
        });

        modelBuilder.Entity<ConversationReference>(b =>
        {
            b.ToTable("ConversationReferences");
            b.Property(c => c.Channel).HasMaxLength(EnumLength);
            b.Property(c => c.ConversationId).HasMaxLength(IdLength);
            b.Property(c => c.ThreadId).HasMaxLength(IdLength);
            b.Property(c => c.ServiceUrl).HasMaxLength(IdLength);
            b.Property(c => c.TenantId).HasMaxLength(IdLength);
            b.Property(c => c.BotId).HasMaxLength(IdLength);
            b.Property(c => c.ConversationType).HasMaxLength(EnumLength);
            b.Property(c => c.TimeZone).HasMaxLength(64);
            b.Property(c => c.Version).IsConcurrencyToken();
            b.HasIndex(c => new { c.Channel, c.ConversationId }).IsUnique();
            b.HasOne<Project>().WithMany().HasForeignKey(c => c.ProjectId).OnDelete(DeleteBehavior.Restrict);
        });

        modelBuilder.Entity<InboundEvent>(b =>
        {
            b.ToTable("InboundEvents");
            b.HasKey(e => new { e.Channel, e.EventId });
            b.Property(e => e.Channel).HasMaxLength(EnumLength);
            b.Property(e => e.EventId).HasMaxLength(IdLength);
            b.Property(e => e.LeaseOwner).HasMaxLength(NameLength);
            b.Property(e => e.Attempts).HasDefaultValue(0);
            b.HasIndex(e => e.ReceivedAt);
            b.HasIndex(e => new { e.Status, e.ReceivedAt });
        });

        modelBuilder.Entity<OutboxMessage>(b =>
        {
            b.ToTable("OutboxMessages");
            b.Property(o => o.Kind).HasMaxLength(64);
            b.Property(o => o.ViewKey).HasMaxLength(IdLength);
            b.Property(o => o.LeaseOwner).HasMaxLength(NameLength);
            b.Property(o => o.SentMessageId).HasMaxLength(IdLength);
            b.Property(o => o.LastError).HasMaxLength(2000);
            b.Property(o => o.Version).IsConcurrencyToken();
            b.HasIndex(o => new { o.Status, o.NextAttemptAt });
            // A conversation's waiting messages in order (the dispatcher's head, "is anything waiting?"), without
            // walking past the messages already sent.
            b.HasIndex(o => new { o.ConversationReferenceId, o.Status, o.Id });
            // Where a view was delivered in a conversation (and its unsent progress message): every column it asks by.
            b.HasIndex(o => new { o.ConversationReferenceId, o.ViewKey, o.Status, o.Id });
            // Named here: the default name is longer than PostgreSQL's 63-character identifiers.
            b.HasOne<ConversationReference>().WithMany().HasForeignKey(o => o.ConversationReferenceId).OnDelete(DeleteBehavior.Restrict)
                .HasConstraintName("FK_OutboxMessages_ConversationReferences");
        });

        modelBuilder.Entity<WebChat.DirectLineActivity>(b =>
        {
            b.ToTable("DirectLineActivities");
            b.Property(a => a.ConversationId).HasMaxLength(IdLength);
            b.Property(a => a.ActivityId).HasMaxLength(IdLength);
            b.HasIndex(a => new { a.ConversationId, a.Id });
            b.HasIndex(a => a.ActivityId);
        });

        modelBuilder.Entity<Counter>(b =>
        {
            b.ToTable("Counters");
            b.HasKey(c => c.Name);
            b.Property(c => c.Name).HasMaxLength(64);
        });

        modelBuilder.Entity<HostLease>(b =>
        {
            b.ToTable("HostLeases");
            b.HasKey(l => l.Name);
            b.Property(l => l.Name).HasMaxLength(64);
            b.Property(l => l.Owner).HasMaxLength(NameLength);
        });

        modelBuilder.Entity<DataProtectionKey>(b =>
        {
            b.ToTable("DataProtectionKeys");
            b.Property(k => k.FriendlyName).HasMaxLength(NameLength);
        });
    }

    private static void ConfigureActor<T>(EntityTypeBuilder<T> b, System.Linq.Expressions.Expression<Func<T, string?>> id, System.Linq.Expressions.Expression<Func<T, string?>> name)
        where T : class
    {
        b.Property(id).HasMaxLength(IdLength);
        b.Property(name).HasMaxLength(NameLength);
    }

    private static readonly ValueConverter<List<string>, string> StringListConverter = new(
        v => JsonSerializer.Serialize(v, JsonSerializerOptions.Default),
        v => JsonSerializer.Deserialize<List<string>>(v, JsonSerializerOptions.Default) ?? new List<string>());

    private static readonly ValueComparer<List<string>> StringListComparer = new(
        (a, b) => (a == null && b == null) || (a != null && b != null && a.SequenceEqual(b)),
        v => v.Aggregate(0, (h, s) => HashCode.Combine(h, s.GetHashCode(StringComparison.Ordinal))),
        v => v.ToList());
}

/// <summary>A named counter (for mission numbers), advanced with a conditional update so no value is ever handed out twice.</summary>
public sealed class Counter
{
    public required string Name { get; set; }
    public long Value { get; set; }
}

internal sealed class UtcDateTimeConverter() : ValueConverter<DateTime, DateTime>(
    v => v.Kind == DateTimeKind.Local ? v.ToUniversalTime() : DateTime.SpecifyKind(v, DateTimeKind.Utc),
    v => DateTime.SpecifyKind(v, DateTimeKind.Utc));
