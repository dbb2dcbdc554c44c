using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using Missions.Host.Tests.Infrastructure;

namespace Missions.E2E;

/// <summary>
/// Sign-in as people meet it, in real Chromium, with sign-in configured (Entra ID on loopback): on the web a page
/// sends them through Entra ID and back, and what they do there is theirs; in Teams the tab signs in with the token
/// Teams gives it (teams-js, from this host), inside a Teams page that frames the board as Teams does.
/// </summary>
public sealed class SignInInTheBrowserTests : IAsyncLifetime
{
    private const string ApiKey = "e2e-sign-in-tests-key";
    private EntraCloud entra = null!;
    private MissionsApp app = null!;
    private IPlaywright playwright = null!;
    private IBrowser browser = null!;
    private IPage page = null!;
    private HttpClient api = null!;
    private readonly List<string> consoleProblems = [];

    public async Task InitializeAsync()
    {
        entra = await EntraCloud.StartAsync();
        var settings = entra.HostSettings();
        settings["Missions:Api:Keys:0:Name"] = "e2e";
        settings["Missions:Api:Keys:0:Key"] = ApiKey;
        app = await MissionsApp.StartOnLoopbackAsync(Provider.Sqlite, settings);
        api = new HttpClient { BaseAddress = app.BaseAddress };
        api.DefaultRequestHeaders.Add("X-Api-Key", ApiKey);
        // A mission of the signed-in people's Teams tenant (their workspace: they see its missions, and only those).
        (await api.PostAsJsonAsync("/api/missions", new { title = "Draft the launch plan", objective = "A launch plan the team agrees on.", workspace = "msteams:" + EntraCloud.TenantId })).EnsureSuccessStatusCode();
        // And one of the local workspace (the web chat's), which nobody signed in sees.
        (await api.PostAsJsonAsync("/api/missions", new { title = "Reconcile the October payouts", objective = "Every payout matched." })).EnsureSuccessStatusCode();
        (playwright, browser) = await Browser.LaunchAsync();
        // Teams (a public site) framing this host on loopback is what Chromium's local network access checks stop
        // unless the person allows it; a real deployment's host is public, so allow it as that person would.
        // teams-js asks Microsoft's CDN for its list of Teams origins; there is no network here (it falls back to its own list).
        page = await Browser.NewPageAsync(
            browser,
            new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 900 }, Permissions = ["local-network-access"] },
            consoleProblems,
            m => m.Type is "error" && !m.Text.Contains("res.cdn.office.net", StringComparison.Ordinal) && !m.Text.Contains("Failed to load resource", StringComparison.Ordinal));
    }

    public async Task DisposeAsync()
    {
        api.Dispose();
        await browser.DisposeAsync();
        playwright.Dispose();
        await app.DisposeAsync();
        await entra.DisposeAsync();
    }

    [BrowserFact]
    public async Task On_the_web_a_page_sends_the_person_through_Entra_ID_and_what_they_do_is_theirs()
    {
        await page.GotoAsync(new Uri(app.BaseAddress, "/missions/M-1").ToString());

        // Through the sign-in page and Entra ID (which posts the id token back), to the page asked for.
        await Expect(page.Locator("h1")).ToHaveTextAsync("M-1 Draft the launch plan");
        Assert.Equal("/missions/M-1", new Uri(page.Url).AbsolutePath);
        Assert.Single(entra.AuthorizeRequests);
        await Expect(page.Locator("header .person")).ToHaveTextAsync("Ada Lovelace");
        // The local chat page answers this machine only: no link to it for someone signed in from elsewhere.
        await Expect(page.Locator("header nav a", new() { HasText = "Chat" })).ToHaveCountAsync(0);
        await Expect(page.Locator("[data-interactive='true']")).ToBeVisibleAsync();

        await Browser.TypeAsync(page.Locator("fluent-textarea").Last, "Start with the FAQ.");
        await Browser.Button(page, "Comment").ClickAsync();
        await Expect(page.Locator("article.comment").Filter(new() { HasText = "Start with the FAQ." })).ToContainTextAsync("Ada Lovelace");
        var comment = (await api.GetFromJsonAsync<JsonArray>("/api/missions/M-1/comments"))!.Single()!;
        Assert.Equal("entra:" + entra.User.ObjectId, comment["authorId"]!.GetValue<string>());

        // Signing out ends the session: the next page asks Entra ID again.
        await page.Locator("header a", new() { HasText = "Sign out" }).ClickAsync();
        await Expect(page.Locator("#status")).ToHaveTextAsync("You are signed out.");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Browser.Artifact("signed-out.png") });
        await page.GotoAsync(new Uri(app.BaseAddress, "/board").ToString());
        await Expect(page.Locator("article.card[data-mission='M-1']")).ToBeVisibleAsync();
        Assert.Equal(2, entra.AuthorizeRequests.Count);

        // The local workspace's mission is not on their board, and its page is no page for them.
        await Expect(page.Locator("article.card")).ToHaveCountAsync(1);
        var foreign = await page.GotoAsync(new Uri(app.BaseAddress, "/missions/M-2").ToString());
        Assert.Equal(404, foreign!.Status);
        await Expect(page.Locator("body")).Not.ToContainTextAsync("payouts");
        Assert.Empty(consoleProblems);
    }

    [BrowserFact]
    public async Task In_a_Teams_tab_the_board_signs_in_with_the_token_Teams_gives_it()
    {
        var teams = new TeamsClient(app.BaseAddress, entra.TabToken());
        await teams.ServeAsync(page);
        await page.GotoAsync(TeamsClient.TabUrl);

        var tab = page.FrameLocator("iframe#tab");
        await Expect(tab.Locator("article.card[data-mission='M-1']")).ToBeVisibleAsync();
        await Expect(tab.Locator("header .person")).ToHaveTextAsync("Ada Lovelace");
        await Expect(tab.Locator("header a", new() { HasText = "Sign out" })).ToHaveCountAsync(0);
        Assert.Contains("authentication.getAuthToken", teams.Calls);

        // The person acts as themselves in the tab: the move is recorded as theirs.
        await Expect(tab.Locator("[data-interactive='true']")).ToBeVisibleAsync();
        await tab.Locator("article.card[data-mission='M-1']").GetByLabel("Move M-1").SelectOptionAsync(new SelectOptionValue { Label = "to In progress" });
        var inProgress = tab.Locator("section.lane").Filter(new() { Has = tab.GetByRole(AriaRole.Heading, new() { Name = "In progress" }) });
        await Expect(inProgress.Locator("article.card[data-mission='M-1']")).ToBeVisibleAsync();
        var activity = (await api.GetFromJsonAsync<JsonArray>("/api/missions/M-1/activity"))!;
        Assert.True(activity.Any(a => a!["actorName"]!.GetValue<string>() == "Ada Lovelace" && a["actorId"]!.GetValue<string>() == "entra:" + entra.User.ObjectId), activity.ToJsonString());
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Browser.Artifact("teams-tab.png") });
        Assert.Empty(consoleProblems);
    }

    [BrowserFact]
    public async Task In_a_Teams_tab_a_refused_token_says_why_and_shows_no_board()
    {
        var teams = new TeamsClient(app.BaseAddress, token: null, failure: "resourceRequiresConsent");
        await teams.ServeAsync(page);
        await page.GotoAsync(TeamsClient.TabUrl);
        var tab = page.FrameLocator("iframe#tab");
        await Expect(tab.Locator("#status")).ToContainTextAsync("Teams could not sign you in (resourceRequiresConsent)");
        await Expect(tab.Locator("article.card")).ToHaveCountAsync(0);

        // A token Teams would never give (not for this app) is refused by the host, and the tab says so.
        var forged = new TeamsClient(app.BaseAddress, entra.TabToken(audience: "api://elsewhere.example/" + Guid.NewGuid()));
        await forged.ServeAsync(page);
        await page.GotoAsync(TeamsClient.TabUrl);
        await Expect(tab.Locator("#status")).ToContainTextAsync("not valid for this app");
        await Expect(tab.Locator("article.card")).ToHaveCountAsync(0);
    }

    /// <summary>
    /// Return addresses that a browser reads as another site once it drops tabs and newlines and reads backslashes as
    /// slashes: after signing in, on the web and in the Teams tab, the person lands on this host's board instead.
    /// </summary>
    [BrowserFact]
    public async Task A_return_address_that_leaves_this_host_after_a_browser_reads_it_lands_on_the_board()
    {
        string[] tricks = ["/%09/evil.example", "/%0A/evil.example", "/%5Cevil.example", "/%0D%0A%5C%5Cevil.example/x"];
        foreach (var trick in tricks)
        {
            await page.GotoAsync(new Uri(app.BaseAddress, "/signin?returnUrl=" + trick).ToString());
            await Expect(page.Locator("article.card[data-mission='M-1']")).ToBeVisibleAsync();
            Assert.Equal((app.BaseAddress.Authority, "/board"), (new Uri(page.Url).Authority, new Uri(page.Url).AbsolutePath));
        }

        // An ordinary return address still works.
        await page.GotoAsync(new Uri(app.BaseAddress, "/signin?returnUrl=%2Fmissions%2FM-1").ToString());
        await Expect(page.Locator("h1")).ToHaveTextAsync("M-1 Draft the launch plan");

        // In the Teams tab, the page goes on by itself after Teams' token: to the board, not elsewhere.
        var teams = new TeamsClient(app.BaseAddress, entra.TabToken(), tabPath: "/signin?returnUrl=/%09/evil.example");
        await teams.ServeAsync(page);
        await page.GotoAsync(TeamsClient.TabUrl);
        var tab = page.FrameLocator("iframe#tab");
        await Expect(tab.Locator("article.card[data-mission='M-1']")).ToBeVisibleAsync();
        var frame = page.Frames.Single(f => f.Url.StartsWith(app.BaseAddress.GetLeftPart(UriPartial.Authority), StringComparison.Ordinal));
        Assert.Equal("/board", new Uri(frame.Url).AbsolutePath);
    }

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);

    /// <summary>
    /// The Teams client's side of a tab: a page at https://teams.microsoft.com (served to the browser by the test, so
    /// the browser sees Teams' own origin, which the host's frame-ancestors and teams-js both check) that frames the
    /// tab's content URL and answers teams-js over postMessage as Teams does: initialize, then getAuthToken with the
    /// token Entra ID issued Teams for the app (or the failure Teams would report).
    /// </summary>
    private sealed class TeamsClient(Uri host, string? token, string? failure = null, string tabPath = "/board")
    {
        public const string TabUrl = "https://teams.microsoft.com/l/entity/missions/board";

        private readonly List<string> calls = [];

        public IReadOnlyList<string> Calls => calls;

        public async Task ServeAsync(IPage page)
        {
            await page.UnrouteAllAsync();
            await page.RouteAsync("https://teams.microsoft.com/**", route => route.FulfillAsync(new RouteFulfillOptions
            {
                Status = 200,
                ContentType = "text/html; charset=utf-8",
                Body = Html(),
            }));
            page.Console += (_, message) =>
            {
                if (message.Text.StartsWith("teams-call ", StringComparison.Ordinal))
                {
                    calls.Add(message.Text["teams-call ".Length..]);
                }
            };
        }

        private string Html()
        {
            var answer = token is not null ? $"[true, {JsonSerializer.Serialize(token)}]" : $"[false, {JsonSerializer.Serialize(failure)}]";
            var tabOrigin = host.GetLeftPart(UriPartial.Authority);
            return $$"""
                <!DOCTYPE html>
                <html><head><title>Missions | Microsoft Teams</title>
                <style>body { margin: 0; font-family: sans-serif; } nav { height: 48px; background: #292929; color: #fff; padding: 12px; box-sizing: border-box; } iframe { border: 0; width: 100%; height: calc(100vh - 48px); }</style>
                </head><body>
                <nav>Microsoft Teams · Missions › Board</nav>
                <iframe id="tab" src="{{new Uri(host, tabPath)}}"></iframe>
                <script>
                  window.addEventListener('message', e => {
                    if (e.origin !== {{JsonSerializer.Serialize(tabOrigin)}} || !e.data || typeof e.data.func !== 'string') return;
                    console.info('teams-call ' + e.data.func);
                    const reply = args => e.source.postMessage({ id: e.data.id, uuidAsString: e.data.uuidAsString, args }, e.origin);
                    if (e.data.func === 'initialize') reply(['content', 'web', '', '2.0.0']);
                    else if (e.data.func === 'authentication.getAuthToken') reply({{answer}});
                  });
                </script>
                </body></html>
                """;
        }
    }
}
