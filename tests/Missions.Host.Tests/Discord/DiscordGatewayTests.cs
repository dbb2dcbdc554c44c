using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Missions.Host.Data;
using Missions.Host.Discord;
using Missions.Host.Tests.Infrastructure;

namespace Missions.Host.Tests.Discord;

/// <summary>Mentions of the bot heard over a Gateway connection that survives drops, reconnects and a host that dies.</summary>
public sealed class DiscordGatewayTests
{
    private static readonly Dictionary<string, string?> ShortLease = new() { ["Missions:Discord:Gateway:Lease"] = "00:00:03" };

    private static long nextMessage = 1_300_000_000_000_000_000;

    private static JsonObject Message(string content, bool mentionUser = true, bool mentionRole = false, bool bot = false, string? webhook = null) => new()
    {
        ["id"] = Interlocked.Increment(ref nextMessage).ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["channel_id"] = DiscordCloud.ChannelId,
        ["guild_id"] = DiscordCloud.GuildId,
        ["author"] = new JsonObject { ["id"] = bot ? "555" : "53908232506183680", ["username"] = bot ? "otherbot" : "mason", ["global_name"] = bot ? null : "Mason", ["bot"] = bot ? true : null },
        ["member"] = new JsonObject { ["nick"] = null, ["roles"] = new JsonArray() },
        ["content"] = content,
        ["mentions"] = mentionUser ? new JsonArray(new JsonObject { ["id"] = DiscordGatewayFake.BotUserId, ["username"] = "Missions", ["bot"] = true }) : new JsonArray(),
        ["mention_roles"] = mentionRole ? new JsonArray(DiscordGatewayFake.BotRoleId) : new JsonArray(),
        ["webhook_id"] = webhook,
        ["type"] = 0,
    };

    private static Task<DiscordCloud.ApiCall[]> ProposalRepliesAsync(DiscordCloud discord, string messageId, int count = 1) =>
        discord.WaitForCallsAsync(c => c.Method == "POST" && c.Path == $"channels/{DiscordCloud.ChannelId}/messages"
            && (string?)c.Body?["message_reference"]?["message_id"] == messageId, count);

    [Fact]
    public async Task A_mention_of_the_bot_or_its_role_becomes_a_proposal_replied_to_it_and_other_messages_are_ignored()
    {
        await using var discord = await DiscordCloud.StartAsync();
        await using var app = await MissionsApp.StartAsync(Provider.Sqlite, discord.HostSettings(ShortLease));
        await discord.Gateway.WaitForAsync(() => discord.Gateway.Identifies.Count == 1 && discord.Gateway.Connected, "identify");
        var identify = discord.Gateway.Identifies[0]["d"]!;
        Assert.Equal((DiscordCloud.BotToken, 513), ((string)identify["token"]!, (int)identify["intents"]!));

        await discord.Gateway.DispatchAsync("MESSAGE_CREATE", Message("hello everyone, no bot here", mentionUser: false));
        await discord.Gateway.DispatchAsync("MESSAGE_CREATE", Message($"<@{DiscordGatewayFake.BotUserId}> I am a bot talking to a bot", bot: true));
        await discord.Gateway.DispatchAsync("MESSAGE_CREATE", Message($"<@{DiscordGatewayFake.BotUserId}> from a webhook", webhook: "777"));
        var mention = Message($"<@{DiscordGatewayFake.BotUserId}> draft the launch plan for the beta by Friday");
        await discord.Gateway.DispatchAsync("MESSAGE_CREATE", mention);
        var byRole = Message($"<@&{DiscordGatewayFake.BotRoleId}> compare the three CRM vendors on price", mentionUser: false, mentionRole: true);
        await discord.Gateway.DispatchAsync("MESSAGE_CREATE", byRole);

        var reply = (await ProposalRepliesAsync(discord, (string)mention["id"]!)).Single();
        var embed = reply.Body!["embeds"]![0]!;
        Assert.StartsWith("Mission proposal:", (string)embed["title"]!, StringComparison.Ordinal);
        Assert.DoesNotContain(DiscordGatewayFake.BotUserId, embed.ToJsonString(), StringComparison.Ordinal);
        Assert.Empty(reply.Body["allowed_mentions"]!["parse"]!.AsArray());
        await ProposalRepliesAsync(discord, (string)byRole["id"]!);

        await Task.Delay(500);
        Assert.Equal(2, await app.WithDbAsync(db => db.Proposals.CountAsync()));
        Assert.Equal(["Mason", "Mason"], await app.WithDbAsync(db => db.Proposals.Select(p => p.RequestedByName!).ToListAsync()));
    }

