using System.Net;
using System.Text;
using Markdig;
using Markdig.Syntax;
using Microsoft.EntityFrameworkCore;
using Missions.Host.Data;
using Missions.Host.Missions;
using Missions.Host.Web;

namespace Missions.Host.Runs;

public sealed record ArtifactDto(Guid Id, string Name, string ContentType, long Size, string Sha256, string Url);

public sealed record RunReviewDto(ReviewOutcome Outcome, string? By, DateTime? At, string? Comment);

public sealed record RunLogDto(DateTime At, RunLogLevel Level, string Step, string Text);

public sealed record RunDto(
    Guid Id,
    string Mission,
    Guid? TaskId,
    Guid? StaffId,
    RunStatus Status,
    int Attempt,
    string Trigger,
    string? Summary,
    string? Error,
    DateTime QueuedAt,
    DateTime? StartedAt,
    DateTime? FinishedAt,
    int? InputTokens,
    int? OutputTokens,
    RunReviewDto? Review,
    IReadOnlyList<ArtifactDto> Artifacts,
    IReadOnlyList<RunLogDto>? Log);

public sealed record ReviewRequest(string? Outcome, string? Comment);

public static class RunsApi
{
    public static IHostApplicationBuilder AddRuns(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<RunOptions>().Bind(builder.Configuration.GetSection(RunOptions.Section))
            .Validate(o => o.MaxConcurrent > 0 && o.MaxAttempts > 0 && o.Lease > TimeSpan.Zero && o.ContextBudget > 0, "Missions:Runs: MaxConcurrent, MaxAttempts, Lease and ContextBudget must be positive.")
            .ValidateOnStart();
        services.AddOptions<ArtifactLinkOptions>().Bind(builder.Configuration.GetSection(ArtifactLinkOptions.Section))
            .Validate(o => Web.StartupValidation.IsKeyOrEmpty(o.SigningKey), "Missions:Artifacts:SigningKey must be base64 of at least 32 bytes.")
            .Validate(o => o.LinkLifetime > TimeSpan.Zero, "Missions:Artifacts:LinkLifetime must be positive.")
            .Validate(o => Web.StartupValidation.IsAddressOrEmpty(o.PublicUrl), "Missions:Artifacts:PublicUrl must be an absolute http(s) address.")
            .ValidateOnStart();
        services.AddSingleton<RunSignal>();
        services.AddSingleton<ArtifactLinks>();
        services.AddSingleton<PdfBrief>();
        // The offline agent is the default; a model-backed agent replaces this registration when configured.
        services.AddSingleton<IStaffAgent, OfflineStaffAgent>();
        services.AddScoped<RunOperations>();
        services.AddScoped<RunViews>();
        services.AddScoped<RunCancellation>();
        services.AddScoped<ReviewGate>();
        services.AddScoped<ContextAssembler>();
        services.AddScoped<RunExecutor>();
        services.AddSingleton<RunWorker>();
        services.AddHostedService(sp => sp.GetRequiredService<RunWorker>());
        return builder;
    }

