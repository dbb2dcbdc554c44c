using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Missions.Host.Conversations;
using Missions.Host.Outbox;
using Missions.Host.Tests.Infrastructure;

namespace Missions.Host.Tests.Teams;

/// <summary>Delivery through the Connector: Teams' per-conversation limits, 429 Retry-After, retries, and a closed conversation.</summary>
public sealed class TeamsDeliveryTests
{
    private static async Task<(BotFrameworkCloud Cloud, MissionsApp App, Guid Reference)> StartWithConversationAsync()
    {
        var cloud = await BotFrameworkCloud.StartAsync();
        var app = await MissionsApp.StartOnLoopbackAsync(Provider.Sqlite, cloud.HostSettings(), cloud.Configure);
        using var http = new HttpClient { BaseAddress = app.BaseAddress };
        var teams = new TeamsChannel(cloud, http);
        await teams.PostAsync(teams.Message(TeamsChannel.PersonalChat, "help"));
        await cloud.WaitForCallsAsync(_ => true);
        var reference = await app.WithDbAsync(db => db.ConversationReferences.Where(c => c.Channel == "msteams").Select(c => c.Id).SingleAsync());
        return (cloud, app, reference);
    }

    private static Task EnqueueAsync(MissionsApp app, Guid reference, int count, string prefix) =>
        app.ShowAsync(reference, Enumerable.Range(1, count).Select(i => new NoticeView($"{prefix} {i:D3}")));

    [Fact]
    public async Task A_burst_of_200_messages_to_one_conversation_arrives_in_order_within_Teams_limits_with_429s_honoured()
    {
        var (cloud, app, reference) = await StartWithConversationAsync();
        await using var _ = cloud;
        await using var __ = app;
        var throttled = new HashSet<int> { 12, 13, 70, 140 };
        cloud.Behaviour = (call, index) => throttled.Contains(index)
            ? new BotFrameworkCloud.Failure(429, """{"error":{"code":"TooManyRequests","message":"Too many requests"}}""", TimeSpan.FromSeconds(1))
            : null;

        await EnqueueAsync(app, reference, 200, "Burst");
        var delivered = await cloud.WaitForCallsAsync(c => c.Text?.StartsWith("Burst", StringComparison.Ordinal) == true, 200, TimeSpan.FromMinutes(4));

        // In order, each exactly once.
        Assert.Equal(Enumerable.Range(1, 200).Select(i => $"Burst {i:D3}"), delivered.Select(c => c.Text));

        // Never faster than Teams allows per conversation, counting every attempt (the 429s too).
        var times = cloud.Calls.Select(c => c.At).Order().ToArray();
        foreach (var (count, window) in new[] { (7, 1.0), (8, 2.0), (60, 30.0) })
        {
            for (var i = 0; i < times.Length; i++)
            {
                // A few milliseconds of slack for the network between the host's clock and the Connector's.
                var inWindow = times.Count(t => t <= times[i] && t > times[i] - TimeSpan.FromSeconds(window) + TimeSpan.FromMilliseconds(30));
                Assert.True(inWindow <= count, $"{inWindow} sends within {window} s before {times[i]:HH:mm:ss.fff}; the limit is {count}.");
            }
        }

        // Each 429 was followed by a wait of at least its Retry-After.
        var all = cloud.Calls.ToArray();
        var refused = all.Where(c => c.Status == 429).ToArray();
        Assert.Equal(4, refused.Length);
        foreach (var call in refused)
        {
            var next = all.Where(c => c.At > call.At).Min(c => c.At);
            Assert.True(next - call.At >= TimeSpan.FromMilliseconds(950), $"retried {(next - call.At).TotalMilliseconds} ms after a 429 asking for 1 s");
        }

        Assert.Equal(200, await app.WithDbAsync(db => db.OutboxMessages.CountAsync(o => o.Status == OutboxStatus.Sent && o.PayloadJson.Contains("Burst"))));
    }

