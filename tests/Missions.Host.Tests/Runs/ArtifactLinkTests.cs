using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Missions.Host.Tests.Infrastructure;

namespace Missions.Host.Tests.Runs;

/// <summary>Artifacts are reached by signed, expiring links, over real HTTP; a wrong or stale link is refused.</summary>
public sealed class ArtifactLinkTests
{
    /// <summary>The host's clock, which a test can move forward.</summary>
    private sealed class MovableClock : TimeProvider
    {
        public TimeSpan Offset { get; set; }

        public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + Offset;
    }

    internal static async Task<JsonObject> RunToEndAsync(HttpClient api, string mission)
    {
        var queued = await MissionsApp.ReadOkAsync(await api.PostAsync($"/api/missions/{mission}/runs", null), HttpStatusCode.Accepted);
        var id = queued["id"]!.GetValue<string>();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var run = await MissionsApp.ReadOkAsync(await api.GetAsync($"/api/runs/{id}"));
            if (run["status"]!.GetValue<string>() is "Succeeded" or "Failed")
            {
                return run;
            }

            Assert.True(DateTime.UtcNow < deadline, "The run did not finish: " + run.ToJsonString());
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task Attributes_written_into_a_mission_never_become_markup_on_the_artifact_page()
    {
        await using var app = await MissionsApp.StartOnLoopbackAsync(Provider.Sqlite);
        using var api = new HttpClient { BaseAddress = app.BaseAddress };
        // Markdig's generic attributes would turn these into attributes on this host's own origin (a page-wide overlay).
        const string Objective = "A comparison of onboarding flows {onmouseover=\"alert(1)\" style=\"position:fixed;top:0;left:0;width:100%;height:100%\"}\n\n"
            + "# Heading {#login onclick=\"steal()\"}\n\n[Sign in again](https://evil.example){style=\"position:fixed;inset:0\"}";
        await app.CreateMissionAsync("Compare onboarding flows", Objective);
        Assert.Equal(HttpStatusCode.Created, (await api.PostAsJsonAsync("/api/missions/M-1/comments", new { text = "Also {style=\"display:block\" onclick=\"x()\"} this" })).StatusCode);

        var run = await RunToEndAsync(api, "M-1");
        var md = new Uri(run["artifacts"]!.AsArray().Single(a => a!["name"]!.GetValue<string>().EndsWith(".md", StringComparison.Ordinal))!["url"]!.GetValue<string>());
        using var browser = new HttpClient();
        var page = await browser.GetAsync(md);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("A comparison of onboarding flows", html, StringComparison.Ordinal);
        foreach (var attribute in new[] { "onmouseover", "onclick", "style", "id" })
        {
            Assert.DoesNotMatch($@"<[^>]*\s{attribute}=", html); // written as words, never made attributes
        }

        // And the page's policy applies no inline style but its own sheet's, whatever got into the HTML.
        var policy = page.Headers.GetValues("Content-Security-Policy").Single();
        Assert.DoesNotContain("unsafe-inline", policy, StringComparison.Ordinal);
        Assert.Contains("style-src 'sha256-", policy, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Links_work_until_they_expire_and_forged_ones_are_refused()
    {
        var clock = new MovableClock();
        await using var app = await MissionsApp.StartOnLoopbackAsync(Provider.Sqlite, services: s => s.AddSingleton<TimeProvider>(clock));
        using var api = new HttpClient { BaseAddress = app.BaseAddress };
        await app.CreateMissionAsync("Compare competitor onboarding flows", "A comparison of how three competitors onboard new customers.");
        Assert.Equal(HttpStatusCode.Created, (await api.PostAsJsonAsync("/api/missions/M-1/comments", new { text = "Please look at <script>alert('x')</script> too" })).StatusCode);

        var run = await RunToEndAsync(api, "M-1");
        Assert.Equal("Succeeded", run["status"]!.GetValue<string>());
        var artifacts = run["artifacts"]!.AsArray().Select(a => a!.AsObject()).ToList();
        Assert.Equal(["M-1-brief.md", "M-1-brief.pdf"], artifacts.Select(a => a["name"]!.GetValue<string>()));
        var md = new Uri(artifacts[0]["url"]!.GetValue<string>());
        var pdf = new Uri(artifacts[1]["url"]!.GetValue<string>());

        // The link names the artifact by id, never by where it is stored, and points at this host.
        var stored = await app.WithDbAsync(db => db.Artifacts.AsNoTracking().OrderBy(a => a.Name).ToListAsync());
        Assert.Equal($"/artifacts/{stored[0].Id:N}", md.AbsolutePath);
        Assert.DoesNotContain(stored[0].StorageKey, md.ToString(), StringComparison.Ordinal);
        Assert.Equal(app.BaseAddress.Authority, md.Authority);

        // Over real HTTP, with no API key: Markdown rendered (raw HTML in it escaped), the PDF as a download.
        using var browser = new HttpClient();
        var page = await browser.GetAsync(md);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType!.MediaType);
        Assert.Contains("default-src 'none'", page.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("Compare competitor onboarding flows", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;", html, StringComparison.Ordinal);
        var raw = await browser.GetAsync(md + "&download=1");
        Assert.Equal("attachment", raw.Content.Headers.ContentDisposition!.DispositionType);
        Assert.Equal(stored[0].Size, (await raw.Content.ReadAsByteArrayAsync()).Length);
        var file = await browser.GetAsync(pdf);
        Assert.Equal("application/pdf", file.Content.Headers.ContentType!.MediaType);
        var bytes = await file.Content.ReadAsByteArrayAsync();
        Assert.Equal(stored[1].Sha256, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)));

        // Forged: a changed signature, a stretched expiry, another artifact's id, no signature at all.
        var query = System.Web.HttpUtility.ParseQueryString(md.Query);
        var sig = query["sig"]!;
        var exp = long.Parse(query["exp"]!, System.Globalization.CultureInfo.InvariantCulture);
        var flipped = (sig[0] == 'A' ? 'B' : 'A') + sig[1..];
        string[] forged =
        [
            $"/artifacts/{stored[0].Id:N}?exp={exp}&sig={flipped}",
            $"/artifacts/{stored[0].Id:N}?exp={exp + 86_400}&sig={sig}",
            $"/artifacts/{stored[1].Id:N}?exp={exp}&sig={sig}",
            $"/artifacts/{stored[0].Id:N}?exp={exp}",
            $"/artifacts/{stored[0].Id:N}",
            $"/artifacts/{Guid.NewGuid():N}?exp={exp}&sig={sig}",
        ];
        foreach (var path in forged)
        {
            var refused = await browser.GetAsync(new Uri(app.BaseAddress, path));
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            Assert.DoesNotContain("Drafted offline", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        Assert.Equal(HttpStatusCode.NotFound, (await browser.GetAsync(new Uri(app.BaseAddress, "/artifacts/not-an-id?exp=1&sig=x"))).StatusCode);

        // A week and a day later the same link has expired.
        clock.Offset = TimeSpan.FromDays(8);
        var expired = await browser.GetAsync(md);
        Assert.Equal(HttpStatusCode.Gone, expired.StatusCode);
        Assert.Contains("expired", await expired.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // A fresh link (the run read again) works again.
        var fresh = await MissionsApp.ReadOkAsync(await api.GetAsync($"/api/runs/{run["id"]}"));
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync(fresh["artifacts"]![0]!["url"]!.GetValue<string>())).StatusCode);
    }
}
