using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using Missions.Host.Tests.Infrastructure;

namespace Missions.E2E;

/// <summary>
/// The board and a mission's page in real Chromium against the real host: drag a card to another column, move one
/// with the keyboard's menu, filter (text, project, assignee, mine), watch changes made in chat arrive without a
/// reload; on the mission's page edit the objective, comment, attach a file and run it.
/// </summary>
public sealed class BoardInTheBrowserTests : IAsyncLifetime
{
    private MissionsApp app = null!;
    private IPlaywright playwright = null!;
    private IBrowser browser = null!;
    private IPage page = null!;
    private HttpClient api = null!;
    private readonly List<string> consoleProblems = [];

    public async Task InitializeAsync()
    {
        app = await MissionsApp.StartOnLoopbackAsync(Provider.Sqlite, new Dictionary<string, string?>
        {
            ["Missions:Runs:OfflineStepDelay"] = "00:00:00.020",
            ["Missions:Runs:PollInterval"] = "00:00:00.200",
        });
        api = new HttpClient { BaseAddress = app.BaseAddress };
        (playwright, browser) = await Browser.LaunchAsync();
        page = await Browser.NewPageAsync(browser, new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 900 } }, consoleProblems, m => m.Type is "error");
    }

    public async Task DisposeAsync()
    {
        api.Dispose();
        await browser.DisposeAsync();
        playwright.Dispose();
        await app.DisposeAsync();
    }

    private async Task CreateAsync(string title, string? due = null, string? assigneeId = null, string? projectId = null) =>
        (await api.PostAsJsonAsync("/api/missions", new { title, objective = "An outcome for: " + title, dueDate = due, assigneeId, projectId })).EnsureSuccessStatusCode();

    private async Task<string> IdOfAsync(string list, string name) =>
        (await api.GetFromJsonAsync<JsonArray>(list))!.First(s => (string?)s!["name"] == name)!["id"]!.GetValue<string>();

    /// <summary>Picks an option of one of the board's filters as a person does: open the list, click the option.</summary>
    private async Task ChooseAsync(string filter, string option)
    {
        await page.Locator($"fluent-dropdown[aria-label='{filter}']").ClickAsync();
        await page.Locator($"fluent-dropdown[aria-label='{filter}'] fluent-option").Filter(new() { HasText = option }).ClickAsync();
    }

    private ILocator Lane(string title) => page.Locator("section.lane").Filter(new() { Has = page.GetByRole(AriaRole.Heading, new() { Name = title }) });

    private ILocator Mine => page.Locator("fluent-field", new() { HasText = "Mine" }).Locator("fluent-checkbox");

    private ILocator Card(string number) => page.Locator($"article.card[data-mission='{number}']");

    private async Task<string> StatusAsync(string number) => (await api.GetFromJsonAsync<JsonObject>($"/api/missions/{number}"))!["status"]!.GetValue<string>();

    [BrowserFact]
    public async Task Drag_a_card_move_one_by_the_menu_filter_and_see_changes_made_elsewhere_without_a_reload()
    {
        await CreateAsync("Draft the launch plan", due: "2026-01-05", projectId: await IdOfAsync("/api/projects", "Launch"));
        await CreateAsync("Fix the FAQ page links", assigneeId: await IdOfAsync("/api/staff", "Engineer"));
        await CreateAsync("Summarise customer interviews");

        await page.GotoAsync(new Uri(app.BaseAddress, "/board").ToString());
        await Expect(Lane("Backlog").Locator("article.card")).ToHaveCountAsync(3);
        await Expect(Card("M-1")).ToContainTextAsync("(overdue)");
        await Expect(page.Locator("header nav a", new() { HasText = "Chat" })).ToHaveAttributeAsync("href", "/");
        // Interactive: the page is connected to the server before anything is dragged.
        await WhenInteractiveAsync();

        // Drag M-3 onto In progress.
        await Card("M-3").DragToAsync(Lane("In progress"));
        await Expect(Lane("In progress").Locator("article.card[data-mission='M-3']")).ToBeVisibleAsync();
        Assert.Equal("InProgress", await StatusAsync("M-3"));

        // Within a column: M-2 dropped on M-1 goes before it, and stays there after a reload.
        await Card("M-2").DragToAsync(Card("M-1"));
        await Expect(Lane("Backlog").Locator("article.card").First).ToHaveAttributeAsync("data-mission", "M-2");
        await page.ReloadAsync();
        await WhenInteractiveAsync();
        await Expect(Lane("Backlog").Locator("article.card").First).ToHaveAttributeAsync("data-mission", "M-2");

        // The keyboard's way: the move menu.
        await Card("M-3").GetByLabel("Move M-3").SelectOptionAsync(new SelectOptionValue { Label = "to Review" });
        await Expect(Lane("Review").Locator("article.card[data-mission='M-3']")).ToBeVisibleAsync();
        Assert.Equal("Review", await StatusAsync("M-3"));

        // A change made in chat shows up on the open board without a reload.
        var chat = await DirectLineClient.StartAsync(api);
        await chat.WaitForReplyAsync(await chat.SendAsync("move M-1 to in progress"));
        await Expect(Lane("In progress").Locator("article.card[data-mission='M-1']")).ToBeVisibleAsync();

        // Filter by text.
        var search = page.Locator("fluent-text-input[aria-label='Search'] input");
        await search.FillAsync("FAQ");
        await Expect(page.Locator("article.card")).ToHaveCountAsync(1);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Artifact("board-filtered.png"), FullPage = true });
        await search.FillAsync("");
        await Expect(page.Locator("article.card")).ToHaveCountAsync(3);

        // A mission asked for and approved in chat by someone else arrives on the open board too.
        var proposed = await chat.SendAsync("draft the holiday schedule announcement");
        var card = DirectLineClient.CardOf((await chat.PollAsync()).Last(a => a["replyToId"]?.GetValue<string>() == proposed))!;
        await chat.ClickAsync(card, "approve", new Dictionary<string, string?> { ["projectId"] = "" }); // approved with no project
        await Expect(Card("M-4")).ToBeVisibleAsync();

        // Filter by project, by assignee, and to the missions this person asked for or approved.
        await ChooseAsync("Project", "Launch");
        await Expect(page.Locator("article.card")).ToHaveCountAsync(1);
        await Expect(Card("M-1")).ToBeVisibleAsync();
        await ChooseAsync("Project", "All projects");
        await ChooseAsync("Assignee", "Engineer");
        await Expect(page.Locator("article.card")).ToHaveCountAsync(1);
        await Expect(Card("M-2")).ToBeVisibleAsync();
        await ChooseAsync("Assignee", "Anyone");
        await Expect(page.Locator("article.card")).ToHaveCountAsync(4);
        await Mine.ClickAsync();
        await Expect(page.Locator("article.card")).ToHaveCountAsync(3);
        await Expect(Card("M-4")).ToHaveCountAsync(0);
        await Mine.ClickAsync();
        await Expect(page.Locator("article.card")).ToHaveCountAsync(4);

        // A move the lifecycle does not allow says why and changes nothing.
        await Card("M-2").GetByLabel("Move M-2").SelectOptionAsync(new SelectOptionValue { Label = "to Done" });
        await Expect(page.GetByText("cannot", new() { Exact = false }).First).ToBeVisibleAsync();
        Assert.Equal("Backlog", await StatusAsync("M-2"));
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Artifact("board.png"), FullPage = true });
        Assert.Empty(consoleProblems);
    }

    [BrowserFact]
    public async Task On_a_missions_page_edit_it_comment_attach_a_file_and_run_it()
    {
        await CreateAsync("Competitor pricing summary for the Q3 deck", assigneeId: await IdOfAsync("/api/staff", "Analyst"));
        await page.GotoAsync(new Uri(app.BaseAddress, "/board").ToString());
        await Card("M-1").GetByRole(AriaRole.Link, new() { Name = "M-1" }).ClickAsync();
        await Expect(page.Locator("h1")).ToHaveTextAsync("M-1 Competitor pricing summary for the Q3 deck");
        await WhenInteractiveAsync();

        // Edit after approval: the objective, the assignee, the due date and auto-run, saved as one edit.
        await page.Locator("fluent-button").GetByText("Edit", new() { Exact = true }).ClickAsync();
        var form = page.Locator("section.edit");
        await Expect(form).ToBeVisibleAsync();
        await TypeAsync(form.Locator("fluent-textarea").First, "A one-page pricing comparison the team can use in the Q3 deck.");
        await form.Locator("select[name=assignee]").SelectOptionAsync(new SelectOptionValue { Label = "Writer (Writing)" });
        await form.Locator("input[name=due]").FillAsync("2031-03-07");
        await form.Locator("input[name=autorun]").CheckAsync();
        await form.Locator("input[name=autorun]").UncheckAsync();
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Artifact("mission-edit.png"), FullPage = true });
        await Button("Save").ClickAsync();
        await Expect(page.GetByText("Saved: objective, assignee, due date.")).ToBeVisibleAsync();
        var mission = (await api.GetFromJsonAsync<JsonObject>("/api/missions/M-1"))!;
        Assert.Equal("A one-page pricing comparison the team can use in the Q3 deck.", mission["objective"]!.GetValue<string>());
        Assert.Equal(("2031-03-07", false), (mission["dueDate"]!.GetValue<string>(), mission["autoRun"]!.GetValue<bool>()));
        await Expect(page.Locator(".facts")).ToContainTextAsync("Writer");
        await Expect(page.Locator(".facts")).ToContainTextAsync("due Fri 7 Mar 2031");
        await Expect(page.Locator("ul.activity")).ToContainTextAsync("edited it");

        // Tasks: added on the page, listed with their state, removed again while not started.
        var newTask = page.Locator("fluent-text-input[aria-label='New task'] input");
        await newTask.ClickAsync();
        await newTask.PressSequentiallyAsync("Check the competitors' pricing pages");
        await newTask.PressAsync("Tab");
        await Button("Add task").ClickAsync();
        await Expect(page.Locator("ol.tasks li")).ToHaveCountAsync(1);
        await Expect(page.Locator("ol.tasks li").First).ToContainTextAsync("Check the competitors' pricing pages pending");
        Assert.Single((await api.GetFromJsonAsync<JsonArray>("/api/missions/M-1/tasks"))!);
        await Browser.Button(page.Locator("ol.tasks li").First.Locator("fluent-button"), "Remove").ClickAsync();
        await Expect(page.Locator("ol.tasks li")).ToHaveCountAsync(0);
        await Expect(page.Locator("ul.activity")).ToContainTextAsync("removed a task");

        // An empty comment is not sent; the page says what to do.
        await Button("Comment").ClickAsync();
        await Expect(page.GetByText("Write the comment first, then press Comment.")).ToBeVisibleAsync();
        await TypeAsync(page.Locator("fluent-textarea").Last, "Use the finance team's Q3 list.");
        await Button("Comment").ClickAsync();
        await Expect(page.Locator("article.comment").Filter(new() { HasText = "Use the finance team's Q3 list." })).ToBeVisibleAsync();

        await page.Locator("input[type=file]").SetInputFilesAsync(new FilePayload { Name = "notes.txt", MimeType = "text/plain", Buffer = "Competitors: A, B, C."u8.ToArray() });
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "notes.txt" })).ToBeVisibleAsync();

        await Button("Run").ClickAsync();
        await Expect(page.GetByText("Queued a run of M-1.")).ToBeVisibleAsync();
        // The run finishes on its own; the page follows it there, with the brief to open.
        await Expect(page.Locator("article.run").GetByText("Succeeded")).ToBeVisibleAsync(new() { Timeout = 30_000 });
        var brief = page.Locator("fluent-anchor-button").Filter(new() { HasText = "Open M-1-brief.md" });
        await Expect(brief).ToBeVisibleAsync();
        // A signed link to the artifact, never its storage path; it opens the brief.
        var link = await brief.GetAttributeAsync("href");
        Assert.Matches("/artifacts/[0-9a-f-]+\\?exp=\\d+&sig=", link);
        var opened = await api.GetAsync(new Uri(link!).PathAndQuery);
        Assert.Equal(System.Net.HttpStatusCode.OK, opened.StatusCode);
        Assert.Contains("M-1", await opened.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // The run's log opens in place.
        await page.Locator("article.run summary").First.ClickAsync();
        await Expect(page.Locator("article.run ul.log li").First).ToBeVisibleAsync();
        await Expect(page.Locator("ul.activity")).ToContainTextAsync("Writer (staff agent) finished a run");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Artifact("mission.png"), FullPage = true });
        Assert.Empty(consoleProblems);
    }

    /// <summary>The page says when its connection to the server is up (until then it is the server's first rendering).</summary>
    private Task WhenInteractiveAsync() => Expect(page.Locator("[data-interactive='true']")).ToBeVisibleAsync();

    private ILocator Button(string name) => Browser.Button(page, name);

    private static Task TypeAsync(ILocator textArea, string text) => Browser.TypeAsync(textArea, text);

    private static string Artifact(string name) => Browser.Artifact(name);

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);
}