    [Fact]
    public async Task Service_unavailable_is_retried_and_MessageWritesBlocked_closes_the_conversation_without_a_retry_storm()
    {
        var (cloud, app, reference) = await StartWithConversationAsync();
        await using var _ = cloud;
        await using var __ = app;

        // Two 503s, then it passes: delivered once, in order.
        var failures = 0;
        cloud.Behaviour = (call, index) => call.Text?.StartsWith("Flaky", StringComparison.Ordinal) == true && Interlocked.Increment(ref failures) <= 2
            ? new BotFrameworkCloud.Failure(503, "")
            : null;
        await EnqueueAsync(app, reference, 2, "Flaky");
        var flaky = await cloud.WaitForCallsAsync(c => c.Text?.StartsWith("Flaky", StringComparison.Ordinal) == true, 2);
        Assert.Equal(["Flaky 001", "Flaky 002"], flaky.Select(c => c.Text));
        Assert.Equal(2, cloud.Calls.Count(c => c.Status == 503));

        // The bot was blocked: Teams answers 403 with MessageWritesBlocked in its own error shape.
        var blockedBody = await File.ReadAllTextAsync(Repository.Conformance("teams", "rest", "docs-403-MessageWritesBlocked-response-body.json"));
        cloud.Behaviour = (call, index) => call.Text?.StartsWith("Blocked", StringComparison.Ordinal) == true ? new BotFrameworkCloud.Failure(403, blockedBody) : null;
        await EnqueueAsync(app, reference, 5, "Blocked");

        var closed = await app.WaitForAsync(db => db.ConversationReferences.Where(c => c.Id == reference).Select(c => c.ClosedAt).SingleAsync());
        Assert.NotNull(closed);
        // Every Blocked message ends abandoned: a final state, so nothing of them can be tried again.
        await app.WaitForAsync(async db => await db.OutboxMessages.CountAsync(o => o.Status == OutboxStatus.Abandoned) == 5 ? (bool?)true : null);
        Assert.Equal(0, await app.WithDbAsync(db => db.OutboxMessages.CountAsync(o => o.Status == OutboxStatus.Pending)));
        // One attempt, then nothing more: no retry storm into a conversation that is closed to us.
        Assert.Equal(1, cloud.Calls.Count(c => c.Text?.StartsWith("Blocked", StringComparison.Ordinal) == true));

        // Later messages for it are not even written: nothing is waiting to be sent there.
        await EnqueueAsync(app, reference, 1, "After");
        Assert.Equal(0, await app.WithDbAsync(db => db.OutboxMessages.CountAsync(o => o.PayloadJson.Contains("After"))));
        Assert.DoesNotContain(cloud.Calls, c => c.Text?.StartsWith("After", StringComparison.Ordinal) == true);
    }

    [Theory, Postgres]
    public async Task Two_dispatchers_deliver_each_message_once_in_order_when_the_Connector_asks_to_wait_longer_than_a_claim_lasts(Provider provider)
    {
        await using var cloud = await BotFrameworkCloud.StartAsync();
        // A claim lasts a second and a half; the Connector asks for two seconds' patience and sometimes takes three to answer.
        var settings = cloud.HostSettings(new Dictionary<string, string?>
        {
            ["Missions:Outbox:Lease"] = "00:00:01.500",
            ["Missions:Outbox:PollInterval"] = "00:00:00.100",
        });
        await using var first = await MissionsApp.StartOnLoopbackAsync(provider, settings, cloud.Configure);
        await using var second = first.WithServices(cloud.Configure);
        using var http = new HttpClient { BaseAddress = first.BaseAddress };
        var teams = new TeamsChannel(cloud, http);
        await teams.PostAsync(teams.Message(TeamsChannel.PersonalChat, "help"));
        await cloud.WaitForCallsAsync(_ => true);
        var reference = await first.WithDbAsync(db => db.ConversationReferences.Where(c => c.Channel == "msteams").Select(c => c.Id).SingleAsync());

        string[] paced = ["Paced 02", "Paced 05", "Paced 10"];
        var refused = new System.Collections.Concurrent.ConcurrentDictionary<string, bool>();
        cloud.Behaviour = (call, _) => call.Text is { } text && paced.Contains(text) && refused.TryAdd(text, true)
            ? new BotFrameworkCloud.Failure(429, """{"error":{"code":"TooManyRequests","message":"Too many requests"}}""", TimeSpan.FromSeconds(2))
            : null;
        cloud.Latency = call => call.Text is "Paced 03" or "Paced 07" ? TimeSpan.FromSeconds(3) : null;

        await first.ShowAsync(reference, Enumerable.Range(1, 12).Select(i => new NoticeView($"Paced {i:D2}")));

        // Every message ends sent (a final state: no host delivers a sent message again), each delivered once, in order.
        await first.WaitForAsync(async db => await db.OutboxMessages.CountAsync(o => o.PayloadJson.Contains("Paced") && o.Status == OutboxStatus.Sent) == 12 ? (bool?)true : null);
        var delivered = cloud.Calls.Where(c => c.Status < 300 && c.Text?.StartsWith("Paced", StringComparison.Ordinal) == true).Select(c => c.Text).ToList();
        Assert.Equal(Enumerable.Range(1, 12).Select(i => $"Paced {i:D2}"), delivered);
        // The refused ones were tried again no sooner than asked.
        var refusals = cloud.Calls.Where(c => c.Status == 429).ToList();
        Assert.Equal(paced, refusals.Select(c => c.Text));
        foreach (var refusal in refusals)
        {
            var retry = cloud.Calls.First(c => c.Status < 300 && c.Text == refusal.Text);
            Assert.True(retry.At - refusal.At >= TimeSpan.FromSeconds(1.9), $"{refusal.Text} was tried again {(retry.At - refusal.At).TotalMilliseconds} ms after a 429 asking for 2 s");
        }
    }
}
