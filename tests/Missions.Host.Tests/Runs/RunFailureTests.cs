using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Missions.Host.Runs;
using Missions.Host.Tests.Infrastructure;

namespace Missions.Host.Tests.Runs;

/// <summary>
/// Runs that go wrong: a failure that may pass is retried as the next attempt; one that will not says so on the
/// progress card with a Retry button; a cancel stops a run at once and cleanly; the context is cut to its budget and
/// the log says what was cut.
/// </summary>
public sealed class RunFailureTests
{
    /// <summary>The offline agent behind a seam the test controls: fail, hold, or pass through.</summary>
    private sealed class ScriptedAgent(IServiceProvider services) : IStaffAgent
    {
        public Queue<Exception> Failures { get; } = new();
        public TaskCompletionSource? Hold { get; set; }
        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public RunContext? LastContext { get; private set; }
        public bool Cancelled { get; private set; }

        public async Task<AgentResult> ExecuteAsync(RunContext context, IRunProgress progress, CancellationToken cancellationToken)
        {
            LastContext = context;
            await progress.StepAsync("Thinking", 0, 2, cancellationToken);
            Entered.TrySetResult();
            if (Hold is { } hold)
            {
                try
                {
                    await hold.Task.WaitAsync(cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    Cancelled = true;
                    throw;
                }
            }

            if (Failures.TryDequeue(out var failure))
            {
                throw failure;
            }

            return await ActivatorUtilities.CreateInstance<OfflineStaffAgent>(services).ExecuteAsync(context, progress, cancellationToken);
        }
    }

    private static async Task<(MissionsApp App, ScriptedAgent Agent)> StartAsync(Dictionary<string, string?>? settings = null)
    {
        ScriptedAgent? agent = null;
        var app = await MissionsApp.StartOnLoopbackAsync(Provider.Sqlite, settings ?? new Dictionary<string, string?> { ["Missions:Runs:RetryDelay"] = "00:00:00.200" },
            services => services.AddSingleton<IStaffAgent>(sp => agent = new ScriptedAgent(sp)));
        _ = app.Services.GetRequiredService<IStaffAgent>();
        return (app, agent!);
    }

    /// <summary>A request in web chat, approved, then "run M-1".</summary>
    private static async Task<DirectLineClient> ApproveAndRunAsync(HttpClient http)
    {
        var chat = await DirectLineClient.StartAsync(http);
        await chat.SendAsync("can someone pull together a pricing summary for the Q3 deck by Friday?");
        await chat.PollAsync();
        await chat.ClickAsync(chat.LastCard(), "approve");
        await chat.SendAsync("run M-1");
        return chat;
    }

    [Fact]
    public async Task A_failure_that_may_pass_is_retried_and_the_next_attempt_finishes()
    {
        var (app, agent) = await StartAsync();
        await using var _ = app;
        agent.Failures.Enqueue(new TransientRunException("The model endpoint timed out."));
        using var api = new HttpClient { BaseAddress = app.BaseAddress };
        await app.CreateMissionAsync();

        var run = await ArtifactLinkTests.RunToEndAsync(api, "M-1");
        Assert.Equal("Succeeded", run["status"]!.GetValue<string>());
        Assert.Equal(2, run["attempt"]!.GetValue<int>());
        var log = await MissionsApp.ReadOkAsync(await api.GetAsync($"/api/runs/{run["id"]}"));
        Assert.Contains(log["log"]!.AsArray(), l => l!["text"]!.GetValue<string>().StartsWith("Attempt 1 failed: The model endpoint timed out.", StringComparison.Ordinal));
        Assert.Equal(1, await app.WithDbAsync(db => db.Runs.CountAsync()));
    }

