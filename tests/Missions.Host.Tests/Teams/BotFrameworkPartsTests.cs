using System.Text.Json;
using System.Text.Json.Nodes;
using Missions.BotFramework;
using Missions.Host.Tests.Infrastructure;

namespace Missions.Host.Tests.Teams;

/// <summary>The protocol pieces on their own: mention removal, Connector errors, where the token may go, URLs.</summary>
public sealed class BotFrameworkPartsTests
{
    [ConformanceFact]
    public void The_bot_mention_is_removed_even_when_the_entity_text_differs_from_the_message_text()
    {
        // The documented sample: entity text "<at>@Pranav Smith</at>", message text "<at>Pranav Smith</at>".
        var activity = JsonSerializer.Deserialize<Activity>(File.ReadAllText(Repository.Conformance("teams", "activities", "docs-message-channel-with-mention.json")), BotJson.Options)!;
        activity.Recipient = new ChannelAccount { Id = (activity.Entities![0]["mentioned"]!["id"] as JsonValue)!.ToString() };
        Assert.Equal("Hey check out this message", Mentions.RemoveRecipientMention(activity));
    }

    [Fact]
    public void Only_the_bots_own_mention_goes_and_other_mentions_keep_the_name()
    {
        var activity = new Activity
        {
            Text = "<at>Missions</at> ask <at>Dana</at> to draft the FAQ",
            Recipient = new ChannelAccount { Id = "28:bot" },
            Entities =
            [
                new JsonObject { ["type"] = "mention", ["mentioned"] = new JsonObject { ["id"] = "28:bot", ["name"] = "Missions" }, ["text"] = "<at>Missions</at>" },
                new JsonObject { ["type"] = "mention", ["mentioned"] = new JsonObject { ["id"] = "29:dana", ["name"] = "Dana" }, ["text"] = "<at>Dana</at>" },
            ],
        };
        Assert.Equal("ask Dana to draft the FAQ", Mentions.RemoveRecipientMention(activity));
    }

    [ConformanceFact]
    public void Connector_errors_are_read_in_both_shapes()
    {
        var blocked = ConnectorClient.ReadError(File.ReadAllText(Repository.Conformance("teams", "rest", "docs-403-MessageWritesBlocked-response-body.json")));
        Assert.Equal("MessageWritesBlocked", blocked.Code);
        var standard = ConnectorClient.ReadError("""{"error":{"code":"ConversationNotFound","message":"no such conversation"}}""");
        Assert.Equal(("ConversationNotFound", "no such conversation"), standard);
        Assert.Equal((null, "<html>bad gateway</html>"), ConnectorClient.ReadError("<html>bad gateway</html>"));
    }

    [Fact]
    public void The_token_goes_only_to_Bot_Framework_hosts_or_service_urls_that_arrived_with_a_validated_token()
    {
        var policy = new ServiceUrlPolicy();
        Assert.True(policy.IsAllowed(new Uri("https://smba.trafficmanager.net/amer/tenant/")));
        Assert.True(policy.IsAllowed(new Uri("https://europe.webchat.botframework.com/")));
        Assert.False(policy.IsAllowed(new Uri("https://attacker.example/amer/")));
        Assert.False(policy.IsAllowed(new Uri("https://smba.trafficmanager.net.attacker.example/")));
        Assert.False(policy.IsAllowed(new Uri("http://smba.trafficmanager.net/amer/")));
        Assert.False(policy.IsAllowed(new Uri("http://127.0.0.1:3978/")));
        policy.Trust("http://127.0.0.1:3978/amer/");
        Assert.True(policy.IsAllowed(new Uri("http://127.0.0.1:3978/")));
    }

    [Fact]
    public async Task A_disallowed_service_url_is_refused_before_any_request_is_made()
    {
        using var http = new HttpClient(new ThrowingHandler());
        var client = new ConnectorClient(http, new NoConnectorToken(), new ServiceUrlPolicy());
        var error = await Assert.ThrowsAsync<ConnectorException>(() =>
            client.SendToConversationAsync("https://attacker.example/", "a:1", Activity.Message("hi"), CancellationToken.None));
        Assert.Equal("ServiceUrlNotAllowed", error.Code);
    }

    [Fact]
    public void The_service_url_keeps_its_path()
    {
        Assert.Equal("https://smba.trafficmanager.net/amer/t1/", ConnectorClient.BaseOf("https://smba.trafficmanager.net/amer/t1").ToString());
        Assert.Equal("https://smba.trafficmanager.net/amer/", ConnectorClient.BaseOf("https://smba.trafficmanager.net/amer/").ToString());
        Assert.Throws<ArgumentException>(() => ConnectorClient.BaseOf("ftp://example.com/"));
    }

    [Fact]
    public void Unknown_fields_are_kept_on_input_and_nothing_unset_is_written_on_output()
    {
        var activity = JsonSerializer.Deserialize<Activity>("""{"type":"message","text":"hi","futureField":{"x":1},"from":{"id":"29:a","tenantHint":"t"}}""", BotJson.Options)!;
        Assert.True(activity.Extra!.ContainsKey("futureField"));
        Assert.True(activity.From!.Extra!.ContainsKey("tenantHint"));

        var outbound = JsonSerializer.SerializeToNode(Activity.Message("Hello"), BotJson.Options)!.AsObject();
        Assert.Equal(["text", "textFormat", "type"], outbound.Select(p => p.Key).Order(StringComparer.Ordinal));
    }

    private sealed class ThrowingHandler : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("No request may be made.");
    }
}
