using Microsoft.Playwright;

namespace Missions.E2E;

/// <summary>Debian's Chromium, driven by Playwright. Never a downloaded browser.</summary>
public static class Browser
{
    public const string ChromiumPath = "/usr/bin/chromium";

    public static string? Missing =>
        File.Exists(ChromiumPath) ? null : $"{ChromiumPath} is not installed; run ./test.sh, which installs Debian's chromium.";

    public static async Task<(IPlaywright Playwright, IBrowser Browser)> LaunchAsync()
    {
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            // As root Chromium needs --no-sandbox; the rest keep it from reaching for the network this machine lacks.
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"],
        });
        return (playwright, browser);
    }

    /// <summary>
    /// A page with the tests' default wait (15 s, for actions and for expectations alike: the browser tests run beside the
    /// host tests on two cores, and a host's first answer can take longer than Playwright's 5 s) whose console errors the page reports, and those of its own that
    /// <paramref name="isProblem"/> picks, are written to <paramref name="problems"/>, for the test to assert there are none.
    /// </summary>
    public static async Task<IPage> NewPageAsync(IBrowser browser, BrowserNewPageOptions options, List<string> problems, Func<IConsoleMessage, bool> isProblem)
    {
        var page = await browser.NewPageAsync(options);
        page.SetDefaultTimeout(15_000);
        Assertions.SetDefaultExpectTimeout(15_000);
        page.Console += (_, message) =>
        {
            if (isProblem(message))
            {
                problems.Add($"{message.Type}: {message.Text}");
            }
        };
        page.PageError += (_, error) => problems.Add("page error: " + error);
        return page;
    }

    /// <summary>A Fluent button by its words (a web component: found by its text, not a role), on a page or in a frame.</summary>
    public static ILocator Button(IPage page, string name) => Button(page.Locator("fluent-button"), name);

    public static ILocator Button(ILocator buttons, string name) =>
        buttons.GetByText(name, new() { Exact = true }).Or(buttons.Filter(new() { HasText = name })).First;

    /// <summary>Types into a Fluent text area as a person does: click in, replace what is there, leave it.</summary>
    public static async Task TypeAsync(ILocator textArea, string text)
    {
        var input = textArea.Locator("textarea");
        await input.ClickAsync();
        await input.PressAsync("Control+A");
        await input.PressSequentiallyAsync(text);
        await input.PressAsync("Tab");
    }

    /// <summary>Where a test's screenshots go (beside the test assembly, under screenshots/).</summary>
    public static string Artifact(string name)
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "screenshots");
        Directory.CreateDirectory(folder);
        return Path.Combine(folder, name);
    }
}