    [Fact]
    public async Task A_failure_that_will_not_pass_shows_its_reason_and_Retry_on_the_card_and_Retry_runs_again()
    {
        var (app, agent) = await StartAsync();
        await using var _ = app;
        agent.Failures.Enqueue(new InvalidOperationException("The brief template is missing."));
        using var http = new HttpClient { BaseAddress = app.BaseAddress };
        using var chat = await ApproveAndRunAsync(http);

        var failed = await RunLifecycleTests.WaitForCardAsync(chat, app, c => RunLifecycleTests.Says(c, "Failed: The brief template is missing."));
        var card = DirectLineClient.CardOf(failed)!;
        Assert.Equal(["retryRun"], DirectLineClient.ActionIds(card));
        var run = await app.WithDbAsync(db => db.Runs.AsNoTracking().SingleAsync());
        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Equal(1, run.Attempt); // not retried: it would fail the same way
        Assert.Equal("InProgress", (await MissionsApp.ReadOkAsync(await http.GetAsync("/api/missions/M-1")))["status"]!.GetValue<string>());

        // Retry, twice (a double click): one new run, its own progress card, and this time it finishes.
        await chat.ClickAsync(card, "retryRun");
        await chat.ClickAsync(card, "retryRun");
        await RunLifecycleTests.WaitForCardAsync(chat, app, c => RunLifecycleTests.Says(c, "Ready for review · M-1"));
        var runs = await app.WithDbAsync(db => db.Runs.AsNoTracking().OrderBy(r => r.QueuedAt).ToListAsync());
        Assert.Equal(2, runs.Count);
        Assert.Equal((RunStatus.Succeeded, 2, RunTriggers.Retry), (runs[1].Status, runs[1].Attempt, runs[1].Trigger));
    }

    [Fact]
    public async Task Stopping_a_run_cancels_the_agent_at_once_and_nothing_more_is_written()
    {
        var (app, agent) = await StartAsync();
        await using var _ = app;
        agent.Hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var http = new HttpClient { BaseAddress = app.BaseAddress };
        using var chat = await ApproveAndRunAsync(http);
        await agent.Entered.Task.WaitAsync(TimeSpan.FromSeconds(20));

        await chat.SendAsync("stop M-1");
        await RunLifecycleTests.WaitForCardAsync(chat, app, c => RunLifecycleTests.Says(c, "Cancelled by Alice."));
        var run = await app.WaitForAsync(async db => await db.Runs.AsNoTracking().SingleAsync() is { Status: RunStatus.Cancelled } r ? r : null);
        await app.WaitForAsync(_ => Task.FromResult(agent.Cancelled ? (bool?)true : null)); // the agent was told to stop at once (this host was running it)
        Assert.Null(run.LeaseOwner);

        // The stopped run's work has ended on this host (nothing is executing any more), and it wrote nothing after the cancel.
        var worker = app.Services.GetRequiredService<RunWorker>();
        await app.WaitForAsync(_ => Task.FromResult(worker.Busy == 0 ? (bool?)true : null));
        Assert.Equal(0, await app.WithDbAsync(db => db.Artifacts.CountAsync()));
        Assert.DoesNotContain(chat.Transcript, a => DirectLineClient.CardOf(a) is { } c && RunLifecycleTests.Says(c, "Ready for review"));
        Assert.Equal(RunStatus.Cancelled, (await app.WithDbAsync(db => db.Runs.AsNoTracking().SingleAsync())).Status);
    }

    [Fact]
    public async Task Cancelling_the_mission_through_the_API_stops_its_run()
    {
        var (app, agent) = await StartAsync();
        await using var _ = app;
        agent.Hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var api = new HttpClient { BaseAddress = app.BaseAddress };
        await app.CreateMissionAsync();
        await MissionsApp.ReadOkAsync(await api.PostAsync("/api/missions/M-1/runs", null), HttpStatusCode.Accepted);
        await agent.Entered.Task.WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(HttpStatusCode.OK, (await MissionsApp.TransitionAsync(api, "M-1", "Cancelled")).StatusCode);
        var run = await app.WaitForAsync(async db => await db.Runs.AsNoTracking().SingleAsync() is { Status: RunStatus.Cancelled } r ? r : null);
        Assert.StartsWith("Cancelled by", run.Error, StringComparison.Ordinal);
        await app.WaitForAsync(_ => Task.FromResult(agent.Cancelled ? (bool?)true : null));
        Assert.Equal(0, await app.WithDbAsync(db => db.Artifacts.CountAsync()));
    }

