using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using Missions.Host.Tests.Infrastructure;

namespace Missions.E2E;

/// <summary>
/// The review gate on the board, in real Chromium: someone who may not review drags a mission waiting for review to
/// Done (or picks "to Done" in its move menu); they are told why, the card goes back to Review, and nothing changed.
/// </summary>
public sealed class ReviewGateInTheBrowserTests : IAsyncLifetime
{
    private MissionsApp app = null!;
    private IPlaywright playwright = null!;
    private IBrowser browser = null!;
    private IPage page = null!;
    private HttpClient api = null!;
    private readonly List<string> consoleProblems = [];

    public async Task InitializeAsync()
    {
        // The person at this machine ("local") is not among the reviewers.
        app = await MissionsApp.StartOnLoopbackAsync(Provider.Sqlite, new Dictionary<string, string?> { ["Missions:Approvers:Allowed:0"] = "29:the-lead" });
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

    private ILocator Lane(string title) => page.Locator("section.lane").Filter(new() { Has = page.GetByRole(AriaRole.Heading, new() { Name = title }) });

    private ILocator Card(string number) => page.Locator($"article.card[data-mission='{number}']");

    [BrowserFact]
    public async Task A_drag_to_Done_by_someone_who_may_not_review_is_refused_and_the_card_goes_back()
    {
        var (number, run) = await app.SeedMissionAsync("Summarise the customer interviews", "local");
        var label = $"M-{number}";
        await page.GotoAsync(new Uri(app.BaseAddress, "/board").ToString());
        await Expect(Lane("Review").Locator($"article.card[data-mission='{label}']")).ToBeVisibleAsync();
        await Expect(page.Locator("[data-interactive='true']")).ToBeVisibleAsync();

        await Card(label).DragToAsync(Lane("Done"));
        await Expect(page.Locator("fluent-message-bar")).ToContainTextAsync("Local user may not review results or mark missions done here; ask a reviewer.");
        await Expect(Lane("Review").Locator($"article.card[data-mission='{label}']")).ToBeVisibleAsync();
        await Expect(Lane("Done").Locator("article.card")).ToHaveCountAsync(0);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Browser.Artifact("review-gate-refused.png") });

        // The move menu's "to Done" is refused the same way.
        await Card(label).GetByLabel($"Move {label}").SelectOptionAsync(new SelectOptionValue { Label = "to Done" });
        await Expect(page.Locator("fluent-message-bar")).ToContainTextAsync("may not review results");
        await Expect(Lane("Review").Locator($"article.card[data-mission='{label}']")).ToBeVisibleAsync();

        var mission = (await api.GetFromJsonAsync<JsonObject>($"/api/missions/{label}"))!;
        Assert.Equal(("Review", 1L), (mission["status"]!.GetValue<string>(), mission["version"]!.GetValue<long>()));
        Assert.Null((await api.GetFromJsonAsync<JsonObject>($"/api/runs/{run}"))!["review"]);
        Assert.Empty(consoleProblems);
    }

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);
}