    [Fact]
    public async Task A_dropped_connection_resumes_without_losing_the_mention_and_reconnect_invalid_session_and_silence_are_handled()
    {
        await using var discord = await DiscordCloud.StartAsync();
        await using var app = await MissionsApp.StartAsync(Provider.Sqlite, discord.HostSettings(ShortLease));
        var gateway = discord.Gateway;
        await gateway.WaitForAsync(() => gateway.Identifies.Count == 1 && gateway.Connected, "identify");
        await gateway.WaitForAsync(() => gateway.Received.Any(f => (int)f["op"]! == 1), "a heartbeat");

        // The connection drops; a mention is sent while it is down; the client resumes and is sent it.
        gateway.Drop();
        var missed = Message($"<@{DiscordGatewayFake.BotUserId}> write up the onboarding checklist");
        await gateway.DispatchAsync("MESSAGE_CREATE", missed);
        await gateway.WaitForAsync(() => gateway.Resumes.Count == 1 && gateway.Connected, "a resume");
        var resume = gateway.Resumes[0]["d"]!;
        Assert.Equal((gateway.SessionId, DiscordCloud.BotToken), ((string)resume["session_id"]!, (string)resume["token"]!));
        await ProposalRepliesAsync(discord, (string)missed["id"]!);
        Assert.Single(gateway.Identifies);

        // RECONNECT: resume again.
        await gateway.SendOpAsync(7);
        await gateway.WaitForAsync(() => gateway.Resumes.Count == 2 && gateway.Connected, "a resume after RECONNECT");

        // A silent (zombie) connection: no ACK, so the client closes it and resumes.
        gateway.AckHeartbeats = false;
        await gateway.WaitForAsync(() => gateway.Resumes.Count == 3, "a resume after unanswered heartbeats");
        gateway.AckHeartbeats = true;

        // INVALID_SESSION, not resumable: a new session, identified after a short wait.
        await gateway.WaitForAsync(() => gateway.Connected, "connected");
        await gateway.SendOpAsync(9, JsonValue.Create(false));
        await gateway.WaitForAsync(() => gateway.Identifies.Count == 2 && gateway.Connected, "a new identify after INVALID_SESSION");

        // The mention was handled once, whatever was replayed.
        await Task.Delay(300);
        Assert.Equal(1, await app.WithDbAsync(db => db.Proposals.CountAsync()));
    }

    [Fact]
    public async Task Closed_with_a_code_that_forbids_reconnecting_the_client_stops()
    {
        await using var discord = await DiscordCloud.StartAsync();
        await using var app = await MissionsApp.StartAsync(Provider.Sqlite, discord.HostSettings(ShortLease));
        await discord.Gateway.WaitForAsync(() => discord.Gateway.Identifies.Count == 1 && discord.Gateway.Connected, "identify");

        await discord.Gateway.CloseAsync(4004, "Authentication failed.");
        await Task.Delay(2500);
        Assert.Equal(1, discord.Gateway.Connections);
        Assert.Null(app.Services.GetRequiredService<DiscordGatewayService>().Gateway);
    }

    [Fact]
    public async Task One_host_holds_the_connection_and_another_takes_over_and_resumes_when_it_stops()
    {
        await using var discord = await DiscordCloud.StartAsync();
        var first = await MissionsApp.StartAsync(Provider.Sqlite, discord.HostSettings(ShortLease));
        var second = first.WithServices(_ => { });
        await discord.Gateway.WaitForAsync(() => discord.Gateway.Identifies.Count == 1 && discord.Gateway.Connected, "identify");
        await Task.Delay(1500);
        Assert.Equal(1, discord.Gateway.Connections);

        var holder = await first.WithDbAsync(db => db.HostLeases.AsNoTracking().SingleAsync(l => l.Name == DiscordGatewayService.LeaseName));
        Assert.Contains(discord.Gateway.SessionId, holder.State, StringComparison.Ordinal);
        var firstHolds = first.Services.GetRequiredService<DiscordGatewayService>().Gateway is not null;
        var (holding, waiting) = firstHolds ? (first, second) : (second, first);

        // The holder stops; the other host takes over the session and resumes it (no second identify).
        holding.GiveDatabaseTo(waiting);
        await holding.DisposeAsync();
        await discord.Gateway.WaitForAsync(() => discord.Gateway.Resumes.Count == 1 && discord.Gateway.Connected, "the other host resuming");
        Assert.Single(discord.Gateway.Identifies);
        Assert.NotNull(waiting.Services.GetRequiredService<DiscordGatewayService>().Gateway);

        var mention = Message($"<@{DiscordGatewayFake.BotUserId}> summarise the Q3 interviews");
        await discord.Gateway.DispatchAsync("MESSAGE_CREATE", mention);
        await ProposalRepliesAsync(discord, (string)mention["id"]!);
        await waiting.DisposeAsync();
    }
}
