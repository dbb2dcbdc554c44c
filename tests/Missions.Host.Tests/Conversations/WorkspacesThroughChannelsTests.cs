using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Missions.Host.Missions;
using Missions.Host.Tests.Infrastructure;

namespace Missions.Host.Tests.Conversations;

/// <summary>
/// Each channel, through its real endpoint, asks about missions of its own workspace only: the web chat (local), two
/// Teams tenants, two Discord servers. A mission of another workspace answers as if there were none, and is unchanged.
/// </summary>
public sealed class WorkspacesThroughChannelsTests
{
    private const string OtherTenant = "0d6b2a3c-1111-4222-8333-944455556666";
    private const string OtherServer = "881234567890123456";
    private const string OtherChannel = "881234567890999999";

    [Theory, Sqlite, Postgres]
    public async Task Web_chat_and_two_Teams_tenants_each_see_only_their_own_missions(Provider provider)
    {
        await using var cloud = await BotFrameworkCloud.StartAsync();
        await using var app = await MissionsApp.StartOnLoopbackAsync(provider, cloud.HostSettings(), cloud.Configure);
        using var http = new HttpClient { BaseAddress = app.BaseAddress };
        var teams = new TeamsChannel(cloud, http);
        await app.CreateMissionAsync("Plan the tenant offsite", extra: new { workspace = BotFrameworkCloud.Workspace });
        await app.CreateMissionAsync("Reconcile the October payouts");

        // Tenant A's person sees their mission, and M-2 (the web chat's) is no mission to them.
        await teams.PostAsync(teams.Message(TeamsChannel.PersonalChat, "show M-1"));
        var shown = (await cloud.WaitForCallsAsync(c => c.Card is not null)).Single();
        Assert.Contains("Plan the tenant offsite", shown.Card!.ToJsonString(), StringComparison.Ordinal);
        await teams.PostAsync(teams.Message(TeamsChannel.PersonalChat, "cancel M-2"));
        await cloud.WaitForCallsAsync(c => c.Text?.Contains("There is no mission M-2.", StringComparison.Ordinal) == true);

        // A person of another tenant, in their own chat: neither mission exists for them, and they change neither.
        var fromB = "a:1personal-chat-in-another-tenant";
        foreach (var (command, number) in new[] { ("show M-1", 1), ("comment M-1 mine now", 1), ("cancel M-1", 1), ("show M-2", 2), ("cancel M-2", 2) })
        {
            await teams.PostAsync(InTenant(teams.Message(fromB, command, userId: "29:mallory", userName: "Mallory"), OtherTenant));
            await cloud.WaitForCallsAsync(c => c.Path.Contains(TeamsChannel.Escaped(fromB), StringComparison.Ordinal) && c.Text?.Contains($"There is no mission M-{number}.", StringComparison.Ordinal) == true);
        }

        await teams.PostAsync(InTenant(teams.Message(fromB, "board", userId: "29:mallory", userName: "Mallory"), OtherTenant));
        var board = (await cloud.WaitForCallsAsync(c => c.Path.Contains(TeamsChannel.Escaped(fromB), StringComparison.Ordinal) && c.Card is not null)).Single();
        Assert.DoesNotContain("offsite", board.Card!.ToJsonString(), StringComparison.Ordinal);
        Assert.DoesNotContain("payouts", board.Card.ToJsonString(), StringComparison.Ordinal);

        // The web chat is the local workspace: the tenant's mission is no mission there.
        using var chat = await DirectLineClient.StartAsync(http);
        await chat.SendAsync("show M-1");
        await chat.PollAsync();
        Assert.Equal("There is no mission M-1.", chat.LastText());

        var missions = await app.WithDbAsync(db => db.Missions.AsNoTracking().ToListAsync());
        Assert.All(missions, m => Assert.Equal(MissionStatus.Backlog, m.Status));
        Assert.Equal(0, await app.WithDbAsync(db => db.Comments.CountAsync()));
    }

    [Theory, Sqlite, Postgres]
    public async Task Two_Discord_servers_each_see_only_their_own_missions(Provider provider)
    {
        await using var discord = await DiscordCloud.StartAsync();
        await using var app = await MissionsApp.StartAsync(provider, discord.HostSettings());
        using var client = app.CreateClient();
        await app.CreateMissionAsync("Plan the server game night", extra: new { workspace = DiscordCloud.Workspace });

        async Task<string> AskAsync(JsonObject command)
        {
            var (status, _) = await discord.SendAsync(client, command);
            Assert.Equal(HttpStatusCode.OK, status);
            var token = (string)command["token"]!;
            var edit = (await discord.WaitForCallsAsync(c => c.Method == "PATCH" && c.Path.EndsWith($"{token}/messages/@original", StringComparison.Ordinal))).Single();
            return edit.Body!.ToJsonString();
        }

        Assert.Contains("game night", await AskAsync(DiscordCloud.Slash("show", null, ("number", 4, JsonValue.Create(1)))), StringComparison.Ordinal);

        // A member of another server, where the bot is also installed: no such mission, no list of it.
        var elsewhere = InServer(DiscordCloud.Slash("show", DiscordCloud.Member("999", "Mallory", permissions: "32"), ("number", 4, JsonValue.Create(1))), OtherServer, OtherChannel);
        Assert.Contains("There is no mission M-1.", await AskAsync(elsewhere), StringComparison.Ordinal);
        var list = await AskAsync(InServer(DiscordCloud.Slash("list", DiscordCloud.Member("999", "Mallory")), OtherServer, OtherChannel));
        Assert.DoesNotContain("game night", list, StringComparison.Ordinal);
        Assert.Equal(MissionStatus.Backlog, await app.WithDbAsync(db => db.Missions.Select(m => m.Status).SingleAsync()));
    }

    /// <summary>The activity as it comes from a person of another tenant.</summary>
    private static JsonObject InTenant(JsonObject activity, string tenant)
    {
        activity["conversation"]!["tenantId"] = tenant;
        activity["channelData"]!["tenant"]!["id"] = tenant;
        return activity;
    }

    /// <summary>The interaction as it comes from another server's channel.</summary>
    private static JsonObject InServer(JsonObject interaction, string guild, string channel)
    {
        interaction["guild_id"] = guild;
        interaction["channel_id"] = channel;
        interaction["channel"] = new JsonObject { ["id"] = channel, ["type"] = 0, ["guild_id"] = guild };
        return interaction;
    }
}
