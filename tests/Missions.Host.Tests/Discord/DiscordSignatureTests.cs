using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Missions.Discord;
using Missions.Host.Tests.Infrastructure;

namespace Missions.Host.Tests.Discord;

/// <summary>
/// Discord checks an endpoint by sending it forged requests: only a request signed with the application's key over
/// its timestamp (within five minutes of now) and exact bytes is handled; everything else is 401 before anything is
/// read or stored.
/// </summary>
public sealed class DiscordSignatureTests
{
    [Fact]
    public void The_documented_vector_verifies_and_its_altered_cases_do_not()
    {
        var vector = JsonNode.Parse(File.ReadAllText(Repository.Conformance("discord", "signatures", "dressed-signature-test-vector.json")))!;
        Assert.True(InteractionSignature.TryCreate((string)vector["public_key_hex"]!, out var signature));
        var cases = vector["cases"]!.AsArray();
        Assert.Equal(3, cases.Count);
        foreach (var c in cases)
        {
            var valid = signature!.Verify((string)vector["signature_hex"]!, (string)c!["timestamp"]!, Encoding.UTF8.GetBytes((string)c["body"]!));
            Assert.Equal((bool)c["expect_valid"]!, valid);
        }
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("zz")]
    [InlineData("66a27ecb1443a21f793f55fb80b2a9a8335bcd0b8421d1a5fa21491aeb1fe3")]
    [InlineData("not hex at all, but exactly sixty-four characters long, so no!!")]
    public void A_malformed_public_key_is_refused(string? key) => Assert.False(InteractionSignature.TryCreate(key, out _));

    [Fact]
    public async Task Forged_unsigned_and_altered_requests_are_401_and_change_nothing_while_a_signed_ping_is_answered_inline()
    {
        await using var discord = await DiscordCloud.StartAsync();
        await using var app = await MissionsApp.StartAsync(Provider.Sqlite, discord.HostSettings());
        using var client = app.CreateClient();

        var ping = new JsonObject { ["id"] = "1", ["application_id"] = DiscordCloud.ApplicationId, ["type"] = 1, ["token"] = "t", ["version"] = 1 };
        var (status, body) = await discord.SendAsync(client, ping);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(1, (int)body!["type"]!);

        var request = DiscordCloud.NewMission("Summarise competitor pricing by Friday");
        var json = request.ToJsonString();
        var (signature, timestamp) = discord.Sign(json);
        var otherKey = await DiscordCloud.StartAsync();
        var (forged, _) = otherKey.Sign(json, timestamp);
        await otherKey.DisposeAsync();
        // Signed with the right key, but over a timestamp that is not now: a recorded request sent again, or nonsense.
        string Seconds(TimeSpan from) => (DateTimeOffset.UtcNow + from).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var (hourOld, hourOldAt) = discord.Sign(json, Seconds(TimeSpan.FromHours(-1)));
        var (sixMinutesAhead, sixMinutesAheadAt) = discord.Sign(json, Seconds(TimeSpan.FromMinutes(6)));
        var (notANumber, notANumberAt) = discord.Sign(json, "abc");

        var attempts = new (string Name, string Body, string? Signature, string? Timestamp)[]
        {
            ("unsigned", json, null, null),
            ("no timestamp", json, signature, null),
            ("signed with another key", json, forged, timestamp),
            ("body altered after signing", json.Replace("Friday", "Monday", StringComparison.Ordinal), signature, timestamp),
            ("timestamp altered", json, signature, (long.Parse(timestamp, System.Globalization.CultureInfo.InvariantCulture) + 1).ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("signature not hex", json, new string('g', 128), timestamp),
            ("signature too short", json, signature[..126], timestamp),
            ("ping, unsigned", ping.ToJsonString(), null, null),
            ("signed an hour ago", json, hourOld, hourOldAt),
            ("signed six minutes ahead", json, sixMinutesAhead, sixMinutesAheadAt),
            ("signed over a timestamp that is not a number", json, notANumber, notANumberAt),
        };
        foreach (var attempt in attempts)
        {
            using var message = new HttpRequestMessage(HttpMethod.Post, "/api/discord/interactions") { Content = new StringContent(attempt.Body, Encoding.UTF8, "application/json") };
            if (attempt.Signature is not null)
            {
                message.Headers.Add(InteractionSignature.SignatureHeader, attempt.Signature);
            }

            if (attempt.Timestamp is not null)
            {
                message.Headers.Add(InteractionSignature.TimestampHeader, attempt.Timestamp);
            }

            using var response = await client.SendAsync(message);
            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{attempt.Name}: {(int)response.StatusCode}");
        }

        // Nothing was stored or sent; the real request, signed, is taken.
        Assert.Equal(0, await app.WithDbAsync(db => db.InboundEvents.CountAsync()));
        // (The Gateway connection asks where to connect; nothing else goes to Discord.)
        Assert.DoesNotContain(discord.Calls, c => c.Path != "gateway/bot");
        var (accepted, answer) = await discord.SendAsync(client, request);
        Assert.Equal(HttpStatusCode.OK, accepted);
        Assert.Equal(5, (int)answer!["type"]!);
    }

    [Fact]
    public async Task Without_a_public_key_there_is_no_endpoint_and_a_malformed_one_stops_the_host_naming_the_key()
    {
        await using (var app = await MissionsApp.StartAsync(Provider.Sqlite))
        {
            using var client = app.CreateClient();
            var response = await client.PostAsync("/api/discord/interactions", new StringContent("{}", Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }

        var failure = await Assert.ThrowsAnyAsync<Exception>(() => MissionsApp.StartAsync(Provider.Sqlite, new Dictionary<string, string?>
        {
            ["Missions:Discord:PublicKey"] = "abc",
            ["Missions:Discord:ApplicationId"] = "not-a-snowflake",
        }));
        var message = failure.ToString();
        Assert.Contains("Missions:Discord:PublicKey", message, StringComparison.Ordinal);
        Assert.Contains("Missions:Discord:ApplicationId", message, StringComparison.Ordinal);
    }
}
