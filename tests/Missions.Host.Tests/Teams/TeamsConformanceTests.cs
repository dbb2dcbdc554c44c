using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Missions.Host.Tests.Infrastructure;

namespace Missions.Host.Tests.Teams;

/// <summary>Every documented example activity in tests/conformance/teams/activities is accepted and handled or ignored.</summary>
public sealed class TeamsConformanceTests
{
    public static TheoryData<string> Activities()
    {
        var data = new TheoryData<string>();
        var folder = Repository.Conformance("teams", "activities");
        foreach (var file in Directory.GetFiles(folder, "*.json").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(file));
        }

        return data;
    }

    [Theory, MemberData(nameof(Activities))]
    public async Task A_documented_activity_is_accepted_and_answered_as_Teams_expects(string file)
    {
        await using var cloud = await BotFrameworkCloud.StartAsync();
        await using var app = await MissionsApp.StartOnLoopbackAsync(Provider.Sqlite, cloud.HostSettings(), cloud.Configure);
        using var http = new HttpClient { BaseAddress = app.BaseAddress };
        var teams = new TeamsChannel(cloud, http);

        var activity = JsonNode.Parse(await File.ReadAllTextAsync(Repository.Conformance("teams", "activities", file)))!.AsObject();
        // The documented samples point at Microsoft's hosts; the service URL is moved to the local Connector (its
        // path kept), and the envelope a doc snippet leaves out is filled in as Teams sends it. Nothing else changes.
        var path = Uri.TryCreate((activity["serviceUrl"] as JsonValue)?.ToString(), UriKind.Absolute, out var original) ? original.AbsolutePath.TrimStart('/') : "amer/";
        activity["serviceUrl"] = new Uri(cloud.Connector, path).ToString();
        activity["channelId"] ??= "msteams";
        activity["id"] ??= "f:" + Guid.NewGuid();
        activity["conversation"] ??= new JsonObject { ["id"] = TeamsChannel.PersonalChat, ["conversationType"] = "personal" };
        activity["from"] ??= new JsonObject { ["id"] = "29:someone", ["name"] = "Someone" };
        activity["recipient"] ??= new JsonObject { ["id"] = teams.BotId, ["name"] = "Missions" };

        var response = await teams.PostAsync(activity);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{file}: {(int)response.StatusCode} {body}");

        var type = activity["type"]!.GetValue<string>();
        var conversation = activity["conversation"]!["id"]!.GetValue<string>();
        var botAdded = type == "installationUpdate" && (activity["action"] as JsonValue)?.ToString() == "add"
            || type == "conversationUpdate" && activity["membersAdded"] is JsonArray added
                && added.Any(m => m?["id"]?.GetValue<string>() == activity["recipient"]!["id"]!.GetValue<string>());
        if (botAdded)
        {
            // The conversation is remembered and welcomed, through the Connector, in that conversation.
            var welcome = (await cloud.WaitForCallsAsync(c => c.Text?.Contains("I'm Missions", StringComparison.Ordinal) == true)).Single();
            Assert.Equal("POST", welcome.Method);
            Assert.EndsWith($"/v3/conversations/{Uri.EscapeDataString(conversation)}/activities", welcome.Path, StringComparison.Ordinal);
            Assert.Equal(1, await app.WithDbAsync(db => db.ConversationReferences.CountAsync(c => c.Channel == "msteams")));
        }
        else if (type == "invoke")
        {
            // A refresh for a card that is not ours: answered with a message saying so, not an error, and nothing sent.
            var answer = JsonNode.Parse(body)!;
            Assert.Equal(200, answer["statusCode"]!.GetValue<int>());
            Assert.Equal("application/vnd.microsoft.activity.message", answer["type"]!.GetValue<string>());
            Assert.Contains("older card", answer["value"]!.GetValue<string>(), StringComparison.Ordinal);
            Assert.Equal(0, await app.WithDbAsync(db => db.OutboxMessages.CountAsync()));
        }
        else if (type == "message")
        {
            // A request: the proposal card comes back as a reply to that very message, in its conversation (and thread).
            var reply = (await cloud.WaitForCallsAsync(c => c.Card is not null)).Single();
            Assert.Equal("POST", reply.Method);
            Assert.EndsWith($"/v3/conversations/{Uri.EscapeDataString(conversation)}/activities/{Uri.EscapeDataString(activity["id"]!.GetValue<string>())}", reply.Path, StringComparison.Ordinal);
            Assert.Contains("Mission proposal", reply.Card!.ToJsonString(), StringComparison.Ordinal);
            Assert.Equal(1, await app.WithDbAsync(db => db.Proposals.CountAsync()));
        }
        else
        {
            // Everything else is acknowledged and changes nothing the bot would say: nothing is waiting to be sent.
            Assert.Equal(0, await app.WithDbAsync(db => db.OutboxMessages.CountAsync()));
            Assert.Equal(0, await app.WithDbAsync(db => db.Proposals.CountAsync()));
            Assert.Empty(cloud.Calls);
        }
    }
}