    public static RouteGroupBuilder MapRunsApi(this RouteGroupBuilder api)
    {
        var runs = api.MapGroup("/").WithTags("Runs");
        runs.MapPost("/missions/{number}/runs", async (string number, RunOperations ops, MissionsDbContext db, ArtifactLinks links, HttpContext http, CancellationToken ct) =>
        {
            var (run, _) = await ops.QueueAsync(MissionsApi.ParseNumber(number), RunTriggers.Requested, ApiAccess.ActorOf(http), ct);
            return TypedResults.Accepted($"/api/runs/{run.Id}", await DescribeAsync(db, links, run, withLog: false, ct));
        });
        runs.MapGet("/missions/{number}/runs", async (string number, MissionOperations missions, MissionsDbContext db, ArtifactLinks links, CancellationToken ct) =>
        {
            var mission = await missions.GetAsync(MissionsApi.ParseNumber(number), ct);
            var list = await db.Runs.AsNoTracking().Where(r => r.MissionId == mission.Id).OrderBy(r => r.QueuedAt).ToListAsync(ct);
            var result = new List<RunDto>();
            foreach (var run in list)
            {
                result.Add(await DescribeAsync(db, links, run, withLog: false, ct));
            }

            return TypedResults.Ok(result);
        });
        runs.MapGet("/runs/{id:guid}", async (Guid id, RunOperations ops, MissionsDbContext db, ArtifactLinks links, CancellationToken ct) =>
            TypedResults.Ok(await DescribeAsync(db, links, await ops.GetAsync(id, ct), withLog: true, ct)));
        runs.MapPost("/missions/{number}/replay", async (string number, RunOperations ops, MissionsDbContext db, ArtifactLinks links, HttpContext http, CancellationToken ct) =>
        {
            var (run, _) = await ops.ReplayAsync(MissionsApi.ParseNumber(number), ApiAccess.ActorOf(http), ct);
            return TypedResults.Accepted($"/api/runs/{run.Id}", await DescribeAsync(db, links, run, withLog: false, ct));
        });
        runs.MapPost("/runs/{id:guid}/cancel", async (Guid id, RunOperations ops, MissionsDbContext db, ArtifactLinks links, HttpContext http, CancellationToken ct) =>
            TypedResults.Ok(await DescribeAsync(db, links, (await ops.CancelAsync(id, ApiAccess.ActorOf(http), ct)).Run, withLog: false, ct)));
        runs.MapPost("/runs/{id:guid}/retry", async (Guid id, RunOperations ops, MissionsDbContext db, ArtifactLinks links, HttpContext http, CancellationToken ct) =>
        {
            var run = await ops.RetryAsync(id, ApiAccess.ActorOf(http), ct);
            return TypedResults.Accepted($"/api/runs/{run.Id}", await DescribeAsync(db, links, run, withLog: false, ct));
        });
        runs.MapPost("/runs/{id:guid}/review", async (Guid id, ReviewRequest body, RunOperations ops, MissionsDbContext db, ArtifactLinks links, HttpContext http, CancellationToken ct) =>
        {
            var actor = ApiAccess.ActorOf(http);
            switch (body.Outcome?.Trim().ToLowerInvariant())
            {
                case "approve" or "approved":
                    await ops.ApproveAsync(id, actor, ct);
                    break;
                case "changes" or "changesrequested" or "request-changes":
                    await ops.RequestChangesAsync(id, body.Comment, actor, ct);
                    break;
                default:
                    throw DomainException.Invalid("outcome", "'outcome' is 'approve' or 'changes' (with a comment).");
            }

            return TypedResults.Ok(await DescribeAsync(db, links, await ops.GetAsync(id, ct), withLog: false, ct));
        });
        return api;
    }

    /// <summary>
    /// Artifacts behind signed links, for anyone holding an unexpired link (it travels in a chat message). Markdown
    /// is shown rendered (raw HTML in it is not passed through), everything else downloads.
    /// </summary>
    public static IEndpointRouteBuilder MapArtifacts(this IEndpointRouteBuilder app)
    {
        app.MapGet("/artifacts/{id}", ServeAsync).AllowAnonymous().ExcludeFromDescription();
        return app;
    }

    /// <summary>
    /// The Markdown people and models write (tables, task lists, footnotes, strikethrough, bare links), and nothing that
    /// turns text into markup of its choosing: no raw HTML, and no generic attributes (<c>{onmouseover=… style=…}</c>
    /// would become real attributes on this host's origin), nor the extensions that embed other sites.
    /// </summary>
    private static readonly MarkdownPipeline Markdown = new MarkdownPipelineBuilder()
        .UsePipeTables().UseGridTables().UseTaskLists().UseFootnotes().UseDefinitionLists().UseEmphasisExtras()
        .UseListExtras().UseAutoLinks().UseAbbreviations().UseFigures()
        .DisableHtml().Build();

    private const string PageStyle = "body{font-family:system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;line-height:1.5;color:#1b1b1f}"
        + "blockquote{color:#555;border-left:3px solid #ccc;margin-left:0;padding-left:1rem}code{background:#f4f4f6;padding:0 .2rem}"
        + "table{border-collapse:collapse}th,td{border:1px solid #ccc;padding:.2rem .5rem}";