    [Fact]
    public async Task The_context_is_cut_to_its_budget_and_the_log_says_what_was_cut()
    {
        var (app, agent) = await StartAsync(new Dictionary<string, string?> { ["Missions:Runs:ContextBudget"] = "3000" });
        await using var _ = app;
        using var api = new HttpClient { BaseAddress = app.BaseAddress };
        await app.CreateMissionAsync();
        Assert.Equal(HttpStatusCode.Created, (await api.PostAsJsonAsync("/api/missions/M-1/comments", new { text = "Use the public price pages only." })).StatusCode);
        using (var form = new MultipartFormDataContent())
        {
            form.Add(new ByteArrayContent(Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("Competitor A charges 10 per seat. ", 400)))) { Headers = { ContentType = new("text/plain") } }, "file", "prices.txt");
            Assert.Equal(HttpStatusCode.Created, (await api.PostAsync("/api/missions/M-1/attachments", form)).StatusCode);
        }

        using (var form = new MultipartFormDataContent())
        {
            form.Add(new ByteArrayContent(await File.ReadAllBytesAsync(Path.Combine(Repository.Root, "manifests", "teams", "outline.png"))) { Headers = { ContentType = new("image/png") } }, "file", "chart.png");
            Assert.Equal(HttpStatusCode.Created, (await api.PostAsync("/api/missions/M-1/attachments", form)).StatusCode);
        }

        var run = await ArtifactLinkTests.RunToEndAsync(api, "M-1");
        Assert.Equal("Succeeded", run["status"]!.GetValue<string>());
        var context = agent.LastContext!;
        Assert.Equal("Use the public price pages only.", Assert.Single(context.Comments).Text);
        var prices = context.Attachments.Single(a => a.Name == "prices.txt");
        Assert.True(prices.Truncated);
        Assert.InRange(prices.Text!.Length, 1, 3000);
        var chart = context.Attachments.Single(a => a.Name == "chart.png");
        Assert.Null(chart.Text); // not text: its name and size only
        Assert.Equal(new FileInfo(Path.Combine(Repository.Root, "manifests", "teams", "outline.png")).Length, chart.Size);

