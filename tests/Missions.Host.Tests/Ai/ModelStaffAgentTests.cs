using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Missions.Host.Ai;
using Missions.Host.Runs;
using Missions.Host.Tests.Infrastructure;

namespace Missions.Host.Tests.Ai;

/// <summary>The staff agent on the Agent Framework, through the real clients, against a local OpenAI-compatible server.</summary>
public sealed class ModelStaffAgentTests : IAsyncLifetime
{
    private ModelServer server = null!;

    public async Task InitializeAsync() => server = await ModelServer.StartAsync();

    public async Task DisposeAsync() => await server.DisposeAsync();

    private sealed class Recorder : IRunProgress
    {
        public List<string> Steps { get; } = [];
        public List<(RunLogLevel Level, string Step, string Text)> Notes { get; } = [];

        public Task StepAsync(string name, int index, int total, CancellationToken cancellationToken)
        {
            Steps.Add(name);
            return Task.CompletedTask;
        }

        public Task LogAsync(RunLogLevel level, string name, string text, CancellationToken cancellationToken)
        {
            Notes.Add((level, name, text));
            return Task.CompletedTask;
        }
    }

    private ModelStaffAgent Agent(Action<AiOptions>? configure = null)
    {
        var options = new AiOptions { Endpoint = new Uri(server.HttpBase + "/v1/"), ApiKey = "sk-local-test", Model = "gpt-test", MaxRetries = 0 };
        configure?.Invoke(options);
        var runOptions = Options.Create(new RunOptions());
        return new ModelStaffAgent(new AiClients(Options.Create(options)), new PdfBrief(runOptions), NullLogger<ModelStaffAgent>.Instance);
    }

    private static RunContext Context(string? staffModel = null, bool replay = false) => new(
        "M-3", "Compare competitor pricing", "A one-page comparison of competitor pricing per seat, with what it means for our position.",
        "can someone compare competitor pricing?", new DateOnly(2026, 11, 27), "Alice", "Researcher", "Research", "Cite every source.", staffModel,
        "Launch", "The Q3 launch.", null, 0, 0, [new ContextComment("Bob", "Acme and Globex matter most.", new DateTime(2026, 11, 24, 9, 0, 0, DateTimeKind.Utc))],
        [], replay ? [new ContextDocument("M-3-deliverable.md", "text/markdown", 120, "# Pricing\nAcme charges $20 per seat.", false)] : [],
        ["Which competitors matter?"], null, 1, new DateTimeOffset(2026, 11, 25, 9, 0, 0, TimeSpan.Zero), replay);

