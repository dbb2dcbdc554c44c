using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Missions.Host.Proposals;
using Missions.Host.Tests.Infrastructure;

namespace Missions.Host.Tests.Discord;

/// <summary>
/// Discord end to end against a local Discord: signed interactions in, the product's answers and the REST calls out,
/// the messages as people see them after every edit.
/// </summary>
public sealed class DiscordFlowTests
{
    private static readonly Dictionary<string, string?> FastRuns = new()
    {
        ["Missions:Runs:OfflineStepDelay"] = "00:00:00.020",
        ["Missions:Runs:PollInterval"] = "00:00:00.200",
    };

    private static async Task<(DiscordCloud Discord, MissionsApp App, HttpClient Client)> StartAsync(Provider provider = Provider.Sqlite)
    {
        var discord = await DiscordCloud.StartAsync();
        var app = await MissionsApp.StartAsync(provider, discord.HostSettings(FastRuns));
        return (discord, app, app.CreateClient());
    }

    /// <summary>/mission new: a deferral at once, then the proposal edited into the response; returns the message's id.</summary>
    private static async Task<string> ProposeAsync(DiscordCloud discord, HttpClient client, JsonObject command)
    {
        var (status, answer) = await discord.SendAsync(client, command);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(5, (int)answer!["type"]!);
        var token = (string)command["token"]!;
        var edit = (await discord.WaitForCallsAsync(c => c.Method == "PATCH" && c.Path.EndsWith($"{token}/messages/@original", StringComparison.Ordinal))).Single();
        // The interaction's token authenticates the edit; no bot token goes with it.
        Assert.Equal("", edit.Authorization);
        return edit.MessageId!;
    }

