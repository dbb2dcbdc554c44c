using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Tokens;
using Missions.Host.Tests.Infrastructure;

namespace Missions.Host.Tests.Teams;

/// <summary>
/// Every check of the Bot Framework's inbound authentication, each against a real signed token from the local key
/// server: a request that fails one is refused and changes nothing (no event, no reference, no proposal, no reply).
/// </summary>
public sealed class TeamsAuthenticationTests : IAsyncLifetime
{
    private BotFrameworkCloud cloud = null!;
    private MissionsApp app = null!;
    private HttpClient http = null!;
    private TeamsChannel teams = null!;

    public async Task InitializeAsync()
    {
        cloud = await BotFrameworkCloud.StartAsync();
        app = await MissionsApp.StartOnLoopbackAsync(Provider.Sqlite, cloud.HostSettings(new Dictionary<string, string?>
        {
            ["Missions:Teams:AllowedTenants:0"] = BotFrameworkCloud.TenantId,
        }), cloud.Configure);
        http = new HttpClient { BaseAddress = app.BaseAddress };
        teams = new TeamsChannel(cloud, http);
    }

    public async Task DisposeAsync()
    {
        http.Dispose();
        await app.DisposeAsync();
        await cloud.DisposeAsync();
    }

    public static TheoryData<string> Refusals() =>
    [
        "no header", "not bearer", "not a jwt", "unsigned", "forged", "expired", "not yet valid", "wrong audience", "wrong issuer",
        "wrong serviceurl", "HS256", "emulator", "unendorsed channel", "key without endorsements", "other tenant",
    ];

    [Theory, MemberData(nameof(Refusals))]
    public async Task A_request_failing_any_check_is_refused_and_changes_nothing(string why)
    {
        var activity = teams.Message(TeamsChannel.PersonalChat, "draft the launch announcement");
        var serviceUrl = cloud.ServiceUrl;
        var expected = HttpStatusCode.Unauthorized;
        HttpResponseMessage response;
        switch (why)
        {
            case "no header":
                response = await teams.PostAsync(activity, token: null);
                break;
            case "not bearer":
                response = await teams.PostAsync(activity, cloud.Token(serviceUrl), scheme: "Basic");
                break;
            case "not a jwt":
                response = await teams.PostAsync(activity, "not-a-token");
                break;
            case "unsigned":
                response = await teams.PostAsync(activity, cloud.UnsignedToken(serviceUrl));
                break;
            case "forged":
                response = await teams.PostAsync(activity, cloud.Token(serviceUrl, forged: true));
                break;
            case "expired":
                // Beyond the five minutes' skew.
                response = await teams.PostAsync(activity, cloud.Token(serviceUrl, expiresIn: TimeSpan.FromMinutes(-6)));
                break;
            case "not yet valid":
                response = await teams.PostAsync(activity, cloud.Token(serviceUrl, notBeforeIn: TimeSpan.FromMinutes(10)));
                break;
            case "wrong audience":
                response = await teams.PostAsync(activity, cloud.Token(serviceUrl, audience: Guid.NewGuid().ToString()));
                break;
            case "wrong issuer":
                response = await teams.PostAsync(activity, cloud.Token(serviceUrl, issuer: "https://api.botframework.example"));
                break;
            case "wrong serviceurl":
                // A token for one service URL cannot carry an activity that names another (where the bot would post its token).
                response = await teams.PostAsync(activity, cloud.Token("https://attacker.example/amer/"));
                break;
            case "HS256":
                response = await teams.PostAsync(activity, HmacToken(serviceUrl));
                break;
            case "emulator":
                response = await teams.PostAsync(activity, cloud.Token(serviceUrl, issuer: BotFrameworkCloud.EmulatorIssuers[0],
                    claims: new Dictionary<string, object> { ["appid"] = cloud.AppId, ["ver"] = "1.0" }));
                break;
            case "unendorsed channel":
                expected = HttpStatusCode.Forbidden;
                response = await teams.PostAsync(activity, cloud.Token(serviceUrl, kid: BotFrameworkCloud.SkypeOnlyKey));
                break;
            case "key without endorsements":
                expected = HttpStatusCode.Forbidden;
                response = await teams.PostAsync(activity, cloud.Token(serviceUrl, kid: BotFrameworkCloud.UnendorsedKey));
                break;
            case "other tenant":
                expected = HttpStatusCode.Forbidden;
                activity["conversation"]!["tenantId"] = "11111111-2222-3333-4444-555555555555";
                activity["channelData"]!["tenant"]!["id"] = "11111111-2222-3333-4444-555555555555";
                response = await teams.PostAsync(activity);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(why));
        }

        Assert.Equal(expected, response.StatusCode);
        // Refused before anything is stored or queued: the state is final the moment the answer is given.
        Assert.Equal(0, await app.WithDbAsync(db => db.InboundEvents.CountAsync()));
        Assert.Equal(0, await app.WithDbAsync(db => db.ConversationReferences.CountAsync(c => c.Channel == "msteams")));
        Assert.Equal(0, await app.WithDbAsync(db => db.Proposals.CountAsync()));
        Assert.Equal(0, await app.WithDbAsync(db => db.OutboxMessages.CountAsync()));
        Assert.Empty(cloud.Calls);

