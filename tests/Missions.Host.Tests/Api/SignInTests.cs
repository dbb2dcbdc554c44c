using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Missions.Host.Tests.Infrastructure;

namespace Missions.Host.Tests.Api;

/// <summary>
/// With sign-in configured (an Entra ID app registration) the pages and the API answer signed-in people only, from
/// anywhere, loopback included: on the web through Entra ID's OpenID Connect sign-in, in the Teams tab through the
/// tab's SSO token. The signed-in person is who acts. Entra ID is a local server speaking its protocol.
/// </summary>
public sealed partial class SignInTests : IAsyncLifetime
{
    private EntraCloud entra = null!;
    private MissionsApp app = null!;
    private HttpClient http = null!;

    public async Task InitializeAsync()
    {
        entra = await EntraCloud.StartAsync();
        var settings = entra.HostSettings();
        settings["Missions:Approvers:Allowed:0"] = entra.User.ObjectId;
        app = await MissionsApp.StartOnLoopbackAsync(Provider.Sqlite, settings);
        http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = app.BaseAddress };
    }

    public async Task DisposeAsync()
    {
        http.Dispose();
        await app.DisposeAsync();
        await entra.DisposeAsync();
    }

    /// <summary>The cookies a response sets, as a Cookie header sends them back, and each one's attributes.</summary>
    private static Dictionary<string, string> SetCookies(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Set-Cookie", out var values)
            ? values.ToDictionary(v => v[..v.IndexOf('=', StringComparison.Ordinal)], v => v, StringComparer.Ordinal)
            : [];

    private static string CookieHeader(IEnumerable<string> setCookies) => string.Join("; ", setCookies.Select(c => c.Split(';')[0]));

    private static HttpRequestMessage Request(HttpMethod method, string path, string? cookie = null, object? json = null, string? origin = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (cookie is not null)
        {
            request.Headers.Add("Cookie", cookie);
        }

        if (origin is not null)
        {
            request.Headers.Add("Origin", origin);
        }

        if (json is not null)
        {
            request.Content = JsonContent.Create(json);
        }

        return request;
    }

    private async Task<HttpResponseMessage> TeamsSignInAsync(string? token)
    {
        var request = Request(HttpMethod.Post, "/signin/teams");
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return await http.SendAsync(request);
    }

    private async Task<string> SessionFromTeamsAsync(EntraCloud.Person? person = null)
    {
        var response = await TeamsSignInAsync(entra.TabToken(person));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return CookieHeader(SetCookies(response).Values);
    }

    [Fact]
    public async Task Without_a_sign_in_the_pages_go_to_the_sign_in_page_and_the_api_and_the_live_connection_refuse_even_on_loopback()
    {
        foreach (var (path, back) in new[] { ("/board", "%2Fboard"), ("/missions/M-1", "%2Fmissions%2FM-1") })
        {
            var page = await http.GetAsync(path);
            Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
            Assert.Equal($"/signin?returnUrl={back}", page.Headers.Location!.PathAndQuery);
            Assert.DoesNotContain("Missions board", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        var live = await http.SendAsync(Request(HttpMethod.Post, "/_blazor/negotiate?negotiateVersion=1"));
        Assert.Contains(live.StatusCode, new[] { HttpStatusCode.Redirect, HttpStatusCode.Unauthorized });

        var api = await MissionsApp.ReadProblemAsync(await http.GetAsync("/api/board"), HttpStatusCode.Unauthorized);
        Assert.Contains("Sign in at /signin", api["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        // A cookie that is not a session this host made is no session.
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.SendAsync(Request(HttpMethod.Get, "/api/board", cookie: ".Missions.Session=forged"))).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await http.SendAsync(Request(HttpMethod.Get, "/board", cookie: ".Missions.Session=forged"))).StatusCode);

        // The sign-in page and its scripts (teams-js among them, from this host) need no sign-in.
        var signInPage = await http.GetAsync("/signin?returnUrl=%2Fboard");
        Assert.Equal(HttpStatusCode.OK, signInPage.StatusCode);
        Assert.Contains("/signin/signin.js", await signInPage.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var teamsJs = await http.GetAsync("/signin/teams-js.js");
        Assert.Equal(HttpStatusCode.OK, teamsJs.StatusCode);
        Assert.Contains("getAuthToken", await teamsJs.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task On_the_web_Entra_ID_signs_the_person_in_and_brings_them_back_to_the_page_they_asked_for()
    {
        var challenge = await http.GetAsync("/signin/entra?returnUrl=%2Fmissions%2FM-1");
        Assert.Equal(HttpStatusCode.Redirect, challenge.StatusCode);
        var authorize = challenge.Headers.Location!;
        Assert.StartsWith(new Uri(entra.Instance, $"{EntraCloud.TenantId}/oauth2/v2.0/authorize").ToString(), authorize.ToString(), StringComparison.Ordinal);
        var query = System.Web.HttpUtility.ParseQueryString(authorize.Query);
        Assert.Equal(entra.ClientId, query["client_id"]);
        Assert.Equal(new Uri(app.BaseAddress, "/signin-oidc").ToString(), query["redirect_uri"]);
        Assert.Equal("id_token", query["response_type"]);
        Assert.Equal("form_post", query["response_mode"]);
        Assert.Contains("openid", query["scope"]!.Split(' '));

        // Entra posts the id token back through the browser, which sends the cookies the challenge set.
        var (session, landed) = await CompleteEntraSignInAsync(challenge);
        Assert.Equal("/missions/M-1", landed);
        var cookie = SetCookies(session)[".Missions.Session"];
        Assert.Contains("samesite=none", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("secure", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);

        var board = await http.SendAsync(Request(HttpMethod.Get, "/board", CookieHeader([cookie])));
        Assert.Equal(HttpStatusCode.OK, board.StatusCode);
        var html = await board.Content.ReadAsStringAsync();
        Assert.Contains("Ada Lovelace", html, StringComparison.Ordinal);
        Assert.Contains("/signout", html, StringComparison.Ordinal);

        // Somewhere else is never where sign-in ends: an address of another site lands on the board.
        var elsewhere = await http.GetAsync("/signin/entra?returnUrl=%2F%2Fevil.example%2F");
        Assert.Equal("/board", (await CompleteEntraSignInAsync(elsewhere)).Landed);

        // Signing out ends the session.
        var signOut = await http.SendAsync(Request(HttpMethod.Get, "/signout", CookieHeader([cookie])));
        Assert.Equal("/signin?signedOut=1", signOut.Headers.Location!.OriginalString);
        Assert.Contains("expires=Thu, 01 Jan 1970", SetCookies(signOut)[".Missions.Session"], StringComparison.OrdinalIgnoreCase);
    }

    private async Task<(HttpResponseMessage Session, string Landed)> CompleteEntraSignInAsync(HttpResponseMessage challenge)
    {
        using var browser = new HttpClient();
        var form = await browser.GetStringAsync(challenge.Headers.Location);
        var fields = FormField().Matches(form).ToDictionary(m => m.Groups[1].Value, m => WebUtility.HtmlDecode(m.Groups[2].Value));
        var post = Request(HttpMethod.Post, "/signin-oidc", CookieHeader(SetCookies(challenge).Values));
        post.Content = new FormUrlEncodedContent(fields);
        var session = await http.SendAsync(post);
        Assert.Equal(HttpStatusCode.Redirect, session.StatusCode);
        Assert.True(SetCookies(session).ContainsKey(".Missions.Session"), "no session cookie after the id token came back");
        return (session, session.Headers.Location!.OriginalString);
    }

    [GeneratedRegex("""<input type="hidden" name="([a-z_]+)" value="([^"]*)">""")]
    private static partial Regex FormField();

    [Fact]
    public async Task In_Teams_only_a_valid_tab_token_for_this_app_signs_in_and_the_person_is_who_acts()
    {
        var otherTenant = "0d6b2a3c-1111-4222-8333-944455556666";
        var refused = new Dictionary<string, string?>
        {
            ["no token"] = null,
            ["not a token"] = "not-a-token",
            ["signed by a key Entra never published"] = entra.TabToken(forged: true),
            ["for another app"] = entra.TabToken(audience: "api://missions.contoso.com/" + Guid.NewGuid()),
            ["expired"] = entra.TabToken(expiresIn: TimeSpan.FromMinutes(-10)),
            ["from another tenant"] = entra.TabToken(issuer: new Uri(entra.Instance, $"{otherTenant}/v2.0").ToString(), tenant: otherTenant),
            ["with no scope (an app's own token, not the person's)"] = entra.TabToken(scope: null),
        };
        foreach (var (why, token) in refused)
        {
            var response = await TeamsSignInAsync(token);
            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{why}: {response.StatusCode}");
            Assert.False(SetCookies(response).ContainsKey(".Missions.Session"), $"{why}: a session was made");
        }

        var signedIn = await TeamsSignInAsync(entra.TabToken());
        Assert.Equal("Ada Lovelace", (await MissionsApp.ReadOkAsync(signedIn))["name"]!.GetValue<string>());
        var ada = CookieHeader(SetCookies(signedIn).Values);
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(Request(HttpMethod.Get, "/board", ada))).StatusCode);

        // The session is good on every host of the deployment: they share the key ring, in the database.
        await using (var otherHost = app.WithServices(_ => { }))
        {
            using var other = otherHost.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
            Assert.Equal(HttpStatusCode.OK, (await other.SendAsync(Request(HttpMethod.Get, "/board", ada))).StatusCode);
        }

        // What the person does through the page's session is theirs (the pages' links and uploads use the API).
        var created = await MissionsApp.ReadOkAsync(await http.SendAsync(Request(HttpMethod.Post, "/api/missions", ada, new { title = "Draft the launch plan", objective = "A launch plan the team agrees on." })), HttpStatusCode.Created);
        var number = created["number"]!.GetValue<string>();
        var comment = await MissionsApp.ReadOkAsync(await http.SendAsync(Request(HttpMethod.Post, $"/api/missions/{number}/comments", ada, new { text = "Start with the FAQ." })), HttpStatusCode.Created);
        Assert.Equal("Ada Lovelace", comment["authorName"]!.GetValue<string>());
        Assert.Equal("entra:" + entra.User.ObjectId, comment["authorId"]!.GetValue<string>());

        // A page of another site cannot make the browser use the session for a change.
        var forgedChange = await http.SendAsync(Request(HttpMethod.Post, $"/api/missions/{number}/comments", ada, new { text = "from evil" }, origin: "https://evil.example"));
        Assert.Contains("another site", (await MissionsApp.ReadProblemAsync(forgedChange, HttpStatusCode.Forbidden))["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        // Nor open the pages' live connection with it (cross-site WebSocket hijacking).
        var forgedLive = await http.SendAsync(Request(HttpMethod.Post, "/_blazor/negotiate?negotiateVersion=1", ada, origin: "https://evil.example"));
        Assert.Equal(HttpStatusCode.Forbidden, forgedLive.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(Request(HttpMethod.Post, "/_blazor/negotiate?negotiateVersion=1", ada, origin: app.BaseAddress.GetLeftPart(UriPartial.Authority)))).StatusCode);
        var comments = await http.SendAsync(Request(HttpMethod.Get, $"/api/missions/{number}/comments", ada));
        Assert.DoesNotContain("from evil", await comments.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // The approver policy names people by their Entra object id: Ada may approve, Bob may not.
        var bob = await SessionFromTeamsAsync(new EntraCloud.Person("9a8b7c6d-5e4f-4321-8765-0fedcba98765", "Bob Smith", "bob@contoso.com"));
        var proposal = await app.SeedProposalAsync(workspace: "msteams:" + EntraCloud.TenantId);
        var byBob = await http.SendAsync(Request(HttpMethod.Post, $"/api/proposals/{proposal.Id}/approve", bob, new { }));
        Assert.Equal(HttpStatusCode.Forbidden, byBob.StatusCode);
        var byAda = await MissionsApp.ReadOkAsync(await http.SendAsync(Request(HttpMethod.Post, $"/api/proposals/{proposal.Id}/approve", ada, new { })));
        Assert.Equal("Approved", byAda["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_signed_in_person_sees_and_changes_the_missions_of_their_own_tenant_only()
    {
        var ada = await SessionFromTeamsAsync();
        var home = "msteams:" + EntraCloud.TenantId;
        var (theirs, theirRun) = await app.SeedMissionAsync("Plan the offsite", home);
        var (local, localRun) = await app.SeedMissionAsync("Reconcile the October payouts", "local");
        var (elsewhere, _) = await app.SeedMissionAsync("Another tenant's roadmap", "msteams:0d6b2a3c-1111-4222-8333-944455556666");
        var foreignProposal = await app.SeedProposalAsync("Draft the local newsletter");
        Task<HttpResponseMessage> Send(HttpMethod method, string path, object? body = null) => http.SendAsync(Request(method, path, ada, body, app.BaseAddress.GetLeftPart(UriPartial.Authority)));

        Assert.Equal("Plan the offsite", (await MissionsApp.ReadOkAsync(await Send(HttpMethod.Get, $"/api/missions/M-{theirs}")))["title"]!.GetValue<string>());
        var list = await MissionsApp.ReadOkAsync(await Send(HttpMethod.Get, "/api/missions"));
        Assert.Equal([$"M-{theirs}"], list["items"]!.AsArray().Select(m => m!["number"]!.GetValue<string>()));
        var board = await MissionsApp.ReadOkAsync(await Send(HttpMethod.Get, "/api/board"));
        Assert.Equal([$"M-{theirs}"], board["columns"]!.AsArray().SelectMany(c => c!["missions"]!.AsArray()).Select(m => m!["number"]!.GetValue<string>()));

        // Everything of another workspace is as if it did not exist: read, comment, move, run, review, decide.
        foreach (var number in new[] { local, elsewhere })
        {
            await MissionsApp.ReadProblemAsync(await Send(HttpMethod.Get, $"/api/missions/M-{number}"), HttpStatusCode.NotFound);
            await MissionsApp.ReadProblemAsync(await Send(HttpMethod.Post, $"/api/missions/M-{number}/comments", new { text = "mine now" }), HttpStatusCode.NotFound);
            await MissionsApp.ReadProblemAsync(await Send(HttpMethod.Post, $"/api/missions/M-{number}/transitions", new { to = "Cancelled" }), HttpStatusCode.NotFound);
            await MissionsApp.ReadProblemAsync(await Send(HttpMethod.Post, $"/api/missions/M-{number}/runs"), HttpStatusCode.NotFound);
        }

        await MissionsApp.ReadProblemAsync(await Send(HttpMethod.Get, $"/api/runs/{localRun}"), HttpStatusCode.NotFound);
        await MissionsApp.ReadProblemAsync(await Send(HttpMethod.Post, $"/api/runs/{localRun}/review", new { outcome = "approve" }), HttpStatusCode.NotFound);
        await MissionsApp.ReadProblemAsync(await Send(HttpMethod.Get, $"/api/proposals/{foreignProposal.Id}"), HttpStatusCode.NotFound);
        await MissionsApp.ReadProblemAsync(await Send(HttpMethod.Post, $"/api/proposals/{foreignProposal.Id}/approve", new { }), HttpStatusCode.NotFound);
        Assert.Empty((await (await http.SendAsync(Request(HttpMethod.Get, "/api/proposals", ada))).Content.ReadFromJsonAsync<JsonArray>())!);
        Assert.Equal(2, await app.WithDbAsync(db => db.Missions.CountAsync(m => m.Status == Host.Missions.MissionStatus.Review && m.Workspace != home)));
        Assert.Equal(0, await app.WithDbAsync(db => db.Comments.CountAsync()));

        // What Ada makes is her tenant's; she cannot make a mission elsewhere.
        var made = await MissionsApp.ReadOkAsync(await Send(HttpMethod.Post, "/api/missions", new { title = "Book the venue", objective = "A venue booked." }), HttpStatusCode.Created);
        Assert.Equal(home, made["workspace"]!.GetValue<string>());
        var refused = await MissionsApp.ReadProblemAsync(await Send(HttpMethod.Post, "/api/missions", new { title = "T", objective = "O", workspace = "local" }), HttpStatusCode.Forbidden);
        Assert.Contains("your own workspace", refused["detail"]!.GetValue<string>(), StringComparison.Ordinal);

        // Her own mission's result she reviews as before.
        Assert.Equal("Approved", (await MissionsApp.ReadOkAsync(await Send(HttpMethod.Post, $"/api/runs/{theirRun}/review", new { outcome = "approve" })))["review"]!["outcome"]!.GetValue<string>());
    }
}

/// <summary>Sign-in switched on with a setting missing or malformed stops the host at start, naming the key.</summary>
public sealed class SignInSettingsTests
{
    [Theory]
    [InlineData("Missions:SignIn:ClientId", "not-a-guid", "Missions:SignIn:ClientId")]
    [InlineData("Missions:SignIn:TenantId", "", "Missions:SignIn:TenantId")]
    [InlineData("Missions:SignIn:Instance", "http://login.example.com/", "Missions:SignIn:Instance")]
    public async Task A_bad_sign_in_setting_stops_the_host_naming_the_key(string key, string value, string named)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Missions:SignIn:ClientId"] = Guid.NewGuid().ToString(),
            ["Missions:SignIn:TenantId"] = EntraCloud.TenantId,
            [key] = value,
        };

        var failure = await Assert.ThrowsAnyAsync<Exception>(() => MissionsApp.StartAsync(Provider.Sqlite, settings));
        var validation = failure as Microsoft.Extensions.Options.OptionsValidationException ?? failure.InnerException as Microsoft.Extensions.Options.OptionsValidationException;
        Assert.NotNull(validation);
        Assert.Contains(named, validation.Message, StringComparison.Ordinal);
    }
}