    [Fact]
    public async Task The_agent_reads_through_its_tools_streams_its_deliverable_and_records_the_tokens()
    {
        const string deliverable = "Summary: Acme is cheapest per seat; Globex bundles support.\n# Competitor pricing\n\n| | per seat |\n|---|---|\n| Acme | $20 |\n| Globex | $25 |\n";
        server.Enqueue(
            ModelServer.Answer.Call("read_mission") with { InputTokens = 300, OutputTokens = 20 },
            ModelServer.Answer.Call("read_comments") with { InputTokens = 400, OutputTokens = 20 },
            ModelServer.Answer.Text(deliverable) with { InputTokens = 500, OutputTokens = 200 });
        var progress = new Recorder();

        var result = await Agent().ExecuteAsync(Context(), progress, CancellationToken.None);

        Assert.Equal("Acme is cheapest per seat; Globex bundles support.", result.Summary);
        Assert.Equal(["M-3-deliverable.md", "M-3-deliverable.pdf"], result.Artifacts.Select(a => a.Name));
        Assert.StartsWith("# Competitor pricing", Encoding.UTF8.GetString(result.Artifacts[0].Content), StringComparison.Ordinal);
        Assert.StartsWith("%PDF", Encoding.ASCII.GetString(result.Artifacts[1].Content, 0, 4), StringComparison.Ordinal);
        Assert.Equal((1200, 240), (result.InputTokens, result.OutputTokens));
        Assert.Contains(progress.Notes, n => n.Step == "Usage" && n.Text == "Tokens: 1200 input, 240 output, 1440 total.");
        Assert.Contains(progress.Notes, n => n.Text == "Tool: read_mission()");
        Assert.Equal(ModelStaffAgent.Steps, progress.Steps);

        var requests = server.Requests;
        Assert.Equal(3, requests.Count);
        // Streamed, with the usage asked for, bounded, and with the staff member's instructions and tools.
        Assert.All(requests, r => Assert.True(r.Body["stream"]!.GetValue<bool>()));
        Assert.True(requests[0].Body["stream_options"]!["include_usage"]!.GetValue<bool>());
        Assert.Equal(4000, requests[0].Body["max_completion_tokens"]?.GetValue<int>() ?? requests[0].Body["max_tokens"]!.GetValue<int>());
        Assert.Contains("You are Researcher", requests[0].Text, StringComparison.Ordinal);
        Assert.Contains("Cite every source.", requests[0].Text, StringComparison.Ordinal);
        var tools = requests[0].Body["tools"]!.AsArray().Select(t => t!["function"]!["name"]!.GetValue<string>());
        Assert.Equal(["read_mission", "read_comments", "read_attachments", "read_artifacts", "save_document"], tools);
        // The tool results went back to the model: the mission's objective, then the comment.
        var toolResults = requests[2].Messages.Where(m => m["role"]!.GetValue<string>() == "tool").Select(m => m["content"]!.ToString()).ToList();
        Assert.Contains("what it means for our position", toolResults[0], StringComparison.Ordinal);
        Assert.Contains("Acme and Globex matter most.", toolResults[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Attached_images_go_to_the_model_as_images_with_the_task()
    {
        var png = Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==");
        server.Enqueue(ModelServer.Answer.Text("Summary: The whiteboard lists three competitors.\n# Notes"));
        var context = Context() with
        {
            Attachments = [new ContextDocument("whiteboard.png", "image/png", png.Length, null, false, png), new ContextDocument("scan.jpg", "image/jpeg", 5_000_000, null, false)],
        };

        await Agent().ExecuteAsync(context, new Recorder(), CancellationToken.None);

        var task = server.Requests.Single().Messages.Last(m => m["role"]!.GetValue<string>() == "user")["content"]!.AsArray().Select(p => p!.AsObject()).ToList();
        Assert.Contains(task, p => p["type"]!.GetValue<string>() == "text" && p["text"]!.GetValue<string>() == "Attached image whiteboard.png:");
        var image = Assert.Single(task, p => p["type"]!.GetValue<string>() == "image_url");
        Assert.Equal("data:image/png;base64," + Convert.ToBase64String(png), image["image_url"]!["url"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_saved_document_is_the_deliverable_and_the_staff_members_own_model_is_used()
    {
        server.Enqueue(
            ModelServer.Answer.Call("save_document", new JsonObject { ["markdown"] = "# Saved brief\n\nAcme: $20 per seat." }.ToJsonString()),
            ModelServer.Answer.Text("Summary: Saved the brief.\nDone."));

        var result = await Agent().ExecuteAsync(Context(staffModel: "llama3.1:8b"), new Recorder(), CancellationToken.None);

        Assert.Equal("# Saved brief\n\nAcme: $20 per seat.", Encoding.UTF8.GetString(result.Artifacts[0].Content));
        Assert.Equal("Saved the brief.", result.Summary);
        Assert.All(server.Requests, r => Assert.Equal("llama3.1:8b", r.Body["model"]!.GetValue<string>()));
    }

    [Fact]
    public async Task A_replay_asks_for_a_gap_report_with_a_verdict_against_the_latest_result()
    {
        server.Enqueue(
            ModelServer.Answer.Call("read_artifacts"),
            ModelServer.Answer.Text("Summary: Verdict: partly meets the objective; what it means for our position is missing.\n# Gap report\n\n- No recommendation."));

        var result = await Agent().ExecuteAsync(Context(replay: true), new Recorder(), CancellationToken.None);

        Assert.StartsWith("Verdict: partly meets the objective", result.Summary, StringComparison.Ordinal);
        Assert.Equal("M-3-replay.md", result.Artifacts[0].Name);
        var first = server.Requests[0].Text;
        Assert.Contains("Replay mission M-3 against its objective", first, StringComparison.Ordinal);
        Assert.Contains("Verdict: meets the objective", first, StringComparison.Ordinal);
        Assert.Contains("Acme charges $20 per seat.", server.Requests[1].Messages.Last()["content"]!.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_rate_limited_or_failing_model_is_a_failure_that_may_pass()
    {
        server.Enqueue(ModelServer.Answer.Fail(429, retryAfter: "30"));
        var limited = await Assert.ThrowsAsync<TransientRunException>(() => Agent().ExecuteAsync(Context(), new Recorder(), CancellationToken.None));
        Assert.Contains("429", limited.Message, StringComparison.Ordinal);

        server.Enqueue(ModelServer.Answer.Fail(503));
        await Assert.ThrowsAsync<TransientRunException>(() => Agent().ExecuteAsync(Context(), new Recorder(), CancellationToken.None));

        server.Enqueue(ModelServer.Answer.Text("x") with { Delay = TimeSpan.FromSeconds(20) });
        var slow = await Assert.ThrowsAsync<TransientRunException>(() => Agent(o => o.RunTimeout = TimeSpan.FromMilliseconds(500)).ExecuteAsync(Context(), new Recorder(), CancellationToken.None));
        Assert.Contains("did not finish within", slow.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cancelling_the_run_stops_the_model_call()
    {
        server.Enqueue(ModelServer.Answer.Text("x") with { Delay = TimeSpan.FromSeconds(20) });
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var clock = System.Diagnostics.Stopwatch.StartNew();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Agent().ExecuteAsync(Context(), new Recorder(), cancel.Token));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10));
    }
}