        // The same activity with a good token is handled: the refusal was for the reason under test.
        Assert.Equal(HttpStatusCode.OK, (await teams.PostAsync(teams.Message(TeamsChannel.PersonalChat, "draft the launch announcement"))).StatusCode);
        // Handled after the answer: the proposal appears once the queued turn has run.
        Assert.Equal(1, await app.WaitForAsync(async db => await db.Proposals.CountAsync() is var n and > 0 ? (int?)n : null));
    }

    [Fact]
    public async Task A_malformed_body_is_a_400_naming_no_internal_type_and_an_unknown_activity_type_is_acknowledged_and_ignored()
    {
        using var bad = new StringContent("{\"type\": \"message\", ", System.Text.Encoding.UTF8, "application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/messages") { Content = bad };
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + cloud.Token(cloud.ServiceUrl));
        var answer = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
        Assert.DoesNotContain("Missions.", await answer.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var wrongType = new StringContent("{\"type\": \"message\", \"from\": 42}", System.Text.Encoding.UTF8, "application/json");
        using var typed = new HttpRequestMessage(HttpMethod.Post, "/api/messages") { Content = wrongType };
        typed.Headers.TryAddWithoutValidation("Authorization", "Bearer " + cloud.Token(cloud.ServiceUrl));
        var typedAnswer = await http.SendAsync(typed);
        Assert.Equal(HttpStatusCode.BadRequest, typedAnswer.StatusCode);
        var detail = await typedAnswer.Content.ReadAsStringAsync();
        Assert.Contains("$.from", detail, StringComparison.Ordinal);
        Assert.DoesNotContain("Missions.", detail, StringComparison.Ordinal);

        var unknown = teams.Envelope("somethingNew", TeamsChannel.PersonalChat, "personal", "f:1");
        unknown["extraField"] = new JsonObject { ["nested"] = true };
        Assert.Equal(HttpStatusCode.OK, (await teams.PostAsync(unknown)).StatusCode);
        Assert.Equal(0, await app.WithDbAsync(db => db.Proposals.CountAsync()));
    }

    [Fact]
    public async Task Without_a_valid_token_a_malformed_or_oversized_body_is_refused_as_unauthorized_unread()
    {
        foreach (var body in new[] { "{\"type\": \"message\", ", new string('x', 600 * 1024), "" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/messages") { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") };
            var answer = await http.SendAsync(request);
            Assert.Equal(HttpStatusCode.Unauthorized, answer.StatusCode);
            Assert.DoesNotContain("Missions.", await answer.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using var forged = new HttpRequestMessage(HttpMethod.Post, "/api/messages") { Content = new StringContent(new string('x', 600 * 1024), System.Text.Encoding.UTF8, "application/json") };
        forged.Headers.TryAddWithoutValidation("Authorization", "Bearer " + HmacToken(cloud.ServiceUrl));
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.SendAsync(forged)).StatusCode);
        Assert.Equal(0, await app.WithDbAsync(db => db.InboundEvents.CountAsync()));
    }

    private string HmacToken(string serviceUrl)
    {
        var key = new SymmetricSecurityKey(new byte[32]) { KeyId = BotFrameworkCloud.TeamsKey };
        return new Microsoft.IdentityModel.JsonWebTokens.JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = BotFrameworkCloud.Issuer,
            Audience = cloud.AppId,
            Expires = DateTime.UtcNow.AddMinutes(10),
            Claims = new Dictionary<string, object> { ["serviceurl"] = serviceUrl },
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.HmacSha256),
        });
    }
}

/// <summary>Emulator tokens work only when switched on for development.</summary>
public sealed class EmulatorTokenTests
{
    [Fact]
    public async Task Emulator_tokens_are_accepted_when_enabled_and_must_name_this_app()
    {
        await using var cloud = await BotFrameworkCloud.StartAsync();
        await using var app = await MissionsApp.StartOnLoopbackAsync(Provider.Sqlite, cloud.HostSettings(new Dictionary<string, string?>
        {
            ["Missions:Teams:AllowEmulatorTokens"] = "true",
        }), services =>
        {
            cloud.Configure(services);
            services.PostConfigure<global::Missions.BotFramework.BotAuthenticationOptions>(o => o.EmulatorOpenIdMetadataUrl = new Uri(cloud.KeyServer, "emulator/.well-known/openid-configuration").ToString());
        });
        using var http = new HttpClient { BaseAddress = app.BaseAddress };
        var teams = new TeamsChannel(cloud, http);
        var activity = teams.Message(TeamsChannel.PersonalChat, "draft the launch announcement");

        var otherApp = cloud.Token(cloud.ServiceUrl, audience: "whatever", issuer: BotFrameworkCloud.EmulatorIssuers[0],
            claims: new Dictionary<string, object> { ["appid"] = Guid.NewGuid().ToString(), ["ver"] = "1.0" });
        Assert.Equal(HttpStatusCode.Unauthorized, (await teams.PostAsync(activity, otherApp)).StatusCode);

        var ours = cloud.Token(cloud.ServiceUrl, audience: "whatever", issuer: BotFrameworkCloud.EmulatorIssuers[0],
            claims: new Dictionary<string, object> { ["azp"] = cloud.AppId, ["ver"] = "2.0" });
        Assert.Equal(HttpStatusCode.OK, (await teams.PostAsync(activity, ours)).StatusCode);
        // Handled after the answer: the proposal appears once the queued turn has run.
        Assert.Equal(1, await app.WaitForAsync(async db => await db.Proposals.CountAsync() is var n and > 0 ? (int?)n : null));
    }
}
