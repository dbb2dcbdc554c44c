using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Missions.Host.Runs;
using Missions.Host.Tests.Infrastructure;
using Missions.Host.Web;

namespace Missions.Host.Tests.Api;

/// <summary>
/// With no API key or Direct Line secret configured, "this machine only" means the machine's own pages and tools: not
/// a page of another site that a browser here was made to call (cross-origin, or through a name that points here).
/// </summary>
public sealed class LoopbackOnlyTests
{
    private static HttpRequestMessage Request(HttpMethod method, string path, string? host = null, string? origin = null, string? fetchSite = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (host is not null)
        {
            request.Headers.Host = host;
        }

        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }

        if (fetchSite is not null)
        {
            request.Headers.Add("Sec-Fetch-Site", fetchSite);
        }

        return request;
    }

    [Fact]
    public async Task A_name_that_is_not_this_machine_is_refused_for_the_api_the_board_and_web_chat_tokens()
    {
        await using var app = await MissionsApp.StartOnLoopbackAsync(Provider.Sqlite);
        using var http = new HttpClient { BaseAddress = app.BaseAddress };

        // DNS rebinding: evil.example resolves to 127.0.0.1, so the connection is local but the name is not.
        Assert.Equal(HttpStatusCode.Forbidden, (await http.SendAsync(Request(HttpMethod.Get, "/api/board", host: "evil.example"))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await http.SendAsync(Request(HttpMethod.Get, "/board", host: "evil.example:5280"))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await http.SendAsync(Request(HttpMethod.Get, "/missions/M-1", host: "evil.example"))).StatusCode);
        // The pages' live connection too: no page of another site can drive the board through it.
        Assert.Equal(HttpStatusCode.Forbidden, (await http.SendAsync(Request(HttpMethod.Post, "/_blazor/negotiate?negotiateVersion=1", host: "evil.example"))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await http.SendAsync(Request(HttpMethod.Post, "/v3/directline/tokens/generate", host: "evil.example"))).StatusCode);

        // This machine's names are answered.
        foreach (var host in new[] { app.BaseAddress.Authority, $"localhost:{app.BaseAddress.Port}", $"[::1]:{app.BaseAddress.Port}" })
        {
            Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(Request(HttpMethod.Get, "/api/board", host: host))).StatusCode);
        }
    }

    [Fact]
    public async Task A_change_sent_by_a_page_of_another_origin_is_refused_and_changes_nothing()
    {
        await using var app = await MissionsApp.StartOnLoopbackAsync(Provider.Sqlite);
        using var http = new HttpClient { BaseAddress = app.BaseAddress };
        await app.CreateMissionAsync();
        var self = $"{app.BaseAddress.Scheme}://{app.BaseAddress.Authority}";

        // Another site, an opaque origin, another port, this host's address over another scheme, or a browser saying so.
        var otherScheme = $"https://{app.BaseAddress.Authority}";
        foreach (var (origin, site) in new (string?, string?)[] { ("http://evil.example", null), ("null", null), ($"http://localhost:{app.BaseAddress.Port + 1}", null), (otherScheme, null), (null, "cross-site"), (null, "same-site") })
        {
            var refused = await http.SendAsync(Request(HttpMethod.Post, "/api/missions/M-1/runs", origin: origin, fetchSite: site));
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await http.SendAsync(Request(HttpMethod.Post, "/v3/directline/tokens/generate", origin: origin, fetchSite: site))).StatusCode);
        }

        Assert.Equal(0, await app.WithDbAsync(db => db.Runs.CountAsync()));

        // Reading is not a change; this host's own page, and a tool that sends no Origin, may change things.
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(Request(HttpMethod.Get, "/api/missions/M-1", origin: "http://evil.example"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(Request(HttpMethod.Post, "/v3/directline/tokens/generate", origin: self, fetchSite: "same-origin"))).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await http.SendAsync(Request(HttpMethod.Post, "/api/missions/M-1/runs", origin: self, fetchSite: "same-origin"))).StatusCode);
        Assert.Equal(1, await app.WithDbAsync(db => db.Runs.CountAsync()));
    }

    [Fact]
    public async Task Every_page_says_how_it_may_be_framed_sniffed_and_referred()
    {
        await using var app = await MissionsApp.StartOnLoopbackAsync(Provider.Sqlite);
        using var http = new HttpClient { BaseAddress = app.BaseAddress };
        await app.CreateMissionAsync();

        // A mission that does not exist is a 404 page that says so (not a page that looks found).
        using (var missing = await http.GetAsync("/missions/M-404"))
        {
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
            Assert.Contains("There is no mission M-404", await missing.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        foreach (var path in new[] { "/", "/board", "/missions/M-1", "/missions/M-404", "/api/missions/M-1", "/webchat/app.js", "/no-such-page" })
        {
            using var response = await http.GetAsync(path);
            var policy = response.Headers.GetValues("Content-Security-Policy").Single();
            Assert.Contains("frame-ancestors 'self' https://teams.microsoft.com", policy, StringComparison.Ordinal);
            Assert.DoesNotContain("frame-ancestors *", policy, StringComparison.Ordinal);
            Assert.Contains("script-src 'self'", policy, StringComparison.Ordinal);
            Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
            Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
        }

        // An attachment comes back as what it was stored as, never sniffed into a page.
        using var upload = new MultipartFormDataContent { { new StringContent("<script>alert(1)</script>"), "file", "notes.txt" } };
        var stored = await MissionsApp.ReadOkAsync(await http.PostAsync("/api/missions/M-1/attachments", upload), HttpStatusCode.Created);
        using var download = await http.GetAsync(stored["downloadUrl"]!.GetValue<string>());
        Assert.Equal("nosniff", download.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.StartsWith("text/plain", download.Content.Headers.ContentType!.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Markdown_shown_as_a_page_keeps_no_script_links_and_loads_no_remote_images()
    {
        var html = RunsApi.SafeHtml("""
            [click](javascript:alert(1)) [data](data:text/html;base64,PHNjcmlwdD4=) <javascript:alert(2)>
            ![tracker](https://tracker.example/pixel.png) [fine](https://example.com/doc) [here](#top) <b onclick="x()">raw</b>
            """);

        Assert.DoesNotContain("javascript:", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("data:text/html", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<img", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<b onclick", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("href=\"https://tracker.example/pixel.png\"", html, StringComparison.Ordinal);
        Assert.Contains("href=\"https://example.com/doc\"", html, StringComparison.Ordinal);
        Assert.Contains("href=\"#top\"", html, StringComparison.Ordinal);
        Assert.Contains(SecurityHeaders.FrameAncestors, SecurityHeaders.Policy, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Pricing {onmouseover=\"alert(1)\"}", "onmouseover")]
    [InlineData("# Plan {#login onclick=\"steal()\"}", "onclick")]
    [InlineData("# Plan {#login onclick=\"steal()\"}", "id")]
    [InlineData("Notes {style=\"position:fixed;inset:0\"}", "style")]
    [InlineData("[Sign in](https://evil.example){style=\"position:fixed\" class=\"x\"}", "style")]
    public void Generic_attributes_in_Markdown_stay_text(string markdown, string attribute)
    {
        var html = RunsApi.SafeHtml(markdown);
        // Shown as the words they are, never an attribute of an element.
        Assert.DoesNotMatch($@"<[^>]*\s{attribute}=", html);
        Assert.Contains("{", html, StringComparison.Ordinal);
        // Tables, task lists and bare links still render.
        Assert.Contains("<table>", RunsApi.SafeHtml("| a | b |\n|---|---|\n| 1 | 2 |"), StringComparison.Ordinal);
        Assert.Contains("type=\"checkbox\"", RunsApi.SafeHtml("- [x] done"), StringComparison.Ordinal);
    }
}
