using Microsoft.EntityFrameworkCore;
using Missions.Host.Data;
using Missions.Host.Missions;
using Missions.Host.Web;

namespace Missions.Host.Proposals;

public sealed record ProposalDto(
    Guid Id,
    ProposalStatus Status,
    string Title,
    string Objective,
    string Description,
    Guid? ProjectId,
    Guid? AssigneeId,
    Guid? BlueprintId,
    DateOnly? DueDate,
    bool AutoRun,
    IReadOnlyList<string> Questions,
    IReadOnlyList<string> Answers,
    IReadOnlyList<string> Tasks,
    string? DuplicateHint,
    string DraftedBy,
    PersonDto? RequestedBy,
    PersonDto? DecidedBy,
    DateTime? DecidedAt,
    string? RejectionReason,
    string? MissionNumber,
    DateTime CreatedAt,
    DateTime UpdatedAt,
    long Version)
{
    public static ProposalDto From(Proposal p, long? missionNumber) => new(
        p.Id, p.Status, p.Title, p.Objective, p.Description, p.ProjectId, p.AssigneeId, p.BlueprintId, p.DueDate, p.AutoRun,
        p.Questions, p.Questions.Select((_, i) => BlueprintShape.AnswerAt(p, i)).ToList(), p.Tasks, p.DuplicateHint, p.DraftedBy,
        p.RequestedById is null ? null : new PersonDto(p.RequestedById, p.RequestedByName ?? p.RequestedById),
        p.DecidedById is null ? null : new PersonDto(p.DecidedById, p.DecidedByName ?? p.DecidedById),
        p.DecidedAt, p.RejectionReason,
        missionNumber is null ? null : Mission.FormatNumber(missionNumber.Value),
        p.CreatedAt, p.UpdatedAt, p.Version);
}

public sealed record ApproveRequest(
    Patch<string> Title,
    Patch<string> Objective,
    Patch<Guid?> ProjectId,
    Patch<Guid?> AssigneeId,
    Patch<DateOnly?> DueDate,
    Patch<bool> AutoRun,
    Patch<Guid?> BlueprintId,
    List<string>? Answers);

/// <summary>A change to a pending proposal: a blueprint picked (it shapes the proposal), answers, and its fields.</summary>
public sealed record EditProposalRequest(
    Patch<string> Title,
    Patch<string> Objective,
    Patch<Guid?> ProjectId,
    Patch<Guid?> AssigneeId,
    Patch<DateOnly?> DueDate,
    Patch<Guid?> BlueprintId,
    List<string>? Answers);

public sealed record RejectRequest(string? Reason);

public static class ProposalsApi
{
    public static IHostApplicationBuilder AddProposals(this IHostApplicationBuilder builder)
    {
        builder.Services.AddScoped<ProposalOperations>();
        builder.Services.AddOptions<ProposalOptions>().BindConfiguration(ProposalOptions.Section)
            .Validate(o => o.Lifetime > TimeSpan.Zero, "Missions:Proposals:Lifetime must be positive.")
            .Validate(o => o.ExpiryInterval >= TimeSpan.FromSeconds(1) && o.ExpiryInterval <= TimeSpan.FromDays(1), "Missions:Proposals:ExpiryInterval must be between 00:00:01 and 1.00:00:00.")
            .ValidateOnStart();
        builder.Services.AddHostedService<ProposalExpiry>();
        return builder;
    }

    public static RouteGroupBuilder MapProposalsApi(this RouteGroupBuilder api)
    {
        var proposals = api.MapGroup("/proposals").WithTags("Proposals");

        proposals.MapGet("/", async (string? status, MissionsDbContext db, CancellationToken ct) =>
        {
            var query = db.Proposals.AsNoTracking();
            if (!string.IsNullOrWhiteSpace(status))
            {
                var wanted = Enum.TryParse<ProposalStatus>(status, ignoreCase: true, out var s)
                    ? s
                    : throw DomainException.Invalid("status", $"'{status}' is not a proposal status: Pending, Approved, Rejected or Expired.");
                query = query.Where(p => p.Status == wanted);
            }

            var rows = await query.OrderByDescending(p => p.CreatedAt).Take(200)
                .Select(p => new { Proposal = p, Number = db.Missions.Where(m => m.ProposalId == p.Id).Select(m => (long?)m.Number).FirstOrDefault() })
                .ToListAsync(ct);
            return TypedResults.Ok(rows.Select(r => ProposalDto.From(r.Proposal, r.Number)));
        });
        proposals.MapGet("/{id:guid}", async (Guid id, ProposalOperations ops, MissionsDbContext db, HttpContext http, CancellationToken ct) =>
        {
            var proposal = await ops.GetAsync(id, ct);
            var number = await db.Missions.Where(m => m.ProposalId == id).Select(m => (long?)m.Number).FirstOrDefaultAsync(ct);
            http.Response.Headers.ETag = ETags.Format(proposal.Version);
            return TypedResults.Ok(ProposalDto.From(proposal, number));
        });
        proposals.MapPost("/{id:guid}/approve", async (Guid id, ApproveRequest? body, ProposalOperations ops, HttpContext http, CancellationToken ct) =>
        {
            body ??= new ApproveRequest(default, default, default, default, default, default, default, null);
            var decision = await ops.ApproveAsync(id, new ProposalEdits(body.Title, body.Objective, body.ProjectId, body.AssigneeId, body.DueDate, body.AutoRun, body.BlueprintId, body.Answers),
                ETags.ReadIfMatch(http), ApiAccess.ActorOf(http), ct);
            http.Response.Headers.ETag = ETags.Format(decision.Proposal.Version);
            return TypedResults.Ok(ProposalDto.From(decision.Proposal, decision.Mission?.Number));
        });
        proposals.MapPatch("/{id:guid}", async (Guid id, EditProposalRequest body, ProposalOperations ops, HttpContext http, CancellationToken ct) =>
        {
            var expected = ETags.RequireIfMatch(http);
            var edited = await ops.EditAsync(await ops.GetAsync(id, ct), new ProposalEdits(body.Title, body.Objective, body.ProjectId, body.AssigneeId, body.DueDate, default, body.BlueprintId, body.Answers),
                expected, ApiAccess.ActorOf(http), ct);
            http.Response.Headers.ETag = ETags.Format(edited.Version);
            return TypedResults.Ok(ProposalDto.From(edited, null));
        });
        proposals.MapPost("/{id:guid}/reject", async (Guid id, RejectRequest? body, ProposalOperations ops, HttpContext http, CancellationToken ct) =>
        {
            var proposal = await ops.RejectAsync(id, body?.Reason, ETags.ReadIfMatch(http), ApiAccess.ActorOf(http), ct);
            http.Response.Headers.ETag = ETags.Format(proposal.Version);
            return TypedResults.Ok(ProposalDto.From(proposal, null));
        });

        return api;
    }
}
