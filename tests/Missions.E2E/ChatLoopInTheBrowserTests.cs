using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Missions.Host.Tests.Infrastructure;

namespace Missions.E2E;

/// <summary>
/// What a new user does first, in real Chromium against the real host on loopback: open the page, type a request,
/// edit the proposal card, approve, see the card turn into the decision, find the mission through the API.
/// </summary>
public sealed class ChatLoopInTheBrowserTests : IAsyncLifetime
{
    private MissionsApp app = null!;
    private IPlaywright playwright = null!;
    private IBrowser browser = null!;
    private IPage page = null!;
    private readonly List<string> consoleProblems = [];
    private readonly List<string> sockets = [];
    private int polls;

    public async Task InitializeAsync()
    {
        app = await MissionsApp.StartOnLoopbackAsync(Provider.Sqlite);
        (playwright, browser) = await Browser.LaunchAsync();
        page = await Browser.NewPageAsync(browser, new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1100, Height = 1400 } }, consoleProblems, m => m.Type is "error" or "warning");
        page.WebSocket += (_, socket) => sockets.Add(socket.Url);
        page.Request += (_, request) =>
        {
            if (request.Method == "GET" && request.Url.Contains("/activities", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref polls);
            }
        };
    }

    public async Task DisposeAsync()
    {
        await browser.DisposeAsync();
        playwright.Dispose();
        await app.DisposeAsync();
    }

    [BrowserFact]
    public async Task Request_edit_approve_and_the_mission_exists_once()
    {
        await page.GotoAsync(app.BaseAddress.ToString());
        await Expect(Bubbles().Filter(new() { HasText = "Tell me what you need" })).ToBeVisibleAsync();

        await SayAsync("can someone pull together a competitor pricing summary for the Q3 deck by Friday?");
        var proposal = page.Locator(".ac-adaptiveCard").Filter(new() { HasText = "Mission proposal" }).Last;
        await Expect(proposal).ToBeVisibleAsync();
        await Expect(proposal.GetByText("Pull together a competitor pricing summary for the Q3 deck").First).ToBeVisibleAsync();

        // The drafted assignee shows as selected, as a person would see it.
        await Expect(proposal.GetByLabel("Assignee")).Not.ToHaveValueAsync("");

        var title = proposal.GetByLabel("Title");
        await title.FillAsync("Competitor pricing one-pager for the Q3 deck");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Artifact("proposal.png"), FullPage = true });

        // A double click: the second press must not make a second mission.
        await proposal.GetByRole(AriaRole.Button, new() { Name = "Approve" }).ClickAsync(new LocatorClickOptions { ClickCount = 2 });

        var decided = page.Locator(".ac-adaptiveCard").Filter(new() { HasText = "Approved as M-1" });
        await Expect(decided).ToBeVisibleAsync();
        // No decision buttons any more; the next step instead: run it now, or open the mission's page.
        await Expect(decided.GetByRole(AriaRole.Button)).ToHaveCountAsync(2);
        await Expect(decided.GetByRole(AriaRole.Button, new() { Name = "Run M-1 now" })).ToBeVisibleAsync();
        await Expect(decided.GetByRole(AriaRole.Button, new() { Name = "Open M-1" })).ToBeVisibleAsync();
        await Expect(page.Locator(".ac-adaptiveCard").Filter(new() { HasText = "Mission proposal" })).ToHaveCountAsync(0);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Artifact("approved.png"), FullPage = true });

        using var api = new HttpClient { BaseAddress = app.BaseAddress };
        var mission = (await api.GetFromJsonAsync<JsonObject>("/api/missions/M-1"))!;
        Assert.Equal("Competitor pricing one-pager for the Q3 deck", mission["title"]!.GetValue<string>());
        Assert.Equal("Backlog", mission["status"]!.GetValue<string>());
        Assert.Equal(1, await app.WithDbAsync(db => db.Missions.CountAsync()));

        // Reload: the conversation and its decided card come back from the server.
        await page.ReloadAsync();
        await Expect(page.Locator(".ac-adaptiveCard").Filter(new() { HasText = "Approved as M-1" })).ToBeVisibleAsync();
        Assert.Equal(1, await app.WithDbAsync(db => db.Missions.CountAsync()));

        await AssertCardsRenderCleanlyAsync();

        // Everything arrived over Direct Line's stream (a WebSocket), not by polling.
        Assert.Contains(sockets, url => url.Contains("/v3/directline/conversations/", StringComparison.Ordinal) && url.Contains("/stream?", StringComparison.Ordinal));
        Assert.Equal(0, polls);
    }

    [BrowserFact]
    public async Task Reject_with_a_reason_and_ask_for_the_board()
    {
        await app.CreateMissionAsync("Fix the login bug");
        await page.GotoAsync(app.BaseAddress.ToString());
        await Expect(Bubbles().Filter(new() { HasText = "Tell me what you need" })).ToBeVisibleAsync();

        await SayAsync("draft the holiday schedule announcement for Support");
        var proposal = page.Locator(".ac-adaptiveCard").Filter(new() { HasText = "Mission proposal" }).Last;
        await Expect(proposal).ToBeVisibleAsync();
        await proposal.GetByRole(AriaRole.Button, new() { Name = "Reject", Exact = true }).ClickAsync();
        await proposal.GetByLabel("Why? (optional)").FillAsync("HR already sent it");
        await proposal.GetByRole(AriaRole.Button, new() { Name = "Reject proposal" }).ClickAsync();

        var rejected = page.Locator(".ac-adaptiveCard").Filter(new() { HasText = "HR already sent it" });
        await Expect(rejected).ToBeVisibleAsync();
        await Expect(rejected.GetByText("Rejected", new() { Exact = true })).ToBeVisibleAsync();
        Assert.Equal(1, await app.WithDbAsync(db => db.Missions.CountAsync()));

        await SayAsync("board");
        var board = page.Locator(".ac-adaptiveCard").Filter(new() { HasText = "The board" });
        await Expect(board).ToBeVisibleAsync();
        await Expect(board.GetByText("Backlog (1)")).ToBeVisibleAsync();
        await Expect(board.GetByText("Fix the login bug")).ToBeVisibleAsync();
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Artifact("board.png"), FullPage = true });

        // What people wrote shows as they wrote it, angle brackets and all.
        await app.CreateMissionAsync("Fix the <footer> layout");
        await SayAsync("cancel M-2");
        await Expect(Bubbles().Filter(new() { HasText = "Cancelled M-2 “Fix the <footer> layout”." })).ToBeVisibleAsync();

        // The help is a list of every command, each with what it does.
        await SayAsync("help");
        var help = Bubbles().Filter(new() { HasText = "Here is what I can do" });
        await Expect(help.Locator("li")).ToHaveCountAsync(Host.Conversations.ChatCommands.Help.Count);
        await Expect(help.Locator("li").First).ToHaveTextAsync("a request, in plain words: I draft a mission proposal for you to approve");
        await Expect(help.Locator("li").Filter(new() { HasText = "comment M-12 your words: add a comment to a mission" })).ToHaveCountAsync(1);
        await Expect(help.Locator("a")).ToHaveCountAsync(0);

        await AssertCardsRenderCleanlyAsync();
    }

    [BrowserFact]
    public async Task Pick_a_blueprint_on_the_card_answer_its_checklist_and_approve()
    {
        await page.GotoAsync(app.BaseAddress.ToString());
        await Expect(Bubbles().Filter(new() { HasText = "Tell me what you need" })).ToBeVisibleAsync();
        await SayAsync("research onboarding tools for the support team");
        var proposal = page.Locator(".ac-adaptiveCard").Filter(new() { HasText = "Mission proposal" }).Last;
        await Expect(proposal).ToBeVisibleAsync();

        // The blueprint choice, then Save changes: the card comes back shaped by it, in place.
        await proposal.GetByLabel("Blueprint").SelectOptionAsync(new SelectOptionValue { Label = "Announcement draft" });
        await proposal.GetByRole(AriaRole.Button, new() { Name = "Save changes" }).ClickAsync();
        var shaped = page.Locator(".ac-adaptiveCard").Filter(new() { HasText = "1. Collect the facts" });
        await Expect(shaped).ToBeVisibleAsync();
        await Expect(shaped.GetByLabel("Objective (the outcome)")).ToHaveValueAsync("A ready-to-review announcement about research onboarding tools for the support team for [audience].");

        // An answer box per question; the audience answered, the rest left.
        await shaped.GetByLabel("Audience?").FillAsync("New hires in their first week");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Artifact("proposal-blueprint.png"), FullPage = true });
        await shaped.GetByRole(AriaRole.Button, new() { Name = "Approve" }).ClickAsync();

        var decided = page.Locator(".ac-adaptiveCard").Filter(new() { HasText = "Approved as M-1" });
        await Expect(decided).ToBeVisibleAsync();
        await Expect(decided.GetByText("Not started by itself", new() { Exact = false })).ToBeVisibleAsync();
        await Expect(decided.GetByRole(AriaRole.Button, new() { Name = "Run anyway" })).ToBeVisibleAsync();
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Artifact("approved-waiting.png"), FullPage = true });

        using var api = new HttpClient { BaseAddress = app.BaseAddress };
        var mission = (await api.GetFromJsonAsync<JsonObject>("/api/missions/M-1"))!;
        Assert.True(mission["autoRun"]!.GetValue<bool>());
        Assert.Equal(["Audience? — New hires in their first week"], await app.WithDbAsync(db => db.Missions.Select(m => m.Context).SingleAsync()));
        Assert.Equal(3, await app.WithDbAsync(db => db.MissionTasks.CountAsync()));
        await AssertCardsRenderCleanlyAsync();
    }

    [BrowserFact]
    public async Task Run_a_mission_open_its_brief_and_approve_the_result()
    {
        await page.GotoAsync(app.BaseAddress.ToString());
        await Expect(Bubbles().Filter(new() { HasText = "Tell me what you need" })).ToBeVisibleAsync();
        await SayAsync("can someone pull together a pricing summary for the Q3 deck by Friday?");
        var proposal = page.Locator(".ac-adaptiveCard").Filter(new() { HasText = "Mission proposal" }).Last;
        await proposal.GetByRole(AriaRole.Button, new() { Name = "Approve" }).ClickAsync();
        await Expect(page.Locator(".ac-adaptiveCard").Filter(new() { HasText = "Approved as M-1" })).ToBeVisibleAsync();

        await SayAsync("run M-1");

        // One progress card, updated in place until the run is finished; then the review prompt.
        var progress = page.Locator(".ac-adaptiveCard").Filter(new() { HasText = "Run · M-1" });
        await Expect(progress.Filter(new() { HasText = "Finished." })).ToBeVisibleAsync(new() { Timeout = 20_000 });
        await Expect(progress).ToHaveCountAsync(1);
        var review = page.Locator(".ac-adaptiveCard").Filter(new() { HasText = "Ready for review · M-1" });
        await Expect(review).ToBeVisibleAsync(new() { Timeout = 20_000 });
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Artifact("review.png"), FullPage = true });

        // The brief opens from its signed link, rendered.
        var brief = await page.Context.RunAndWaitForPageAsync(() =>
            review.GetByRole(AriaRole.Button, new() { Name = "M-1-brief.md", Exact = false }).ClickAsync());
        await brief.WaitForLoadStateAsync();
        await Expect(brief.Locator("h1")).ToContainTextAsync("M-1: Pull together a pricing summary");
        await Expect(brief.GetByText("No AI model was used", new() { Exact = false })).ToBeVisibleAsync();
        await brief.CloseAsync();

        await review.GetByRole(AriaRole.Button, new() { Name = "Approve" }).ClickAsync();
        await Expect(page.Locator(".ac-adaptiveCard").Filter(new() { HasText = "Approved: M-1 is done" })).ToBeVisibleAsync();
        using var api = new HttpClient { BaseAddress = app.BaseAddress };
        var mission = (await api.GetFromJsonAsync<JsonObject>("/api/missions/M-1"))!;
        Assert.Equal("Done", mission["status"]!.GetValue<string>());

        // Replay the result against the objective from the approved prompt: a gap report with a verdict follows.
        var approved = page.Locator(".ac-adaptiveCard").Filter(new() { HasText = "Approved: M-1 is done" });
        await approved.GetByRole(AriaRole.Button, new() { Name = "Replay against the objective" }).ClickAsync();
        var report = page.Locator(".ac-adaptiveCard").Filter(new() { HasText = "Replay against the objective · M-1" });
        await Expect(report.Filter(new() { HasText = "Verdict:" })).ToBeVisibleAsync(new() { Timeout = 20_000 });
        await Expect(report.GetByRole(AriaRole.Button, new() { Name = "M-1-replay.md", Exact = false })).ToBeVisibleAsync();
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Artifact("replay.png"), FullPage = true });
        mission = (await api.GetFromJsonAsync<JsonObject>("/api/missions/M-1"))!;
        Assert.Equal("Done", mission["status"]!.GetValue<string>());

        await AssertCardsRenderCleanlyAsync();
    }

    [BrowserFact]
    public async Task Attach_a_file_to_a_mission_with_the_paperclip()
    {
        using var api = new HttpClient { BaseAddress = app.BaseAddress };
        (await api.PostAsJsonAsync("/api/missions", new { title = "Competitor pricing", objective = "A pricing summary." })).EnsureSuccessStatusCode();
        await page.GotoAsync(app.BaseAddress.ToString());
        await Expect(Bubbles().Filter(new() { HasText = "Tell me what you need" })).ToBeVisibleAsync();

        // The file picked with the paperclip goes with the next message.
        await page.Locator("#webchat input[type=file]").SetInputFilesAsync(new FilePayload { Name = "notes.txt", MimeType = "text/plain", Buffer = "Competitors: A, B, C."u8.ToArray() });
        await SayAsync("attach M-1");
        await Expect(Bubbles().Filter(new() { HasText = "Attached notes.txt (21 bytes) to M-1." })).ToBeVisibleAsync();
        var attached = (await api.GetFromJsonAsync<JsonArray>("/api/missions/M-1/attachments"))!.Single()!;
        Assert.Equal("notes.txt", attached["fileName"]!.GetValue<string>());
        Assert.Equal("Competitors: A, B, C.", await api.GetStringAsync(attached["downloadUrl"]!.GetValue<string>()));
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Artifact("attach.png") });
        Assert.Empty(consoleProblems);
    }

    /// <summary>The visible message bubbles (Web Chat also keeps an off-screen copy of each for screen readers).</summary>
    private ILocator Bubbles() => page.Locator(".webchat__bubble__content");

    private async Task SayAsync(string text)
    {
        var input = page.Locator("[data-id='webchat-sendbox-input']");
        await input.FillAsync(text);
        await input.PressAsync("Enter");
        // The message is echoed by the server (otherwise Web Chat would say "Send failed").
        await Expect(page.Locator(".webchat__bubble--from-user").Filter(new() { HasText = text }).Last).ToBeVisibleAsync();
        await Expect(page.GetByText("Send failed")).ToHaveCountAsync(0);
    }

    /// <summary>
    /// Every card in the conversation parses and validates in the official adaptivecards renderer with no warnings,
    /// and Web Chat logged no parse or render failures.
    /// </summary>
    private async Task AssertCardsRenderCleanlyAsync()
    {
        var conversationId = await page.EvaluateAsync<string>("() => localStorage.getItem('missions.conversationId')");
        using var http = new HttpClient { BaseAddress = app.BaseAddress };
        var token = (await (await http.PostAsync($"/v3/directline/tokens/generate?resume={conversationId}", null)).Content.ReadFromJsonAsync<JsonObject>())!["token"]!.GetValue<string>();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/v3/directline/conversations/{conversationId}/activities");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        var transcript = (await (await http.SendAsync(request)).Content.ReadFromJsonAsync<JsonObject>())!;
        var cards = transcript["activities"]!.AsArray()
            .SelectMany(a => a!["attachments"]?.AsArray() ?? [])
            .Select(a => a!["content"]!.ToJsonString())
            .ToArray();
        Assert.NotEmpty(cards);

        var issues = await page.EvaluateAsync<string[]>("""
            cards => cards.flatMap((json, i) => {
              const card = new AdaptiveCards.AdaptiveCard();
              const context = new AdaptiveCards.SerializationContext();
              card.parse(JSON.parse(json), context);
              const problems = [];
              for (let e = 0; e < context.eventCount; e++) problems.push(`card ${i} parse: ${context.getEventAt(e).message}`);
              for (const issue of card.validateProperties().validationEvents) problems.push(`card ${i} validate: ${issue.message}`);
              return problems;
            })
            """, cards);
        Assert.Empty(issues);
        Assert.DoesNotContain(consoleProblems, p => p.Contains("Adaptive Card", StringComparison.OrdinalIgnoreCase) || p.Contains("unknown action", StringComparison.OrdinalIgnoreCase));
        // The page works within its content security policy: nothing was refused.
        Assert.DoesNotContain(consoleProblems, p => p.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase));
    }

    private static string Artifact(string name)
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "screenshots");
        Directory.CreateDirectory(folder);
        return Path.Combine(folder, name);
    }

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);
}