    /// <summary>
    /// The rendered page's policy: nothing loads, nothing runs, and the only style is the page's own sheet (by its hash),
    /// so no style attribute that got into the HTML is applied (no overlay over the page).
    /// </summary>
    internal static readonly string MarkdownPagePolicy = "default-src 'none'; style-src 'sha256-"
        + Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(PageStyle))) + "'";

    private static async Task<IResult> ServeAsync(string id, string? exp, string? sig, string? download, ArtifactLinks links, MissionsDbContext db, IContentStore content, HttpContext http, CancellationToken ct)
    {
        if (!Guid.TryParseExact(id, "N", out var artifactId))
        {
            return Results.Problem(statusCode: 404, title: "There is no such artifact.");
        }

        switch (await links.CheckAsync(artifactId, exp, sig, ct))
        {
            case ArtifactLinks.Verdict.Forged:
                return Results.Problem(statusCode: 403, title: "This link is not valid.", detail: "The link's signature does not match. Use the link exactly as the bot posted it.");
            case ArtifactLinks.Verdict.Expired:
                return Results.Problem(statusCode: 410, title: "This link has expired.", detail: "Ask the bot to show the mission again for a fresh link.");
        }

        var artifact = await db.Artifacts.AsNoTracking().SingleOrDefaultAsync(a => a.Id == artifactId, ct);
        var stream = artifact is null ? null : await content.OpenReadAsync(artifact.StorageKey, ct);
        if (artifact is null || stream is null)
        {
            return Results.Problem(statusCode: 404, title: "The artifact no longer exists.");
        }

        http.Response.Headers.XContentTypeOptions = "nosniff";
        http.Response.Headers.CacheControl = "private, max-age=300";
        http.Response.Headers.ETag = $"\"{artifact.Sha256}\"";
        var isMarkdown = artifact.ContentType.StartsWith("text/markdown", StringComparison.OrdinalIgnoreCase) || artifact.Name.EndsWith(".md", StringComparison.OrdinalIgnoreCase);
        if (isMarkdown && download is null)
        {
            string text;
            await using (stream)
            {
                using var reader = new StreamReader(stream, Encoding.UTF8);
                text = await reader.ReadToEndAsync(ct);
            }

            http.Response.Headers.ContentSecurityPolicy = MarkdownPagePolicy;
            var title = WebUtility.HtmlEncode(artifact.Name);
            var page = $"<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title>"
                + $"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><style>{PageStyle}</style></head><body>"
                + SafeHtml(text) + "</body></html>";
            return Results.Content(page, "text/html; charset=utf-8");
        }

        return Results.File(stream, artifact.ContentType, artifact.Name, enableRangeProcessing: true);
    }

    /// <summary>
    /// Markdown from a model or a person as HTML that runs nothing and loads nothing: raw HTML is escaped, a link whose
    /// scheme is not http(s) or mailto loses its target (no <c>javascript:</c>), and a remote image becomes a link to it.
    /// </summary>
    internal static string SafeHtml(string markdown)
    {
        var document = Markdig.Markdown.Parse(markdown, Markdown);
        foreach (var link in document.Descendants<Markdig.Syntax.Inlines.LinkInline>())
        {
            if (!IsSafeTarget(link.Url))
            {
                link.Url = "";
            }
            else if (link.IsImage)
            {
                link.IsImage = false;
            }
        }

        foreach (var link in document.Descendants<Markdig.Syntax.Inlines.AutolinkInline>().Where(l => !IsSafeTarget(l.Url)))
        {
            link.Url = "";
        }

        return document.ToHtml(Markdown);
    }

    private static bool IsSafeTarget(string? url)
    {
        var target = (url ?? "").Trim();
        if (target.Length == 0 || target.StartsWith('#'))
        {
            return true;
        }

        return Uri.TryCreate(target, UriKind.Absolute, out var absolute)
            ? absolute.Scheme is "http" or "https" or "mailto"
            : !target.Contains(':', StringComparison.Ordinal);
    }

    private static async Task<RunDto> DescribeAsync(MissionsDbContext db, ArtifactLinks links, Run run, bool withLog, CancellationToken ct)
    {
        var number = await db.Missions.AsNoTracking().Where(m => m.Id == run.MissionId).Select(m => m.Number).SingleAsync(ct);
        var artifacts = new List<ArtifactDto>();
        foreach (var a in await db.Artifacts.AsNoTracking().Where(a => a.RunId == run.Id).OrderBy(a => a.Name).ToListAsync(ct))
        {
            artifacts.Add(new ArtifactDto(a.Id, a.Name, a.ContentType, a.Size, a.Sha256, await links.UrlForAsync(a.Id, ct)));
        }

        var log = withLog
            ? (await db.RunLogEntries.AsNoTracking().Where(l => l.RunId == run.Id).OrderBy(l => l.Id).ToListAsync(ct)).Select(l => new RunLogDto(l.At, l.Level, l.Step, l.Text)).ToList()
            : null;
        return new RunDto(run.Id, Mission.FormatNumber(number), run.TaskId, run.StaffId, run.Status, run.Attempt, run.Trigger, run.Summary, run.Error,
            run.QueuedAt, run.StartedAt, run.FinishedAt, run.InputTokens, run.OutputTokens,
            run.ReviewOutcome is { } outcome ? new RunReviewDto(outcome, run.ReviewedByName, run.ReviewedAt, run.ReviewComment) : null,
            artifacts, log);
    }
}