    [Theory, Sqlite, Postgres]
    public async Task A_slash_command_becomes_a_proposal_and_Approve_makes_one_mission_in_place_however_often_it_is_clicked(Provider provider)
    {
        var (discord, app, client) = await StartAsync(provider);
        await using var _ = discord;
        await using var __ = app;

        var messageId = await ProposeAsync(discord, client, DiscordCloud.NewMission("Summarise competitor pricing by Friday, and ping @everyone"));
        var proposal = discord.Message(messageId)!;
        Assert.StartsWith("Mission proposal:", (string)proposal["embeds"]![0]!["title"]!, StringComparison.Ordinal);
        Assert.Equal(["Approve", "Edit", "Answer", "Reject"], DiscordCloud.ButtonLabels(proposal));
        // The request is echoed, so nothing in it may ping anyone.
        Assert.Empty(proposal["allowed_mentions"]!["parse"]!.AsArray());
        Assert.All(discord.Calls, c => Assert.StartsWith("DiscordBot (", c.UserAgent, StringComparison.Ordinal));

        var approve = DiscordCloud.ButtonId(proposal, "Approve");
        var (status, answer) = await discord.SendAsync(client, discord.Click(messageId, approve));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(7, (int)answer!["type"]!);
        var decided = answer["data"]!.AsObject();
        Assert.StartsWith("Approved as M-1", (string)decided["embeds"]![0]!["title"]!, StringComparison.Ordinal);
        Assert.Contains("Mason", decided["embeds"]![0]!["fields"]!.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal(["Run M-1 now"], DiscordCloud.ButtonLabels(decided));
        Assert.Empty(decided["allowed_mentions"]!["parse"]!.AsArray());

        // A second Approve (someone else, a double click): no second mission, the decision shown again.
        var (_, again) = await discord.SendAsync(client, discord.Click(messageId, approve, DiscordCloud.Member("111", "Ada")));
        Assert.Equal(7, (int)again!["type"]!);
        Assert.StartsWith("Approved as M-1", (string)again["data"]!["embeds"]![0]!["title"]!, StringComparison.Ordinal);
        Assert.Equal(1, await app.WithDbAsync(db => db.Missions.CountAsync()));

        // The message itself shows the decision too (edited with the bot token, so it outlives the interaction's token).
        var edited = await discord.WaitForCallsAsync(c => c.Method == "PATCH" && c.Path == $"channels/{DiscordCloud.ChannelId}/messages/{messageId}");
        Assert.Equal("Bot " + DiscordCloud.BotToken, edited[0].Authorization);
        Assert.StartsWith("Approved as M-1", (string)discord.Message(messageId)!["embeds"]![0]!["title"]!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Only_approvers_may_decide_and_anyone_else_is_told_so_privately_with_nothing_changed()
    {
        var (discord, app, client) = await StartAsync();
        await using var _ = discord;
        await using var __ = app;
        var messageId = await ProposeAsync(discord, client, DiscordCloud.NewMission("Draft the launch plan for the beta"));
        var proposal = discord.Message(messageId)!;

        foreach (var button in new[] { "Approve", "Edit", "Reject" })
        {
            var (_, refused) = await discord.SendAsync(client, discord.Click(messageId, DiscordCloud.ButtonId(proposal, button), DiscordCloud.Member("222", "Eve", approver: false)));
            Assert.Equal(4, (int)refused!["type"]!);
            Assert.Equal(64, (int)refused["data"]!["flags"]!);
            Assert.Contains("approver role", (string)refused["data"]!["content"]!, StringComparison.Ordinal);
        }

        Assert.Equal(ProposalStatus.Pending, await app.WithDbAsync(db => db.Proposals.Select(p => p.Status).SingleAsync()));

        // Manage Server (bit 5) is enough without the role.
        var (_, approved) = await discord.SendAsync(client, discord.Click(messageId, DiscordCloud.ButtonId(proposal, "Approve"), DiscordCloud.Member("333", "Owner", approver: false, permissions: "32")));
        Assert.Equal(7, (int)approved!["type"]!);
        Assert.Equal(1, await app.WithDbAsync(db => db.Missions.CountAsync()));
    }

    [Theory, Sqlite, Postgres]
    public async Task A_blueprint_chosen_on_the_message_shapes_the_proposal_and_Answer_keeps_the_context_for_the_mission(Provider provider)
    {
        var (discord, app, client) = await StartAsync(provider);
        await using var _ = discord;
        await using var __ = app;
        var messageId = await ProposeAsync(discord, client, DiscordCloud.NewMission("Write up the onboarding checklist"));
        var (select, options) = DiscordCloud.Select(discord.Message(messageId)!);
        Assert.Equal("No blueprint", options["none"]);
        var announcement = options.Single(o => o.Value == "Blueprint: Announcement draft").Key;

        // Choosing shapes it at once: the message shows the blueprint's tasks and checklist.
        var (_, shaped) = await discord.SendAsync(client, discord.Choose(messageId, select, announcement));
        Assert.Equal(7, (int)shaped!["type"]!);
        var embed = shaped["data"]!["embeds"]![0]!;
        Assert.Contains("1. Collect the facts", (string)embed["description"]!, StringComparison.Ordinal);
        Assert.Contains("• Audience?", (string)embed["description"]!, StringComparison.Ordinal);
        Assert.Contains("Announcement draft", embed["fields"]!.ToJsonString(), StringComparison.Ordinal);
        discord.Updated(messageId, shaped["data"]!.AsObject());

        // A choice made on the message as it was before is stale, and changes nothing.
        var (_, stale) = await discord.SendAsync(client, discord.Choose(messageId, select, "none"));
        Assert.Equal(64, (int)stale!["data"]!["flags"]!);

        // Answer: a modal with the questions (at most five), each with what was answered so far.
        var (_, modal) = await discord.SendAsync(client, discord.Click(messageId, DiscordCloud.ButtonId(discord.Message(messageId)!, "Answer")));
        Assert.Equal(9, (int)modal!["type"]!);
        var labels = modal["data"]!["components"]!.AsArray();
        Assert.InRange(labels.Count, 3, 5);
        var proposal = await app.WithDbAsync(db => db.Proposals.AsNoTracking().SingleAsync());
        var audience = proposal.Questions.IndexOf("Audience?");
        Assert.InRange(audience, 0, 4);
        var inputs = Enumerable.Range(0, labels.Count).Select(i => ((string)labels[i]!["component"]!["custom_id"]!, (JsonNode)JsonValue.Create(i == audience ? "New hires in their first week" : "")!)).ToArray();
        var (_, answered) = await discord.SendAsync(client, discord.Submit(messageId, (string)modal["data"]!["custom_id"]!, null, inputs));
        Assert.Contains("Audience? — New hires in their first week", (string)answered!["data"]!["embeds"]![0]!["description"]!, StringComparison.Ordinal);
        discord.Updated(messageId, answered["data"]!.AsObject());

        // Approved: the mission has the tasks and the context; its checklist is not all answered, so it waits (Run anyway).
        var (_, approved) = await discord.SendAsync(client, discord.Click(messageId, DiscordCloud.ButtonId(discord.Message(messageId)!, "Approve")));
        Assert.Contains("Not started by itself", (string)approved!["data"]!["embeds"]![0]!["description"]!, StringComparison.Ordinal);
        Assert.Equal(["Run anyway"], DiscordCloud.ButtonLabels(approved["data"]!.AsObject()));
        var mission = await app.WithDbAsync(db => db.Missions.AsNoTracking().SingleAsync());
        Assert.Equal(["Audience? — New hires in their first week"], mission.Context);
        Assert.Equal(3, await app.WithDbAsync(db => db.MissionTasks.CountAsync()));
    }

    [Fact]
    public async Task Edit_opens_the_proposal_in_a_modal_and_submitting_it_updates_the_proposal_in_place()
    {
        var (discord, app, client) = await StartAsync();
        await using var _ = discord;
        await using var __ = app;
        var messageId = await ProposeAsync(discord, client, DiscordCloud.NewMission("Write up the onboarding checklist"));
        var proposal = discord.Message(messageId)!;

        var (_, modal) = await discord.SendAsync(client, discord.Click(messageId, DiscordCloud.ButtonId(proposal, "Edit")));
        Assert.Equal(9, (int)modal!["type"]!);
        var form = modal["data"]!.AsObject();
        Assert.True(((string)form["title"]!).Length <= 45);
        var labels = form["components"]!.AsArray();
        Assert.Equal(5, labels.Count);
        Assert.All(labels, l => Assert.Equal(18, (int)l!["type"]!));
        // Inside a Label a text input must carry no label of its own.
        Assert.All(labels, l => Assert.Null(l!["component"]!["label"]));
        Assert.DoesNotContain("null", form.ToJsonString(), StringComparison.Ordinal);
        var assignee = labels.Single(l => (string?)l!["component"]!["custom_id"] == "assignee")!["component"]!;
        Assert.Equal(3, (int)assignee["type"]!);
        var staff = assignee["options"]!.AsArray().Select(o => (string)o!["value"]!).First(v => v != "none");

        var customId = (string)form["custom_id"]!;
        var (_, bad) = await discord.SendAsync(client, discord.Submit(messageId, customId, null, ("title", "Onboarding checklist"), ("objective", "A checklist a new hire can follow on day one."), ("assignee", new JsonArray(staff)), ("project", new JsonArray("none")), ("due", "next week")));
        Assert.Equal(64, (int)bad!["data"]!["flags"]!);
        Assert.Contains("YYYY-MM-DD", (string)bad["data"]!["content"]!, StringComparison.Ordinal);

        var (_, updated) = await discord.SendAsync(client, discord.Submit(messageId, customId, null, ("title", "Onboarding checklist"), ("objective", "A checklist a new hire can follow on day one."), ("assignee", new JsonArray(staff)), ("project", new JsonArray("none")), ("due", "2026-12-04")));
        Assert.Equal(7, (int)updated!["type"]!);
        var embed = updated["data"]!["embeds"]![0]!;
        Assert.Equal("Mission proposal: Onboarding checklist", (string)embed["title"]!);
        Assert.Contains("Fri 4 Dec 2026", embed["fields"]!.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal(["Approve", "Edit", "Answer", "Reject"], DiscordCloud.ButtonLabels(updated["data"]!.AsObject()));
        var stored = await app.WithDbAsync(db => db.Proposals.SingleAsync());
        Assert.Equal(("Onboarding checklist", 2L, new DateOnly(2026, 12, 4), ProposalStatus.Pending), (stored.Title, stored.Version, stored.DueDate!.Value, stored.Status));
        Assert.Equal(staff, stored.AssigneeId!.Value.ToString("N"));

        // The same form sent again is stale now: refused, nothing changed.
        var (_, stale) = await discord.SendAsync(client, discord.Submit(messageId, customId, null, ("title", "Something else"), ("objective", "Another objective entirely, long enough."), ("assignee", new JsonArray("none")), ("project", new JsonArray("none")), ("due", "")));
        Assert.Equal(64, (int)stale!["data"]!["flags"]!);
        Assert.Equal("Onboarding checklist", await app.WithDbAsync(db => db.Proposals.Select(p => p.Title).SingleAsync()));
    }

    [Fact]
    public async Task Reject_asks_for_a_reason_and_shows_the_decision_in_place()
    {
        var (discord, app, client) = await StartAsync();
        await using var _ = discord;
        await using var __ = app;
        var messageId = await ProposeAsync(discord, client, DiscordCloud.MessageCommand("Can someone compare our three CRM vendors on price?"));
        var proposal = discord.Message(messageId)!;
        Assert.Contains("CRM", proposal["embeds"]![0]!.ToJsonString(), StringComparison.Ordinal);

        var (_, modal) = await discord.SendAsync(client, discord.Click(messageId, DiscordCloud.ButtonId(proposal, "Reject")));
        Assert.Equal(9, (int)modal!["type"]!);
        var (_, rejected) = await discord.SendAsync(client, discord.Submit(messageId, (string)modal["data"]!["custom_id"]!, null, ("reason", "Not this quarter")));
        Assert.Equal(7, (int)rejected!["type"]!);
        var embed = rejected["data"]!["embeds"]![0]!;
        Assert.StartsWith("Rejected", (string)embed["title"]!, StringComparison.Ordinal);
        Assert.Contains("Not this quarter", embed["fields"]!.ToJsonString(), StringComparison.Ordinal);
        Assert.Empty(DiscordCloud.ButtonLabels(rejected["data"]!.AsObject()));
        Assert.Equal(0, await app.WithDbAsync(db => db.Missions.CountAsync()));

        // Reject once more: the decision is shown, no modal.
        var (_, again) = await discord.SendAsync(client, discord.Click(messageId, DiscordCloud.ButtonId(proposal, "Reject")));
        Assert.Equal(7, (int)again!["type"]!);
    }

    [Fact]
    public async Task A_run_posts_its_progress_in_the_channel_edited_in_place_and_Request_changes_starts_a_new_run()
    {
        var (discord, app, client) = await StartAsync();
        await using var _ = discord;
        await using var __ = app;
        var messageId = await ProposeAsync(discord, client, DiscordCloud.NewMission("Summarise the Q3 customer interviews"));
        var (_, approved) = await discord.SendAsync(client, discord.Click(messageId, DiscordCloud.ButtonId(discord.Message(messageId)!, "Approve")));
        var run = DiscordCloud.ButtonId(approved!["data"]!.AsObject(), "Run M-1 now");
        var (_, queued) = await discord.SendAsync(client, discord.Click(messageId, run));
        Assert.Equal(64, (int)queued!["data"]!["flags"]!);
        Assert.Contains("Queued a run of M-1", (string)queued["data"]!["content"]!, StringComparison.Ordinal);

        // The mission got a thread from its proposal's message, with its requester and approver in it.
        var thread = messageId;
        await discord.WaitForCallsAsync(c => c.Method == "POST" && c.Path == $"channels/{DiscordCloud.ChannelId}/messages/{messageId}/threads");
        Assert.Contains(discord.Calls, c => c.Method == "PUT" && c.Path == $"channels/{thread}/thread-members/53908232506183680");

        // The run's progress is one message in the thread, edited as the run went; the review prompt is a new message
        // there that pings the requester, and only them.
        var review = await discord.WaitForCallsAsync(c => c.Method == "POST" && c.Path == $"channels/{thread}/messages"
            && ((string?)c.Body?["embeds"]?[0]?["title"])?.StartsWith("M-1 is ready for review", StringComparison.Ordinal) == true);
        var posts = discord.Calls.Where(c => c.Method == "POST" && c.Path == $"channels/{thread}/messages" && c.Status == 200).ToList();
        var progress = Assert.Single(posts, c => ((string?)c.Body?["embeds"]?[0]?["title"])?.StartsWith("Run of M-1", StringComparison.Ordinal) == true);
        Assert.Contains(discord.Calls, c => c.Method == "PATCH" && c.Path == $"channels/{thread}/messages/{progress.MessageId}");
        Assert.DoesNotContain(discord.Calls, c => c.Method == "POST" && c.Path == $"channels/{DiscordCloud.ChannelId}/messages");
        var prompt = review[^1].Body!;
        Assert.Equal("<@53908232506183680> M-1 is ready for your review.", (string)prompt["content"]!);
        Assert.Equal("""{"parse":[],"users":["53908232506183680"]}""", prompt["allowed_mentions"]!.ToJsonString());

        var promptId = review[^1].MessageId!;
        var labels = DiscordCloud.ButtonLabels(discord.Message(promptId));
        Assert.Equal(["Approve", "Request changes", "Replay against the objective"], labels);

        var (_, modal) = await discord.SendAsync(client, discord.Click(promptId, DiscordCloud.ButtonId(discord.Message(promptId)!, "Request changes")));
        Assert.Equal(9, (int)modal!["type"]!);
        var (_, changed) = await discord.SendAsync(client, discord.Submit(promptId, (string)modal["data"]!["custom_id"]!, null, ("changes", "Add a section on pricing objections.")));
        Assert.Equal(7, (int)changed!["type"]!);
        Assert.Contains("Changes requested", changed["data"]!["embeds"]![0]!["fields"]!.ToJsonString(), StringComparison.Ordinal);
        await app.WaitForAsync(async db => await db.Runs.CountAsync() == 2 ? "two runs" : null);
    }

    [Fact]
    public async Task Where_the_bot_may_not_start_threads_a_missions_posts_stay_in_the_channel()
    {
        var (discord, app, client) = await StartAsync();
        await using var _ = discord;
        await using var __ = app;
        const string noThreads = "442368";
        JsonObject Without(JsonObject interaction)
        {
            interaction["app_permissions"] = noThreads;
            return interaction;
        }

        var messageId = await ProposeAsync(discord, client, Without(DiscordCloud.NewMission("Tidy up the FAQ page")));
        var (_, approved) = await discord.SendAsync(client, Without(discord.Click(messageId, DiscordCloud.ButtonId(discord.Message(messageId)!, "Approve"))));
        await discord.SendAsync(client, Without(discord.Click(messageId, DiscordCloud.ButtonId(approved!["data"]!.AsObject(), "Run M-1 now"))));

        await discord.WaitForCallsAsync(c => c.Method == "POST" && c.Path == $"channels/{DiscordCloud.ChannelId}/messages"
            && ((string?)c.Body?["embeds"]?[0]?["title"])?.StartsWith("M-1 is ready for review", StringComparison.Ordinal) == true);
        Assert.DoesNotContain(discord.Calls, c => c.Path.EndsWith("/threads", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_storm_of_429s_and_an_expired_interaction_token_lose_nothing()
    {
        var (discord, app, client) = await StartAsync();
        await using var _ = discord;
        await using var __ = app;
        var command = DiscordCloud.NewMission("Collect the open support tickets about billing");
        discord.ExpiredTokens[(string)command["token"]!] = true;
        var storm = 0;
        discord.Behaviour = (call, _) => call.Method == "POST" && call.Path.StartsWith("channels/", StringComparison.Ordinal) && Interlocked.Increment(ref storm) <= 4
            ? new DiscordCloud.Failure(429, new JsonObject { ["message"] = "You are being rate limited.", ["retry_after"] = 0.3, ["global"] = false })
            : null;

        var (status, answer) = await discord.SendAsync(client, command);
        Assert.Equal(5, (int)answer!["type"]!);

        // The token had expired: the bot posts the proposal in the channel instead, once, after the 429s.
        var posted = await discord.WaitForCallsAsync(c => c.Method == "POST" && c.Path == $"channels/{DiscordCloud.ChannelId}/messages");
        Assert.Single(posted);
        Assert.StartsWith("Mission proposal:", (string)posted[0].Body!["embeds"]![0]!["title"]!, StringComparison.Ordinal);
        Assert.Contains(discord.Calls, c => c.Status == 401);
        Assert.Equal(4, discord.Calls.Count(c => c.Status == 429));
        await Task.Delay(500);
        Assert.Single(discord.Calls, c => c.Method == "POST" && c.Path.StartsWith("channels/", StringComparison.Ordinal) && c.Status == 200);
        Assert.Equal(HttpStatusCode.OK, status);
    }
}