        var log = (await MissionsApp.ReadOkAsync(await api.GetAsync($"/api/runs/{run["id"]}")))["log"]!.AsArray().Select(l => l!["text"]!.GetValue<string>()).ToList();
        Assert.Contains(log, l => l.StartsWith("Cut to fit the context budget: attachment prices.txt: shortened from 13,600 to", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Attached_PDF_Word_Excel_and_PowerPoint_files_are_read_into_the_context_and_one_that_cannot_be_is_named()
    {
        var (app, agent) = await StartAsync();
        await using var _ = app;
        using var api = new HttpClient { BaseAddress = app.BaseAddress };
        await app.CreateMissionAsync();
        var files = new (string Name, string Type, byte[] Bytes)[]
        {
            ("pricing.pdf", "application/pdf", Documents.Pdf("Acme charges 12 per seat.", "Globex charges 15 per seat.")),
            ("notes.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", Documents.Word("Interview notes", "Customers compare us with Acme.")),
            ("prices.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", Documents.Excel(("Vendor", "Price"), ("Acme", "12"), ("Globex", "15"))),
            ("deck.pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation", Documents.PowerPoint("Q3 pricing", "Seats drive revenue")),
            ("broken.pdf", "application/pdf", "%PDF-1.7\nthis is not the rest of a PDF"u8.ToArray()),
        };
        foreach (var (name, type, bytes) in files)
        {
            using var form = new MultipartFormDataContent { { new ByteArrayContent(bytes) { Headers = { ContentType = new(type) } }, "file", name } };
            Assert.Equal(HttpStatusCode.Created, (await api.PostAsync("/api/missions/M-1/attachments", form)).StatusCode);
        }

        var run = await ArtifactLinkTests.RunToEndAsync(api, "M-1");
        Assert.Equal("Succeeded", run["status"]!.GetValue<string>()); // a file that cannot be read never fails the run
        var text = agent.LastContext!.Attachments.ToDictionary(a => a.Name, a => a.Text);
        Assert.Contains("Acme charges 12 per seat.", text["pricing.pdf"], StringComparison.Ordinal);
        Assert.Contains("Globex charges 15 per seat.", text["pricing.pdf"], StringComparison.Ordinal);
        Assert.Equal("Interview notes\nCustomers compare us with Acme.", text["notes.docx"]);
        Assert.Equal("Sheet: Prices\nVendor\tPrice\nAcme\t12\nGlobex\t15", text["prices.xlsx"]);
        Assert.Equal("Slide 1: Q3 pricing\nSlide 2: Seats drive revenue", text["deck.pptx"]);
        Assert.Null(text["broken.pdf"]);

        var log = (await MissionsApp.ReadOkAsync(await api.GetAsync($"/api/runs/{run["id"]}")))["log"]!.AsArray().Select(l => l!["text"]!.GetValue<string>()).ToList();
        Assert.Contains(log, l => l.StartsWith("Read attachment pricing.pdf: a PDF of 1 page(s), ", StringComparison.Ordinal));
        Assert.Contains($"Read attachment prices.xlsx: an Excel workbook of 1 sheet(s), {text["prices.xlsx"]!.Length} characters of text", log);
        Assert.Contains($"Read attachment deck.pptx: a PowerPoint deck of 2 slide(s), {text["deck.pptx"]!.Length} characters of text", log);
        Assert.Contains(log, l => l.StartsWith("Not read: attachment broken.pdf: it could not be read as a PDF (", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Attached_images_are_given_to_the_agent_as_images_within_limits_and_the_offline_agent_names_them()
    {
        var (app, agent) = await StartAsync();
        await using var _ = app;
        using var api = new HttpClient { BaseAddress = app.BaseAddress };
        await app.CreateMissionAsync();
        var photo = Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==");
        var large = new byte[ContextAssembler.MaxImageBytes + 1];
        (large[0], large[1], large[2]) = ((byte)0xFF, (byte)0xD8, (byte)0xFF); // a JPEG's signature, as uploads are checked for
        foreach (var (name, type, bytes) in new[] { ("whiteboard.png", "image/png", photo), ("scan.jpg", "image/jpeg", large) })
        {
            using var form = new MultipartFormDataContent { { new ByteArrayContent(bytes) { Headers = { ContentType = new(type) } }, "file", name } };
            Assert.Equal(HttpStatusCode.Created, (await api.PostAsync("/api/missions/M-1/attachments", form)).StatusCode);
        }

        var run = await ArtifactLinkTests.RunToEndAsync(api, "M-1");
        Assert.Equal("Succeeded", run["status"]!.GetValue<string>());
        var images = agent.LastContext!.Attachments.ToDictionary(a => a.Name, a => a.Image);
        Assert.Equal(photo, images["whiteboard.png"]);
        Assert.Null(images["scan.jpg"]);

        var log = (await MissionsApp.ReadOkAsync(await api.GetAsync($"/api/runs/{run["id"]}")))["log"]!.AsArray().Select(l => l!["text"]!.GetValue<string>()).ToList();
        Assert.Contains($"Read attachment whiteboard.png: an image (image/png, {photo.Length} bytes), shown as an image to an agent with a model", log);
        Assert.Contains("Not read: attachment scan.jpg: an image larger than 4 MB is named, not shown", log);

        // The offline agent cannot look at images: its brief names them, and says so.
        var brief = new Uri(run["artifacts"]!.AsArray().Single(a => a!["name"]!.GetValue<string>().EndsWith(".md", StringComparison.Ordinal))!["url"]!.GetValue<string>());
        var text = await api.GetStringAsync(brief.PathAndQuery);
        Assert.Contains("Image whiteboard.png", text, StringComparison.Ordinal);
        Assert.Contains("the offline agent names it but does not look at it", text, StringComparison.Ordinal);
    }
}
