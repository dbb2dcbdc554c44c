using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Missions.Host.Proposals;
using Missions.Host.Tests.Infrastructure;
using Missions.Host.WebChat;
using Moq;

namespace Missions.Host.Tests.WebChat;

/// <summary>Direct Line's answers to what goes wrong: bad tokens, ended conversations, malformed posts, failing turns.</summary>
public sealed class DirectLineProtocolTests
{
    private const string TokenKey = "bWlzc2lvbnMtdGVzdC10b2tlbi1rZXktMzItYnl0ZXMtbG9uZyE=";

    private static Task<MissionsApp> StartAsync() =>
        MissionsApp.StartAsync(Provider.Sqlite, new Dictionary<string, string?> { ["Missions:WebChat:TokenKey"] = TokenKey });

    [Fact]
    public async Task Tokens_are_checked_on_every_call()
    {
        await using var app = await StartAsync();
        using var chat = await DirectLineClient.StartAsync(app.CreateClient());
        using var other = await DirectLineClient.StartAsync(app.CreateClient());
        var poll = $"/v3/directline/conversations/{chat.ConversationId}/activities";

        using var anonymous = app.CreateClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync(poll)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await chat.SendRawAsync(HttpMethod.Get, poll, null, token: "garbage")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await chat.SendRawAsync(HttpMethod.Get, poll, null, token: chat.Token[..^2] + "xx")).StatusCode);
        // Another conversation's token does not open this one.
        Assert.Equal(HttpStatusCode.Forbidden, (await chat.SendRawAsync(HttpMethod.Get, poll, null, token: other.Token)).StatusCode);

        // Expired: 403, which Web Chat reads as "token expired".
        var past = new Mock<TimeProvider>();
        past.Setup(t => t.GetUtcNow()).Returns(DateTimeOffset.UtcNow.AddHours(-2));
        var oldTokens = new DirectLineTokens(Options.Create(new WebChatOptions { TokenKey = TokenKey }), past.Object);
        var expired = oldTokens.Issue(chat.ConversationId, chat.UserId, "Alice");
        var refused = await chat.SendRawAsync(HttpMethod.Get, poll, null, token: expired);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("expired", await refused.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);

        // A valid token for a conversation that does not exist: 404, "ended".
        var ghost = app.Services.GetRequiredService<DirectLineTokens>().Issue("dl-00000000000000000000000000000000", "user-0", "Ghost");
        Assert.Equal(HttpStatusCode.NotFound, (await chat.SendRawAsync(HttpMethod.Get, "/v3/directline/conversations/dl-00000000000000000000000000000000/activities", null, token: ghost)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await chat.SendRawAsync(HttpMethod.Post, "/v3/directline/conversations", null, token: ghost)).StatusCode);

        // Refresh gives a working token for the same conversation.
        var refreshed = await MissionsApp.ReadOkAsync(await chat.SendRawAsync(HttpMethod.Post, "/v3/directline/tokens/refresh", null));
        Assert.Equal(chat.ConversationId, refreshed["conversationId"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, (await chat.SendRawAsync(HttpMethod.Get, poll, null, token: refreshed["token"]!.GetValue<string>())).StatusCode);
    }

    [Fact]
    public async Task Tokens_are_issued_to_this_machine_only_unless_a_secret_is_presented()
    {
        await using var app = await MissionsApp.StartAsync(Provider.Sqlite, new Dictionary<string, string?> { ["Missions:WebChat:Secret"] = "dl-secret" });
        using var client = app.CreateClient();

        Assert.Equal(HttpStatusCode.Forbidden, (await client.PostAsync("/v3/directline/tokens/generate", null)).StatusCode);
        using var withSecret = new HttpRequestMessage(HttpMethod.Post, "/v3/directline/tokens/generate");
        withSecret.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "dl-secret");
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(withSecret)).StatusCode);

        await using var open = await StartAsync();
        using var remote = open.CreateClient();
        open.RemoteAddress = IPAddress.Parse("203.0.113.7");
        Assert.Equal(HttpStatusCode.Forbidden, (await remote.PostAsync("/v3/directline/tokens/generate", null)).StatusCode);
    }

    [Fact]
    public async Task A_page_reload_resumes_its_conversation_with_the_transcript()
    {
        await using var app = await StartAsync();
        using var chat = await DirectLineClient.StartAsync(app.CreateClient());
        await chat.SendAsync("draft the partner update");

        using var client = app.CreateClient();
        var resumed = await MissionsApp.ReadOkAsync(await client.PostAsync($"/v3/directline/tokens/generate?resume={chat.ConversationId}", null));
        Assert.Equal(chat.ConversationId, resumed["conversationId"]!.GetValue<string>());
        var unknown = await MissionsApp.ReadOkAsync(await client.PostAsync("/v3/directline/tokens/generate?resume=dl-nope", null));
        Assert.NotEqual("dl-nope", unknown["conversationId"]!.GetValue<string>());

        var history = await MissionsApp.ReadOkAsync(await chat.SendRawAsync(HttpMethod.Get, $"/v3/directline/conversations/{chat.ConversationId}/activities", null, token: resumed["token"]!.GetValue<string>()));
        Assert.Equal(3, history["activities"]!.AsArray().Count); // welcome, the request, the proposal
    }

    [Fact]
    public async Task Malformed_posts_are_refused_and_polling_goes_on()
    {
        await using var app = await StartAsync();
        using var chat = await DirectLineClient.StartAsync(app.CreateClient());
        var path = $"/v3/directline/conversations/{chat.ConversationId}/activities";

        using var notJson = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent("{\"type\":", System.Text.Encoding.UTF8, "application/json") };
        notJson.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", chat.Token);
        var problem = await MissionsApp.ReadProblemAsync(await app.CreateClient().SendAsync(notJson), HttpStatusCode.BadRequest);
        Assert.Equal("body", problem["field"]!.GetValue<string>());

        var noType = await MissionsApp.ReadProblemAsync(await chat.SendRawAsync(HttpMethod.Post, path, new JsonObject { ["text"] = "hi" }), HttpStatusCode.BadRequest);
        Assert.Equal("type", noType["field"]!.GetValue<string>());
        var badText = await MissionsApp.ReadProblemAsync(await chat.SendRawAsync(HttpMethod.Post, path, new JsonObject { ["type"] = "message", ["text"] = 42 }), HttpStatusCode.BadRequest);
        Assert.Equal("text", badText["field"]!.GetValue<string>());

        var huge = new JsonObject { ["type"] = "message", ["text"] = new string('x', 300_000) };
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await chat.SendRawAsync(HttpMethod.Post, path, huge)).StatusCode);

        // A long request is a clear notice, not a failure.
        await chat.SendAsync(new string('y', 5000));
        var polled = await chat.PollAsync();
        Assert.Contains(polled, a => a["text"]?.GetValue<string>()?.Contains("longer than 4,000 characters", StringComparison.Ordinal) == true);

        // Other activity types are accepted and ignored.
        await chat.PostActivityAsync(new JsonObject { ["type"] = "typing" });
        await chat.PostActivityAsync(new JsonObject { ["type"] = "event", ["name"] = "webchat/join" });
        Assert.Equal(0, await app.WithDbAsync(db => db.Proposals.CountAsync()));
    }

    [Fact]
    public async Task Text_that_is_not_valid_Unicode_duplicate_keys_and_a_token_past_year_9999_are_refused_not_failures()
    {
        await using var app = await StartAsync();
        using var chat = await DirectLineClient.StartAsync(app.CreateClient());
        var path = $"/v3/directline/conversations/{chat.ConversationId}/activities";

        async Task<JsonObject> PostRawAsync(byte[] body)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", chat.Token);
            return await MissionsApp.ReadProblemAsync(await app.CreateClient().SendAsync(request), HttpStatusCode.BadRequest);
        }

        var invalidUtf8 = "{\"type\":\"message\",\"text\":\""u8.ToArray().Concat(new byte[] { 0xFF, 0xFE }).Concat("\"}"u8.ToArray()).ToArray();
        Assert.Contains("not valid Unicode", (await PostRawAsync(invalidUtf8))["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("not valid Unicode", (await PostRawAsync("{\"type\":\"message\",\"text\":\"\\ud800\"}"u8.ToArray()))["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("twice", (await PostRawAsync("{\"type\":\"message\",\"text\":\"a\",\"text\":\"b\"}"u8.ToArray()))["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(0, await app.WithDbAsync(db => db.InboundEvents.CountAsync()));

        // A token that is genuinely signed but says it expires after the year 9999: not valid, not an error.
        var payload = System.Text.Encoding.UTF8.GetBytes($"{chat.ConversationId}\n{chat.UserId}\nAlice\n{long.MaxValue}");
        var signature = System.Security.Cryptography.HMACSHA256.HashData(Convert.FromBase64String(TokenKey), payload);
        var forever = System.Buffers.Text.Base64Url.EncodeToString(payload) + "." + System.Buffers.Text.Base64Url.EncodeToString(signature);
        Assert.Equal(HttpStatusCode.Forbidden, (await chat.SendRawAsync(HttpMethod.Get, path, null, token: forever)).StatusCode);

        // And the conversation goes on.
        await chat.SendAsync("help");
        await chat.PollAsync();
        Assert.Contains("**board**", chat.LastText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Who_is_writing_comes_from_the_token_never_from_the_activity()
    {
        await using var app = await StartAsync();
        using var chat = await DirectLineClient.StartAsync(app.CreateClient(), "Dana");

        // The client claims to be someone else: the bot records and shows the person the token names.
        await chat.PostActivityAsync(new JsonObject
        {
            ["type"] = "message",
            ["text"] = "draft the launch FAQ",
            ["from"] = new JsonObject { ["id"] = "user-ceo", ["name"] = "The CEO" },
            ["channelData"] = new JsonObject { ["clientActivityID"] = "who-1" },
        });
        var proposal = await app.WaitForAsync(db => db.Proposals.SingleOrDefaultAsync());
        Assert.Equal((chat.UserId, "Dana"), (proposal.RequestedById, proposal.RequestedByName));
        await chat.PollAsync();
        var echo = chat.Transcript.Single(a => a["from"]!["role"]!.GetValue<string>() == "user");
        Assert.Equal((chat.UserId, "Dana"), (echo["from"]!["id"]!.GetValue<string>(), echo["from"]!["name"]!.GetValue<string>()));

        // A token names its user only as Direct Line allows (dl_ ids), and only for a caller it trusts (this machine).
        var refused = await app.CreateClient().PostAsJsonAsync("/v3/directline/tokens/generate", new { user = new { id = "29:alice", name = "Alice" } });
        Assert.Equal("user.id", (await MissionsApp.ReadProblemAsync(refused, HttpStatusCode.BadRequest))["field"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_failing_turn_keeps_the_message_says_sorry_and_never_breaks_the_poll()
    {
        var proposer = new Mock<IProposer>();
        proposer.Setup(p => p.DraftAsync(It.IsAny<ProposalRequest>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new InvalidOperationException("model unavailable"));
        await using var app = await StartAsync();
        await using var failing = (MissionsApp)app.WithServices(services => services.AddSingleton(proposer.Object));
        using var chat = await DirectLineClient.StartAsync(failing.CreateClient());

        var sent = await chat.SendAsync("write the launch FAQ", clientActivityId: "f-1");
        var polled = await chat.PollAsync();

        Assert.Contains(polled, a => a["id"]!.GetValue<string>() == sent && a["from"]!["role"]!.GetValue<string>() == "user");
        Assert.Contains(polled, a => a["text"]?.GetValue<string>()?.StartsWith("Sorry, something went wrong", StringComparison.Ordinal) == true);
        Assert.Equal(0, await failing.WithDbAsync(db => db.Proposals.CountAsync()));
        Assert.Equal(sent, await chat.SendAsync("write the launch FAQ", clientActivityId: "f-1"));
        Assert.Empty(await chat.PollAsync());
    }

    /// <summary>
    /// A poll waiting for the bot's answer holds no database connection: on PostgreSQL a pool of four serves eight open
    /// conversations that are all waiting, and a ninth person's request is answered meanwhile.
    /// </summary>
    [Theory, Postgres]
    public async Task Polls_waiting_for_an_answer_hold_no_database_connection(Provider provider)
    {
        var database = await TestDatabase.CreateAsync(provider);
        var fourConnections = new Npgsql.NpgsqlConnectionStringBuilder(database.ConnectionString) { MaxPoolSize = 4, Timeout = 5 }.ConnectionString;
        await using var app = MissionsApp.StartOn(database, new Dictionary<string, string?>
        {
            ["ConnectionStrings:Missions"] = fourConnections,
            ["Missions:WebChat:PollWait"] = "00:00:06",
        });
        using var http = app.CreateClient();
        var open = new List<DirectLineClient>();
        for (var i = 0; i < 8; i++)
        {
            var chat = await DirectLineClient.StartAsync(http, $"Person {i}");
            await chat.WaitForReplyAsync(await chat.SendAsync("help"));
            await chat.PollAsync(); // read up to the answer: the next poll has nothing new
            open.Add(chat);
        }

        // Eight polls wait for news that does not come (for up to six seconds each).
        var waiting = open.Select(c => c.PollAsync()).ToList();
        await Task.Delay(500);
        Assert.All(waiting, w => Assert.False(w.IsCompleted, "a poll with nothing new should wait"));

        using var ninth = await DirectLineClient.StartAsync(http, "Ninth");
        await ninth.WaitForReplyAsync(await ninth.SendAsync("board")).WaitAsync(TimeSpan.FromSeconds(5));

        // And every waiting poll ends well (nothing new: an empty page), none of them starved of a connection.
        Assert.All(await Task.WhenAll(waiting), Assert.Empty);
        open.ForEach(c => c.Dispose());
    }

    /// <summary>
    /// Direct Line's stream, as Web Chat uses it by default: starting the conversation names a WebSocket (streamUrl)
    /// on which the activities arrive as they are written; reconnecting with a watermark resumes after it.
    /// </summary>
    [Fact]
    public async Task The_stream_pushes_activities_as_they_are_written_and_resumes_from_a_watermark()
    {
        await using var app = await StartAsync();
        using var http = app.CreateClient();
        using var chat = await DirectLineClient.StartAsync(http);
        var started = await MissionsApp.ReadOkAsync(await chat.SendRawAsync(HttpMethod.Post, "/v3/directline/conversations", null), HttpStatusCode.Created);
        var streamUrl = new Uri(started["streamUrl"]!.GetValue<string>());
        Assert.Equal("ws", streamUrl.Scheme);
        Assert.Equal($"/v3/directline/conversations/{chat.ConversationId}/stream", streamUrl.AbsolutePath);

        var sockets = app.Server.CreateWebSocketClient();
        using (var stream = await sockets.ConnectAsync(streamUrl, CancellationToken.None))
        {
            var sent = await chat.PostActivityAsync(Message(chat, "help"));
            var (reply, watermark) = await ReceiveUntilAsync(stream, a => a["replyToId"]?.GetValue<string>() == sent);
            Assert.Equal("bot", reply["from"]!["role"]!.GetValue<string>());
            Assert.True(long.Parse(watermark, System.Globalization.CultureInfo.InvariantCulture) > 0);
            await stream.CloseAsync(System.Net.WebSockets.WebSocketCloseStatus.NormalClosure, "done", CancellationToken.None);

            // Reconnecting from that watermark: only what came after it.
            var again = await MissionsApp.ReadOkAsync(await chat.SendRawAsync(HttpMethod.Get, $"/v3/directline/conversations/{chat.ConversationId}?watermark={watermark}", null));
            using var resumed = await sockets.ConnectAsync(new Uri(again["streamUrl"]!.GetValue<string>()), CancellationToken.None);
            var next = await chat.PostActivityAsync(Message(chat, "board"));
            var seen = new List<JsonObject>();
            await ReceiveUntilAsync(resumed, a =>
            {
                seen.Add(a);
                return a["replyToId"]?.GetValue<string>() == next;
            });
            Assert.DoesNotContain(seen, a => a["id"]?.GetValue<string>() == sent || a["replyToId"]?.GetValue<string>() == sent);
        }

        // No token, a bad one, another conversation's: refused before any socket is opened; a plain GET is a 400.
        using var plain = app.CreateClient();
        var path = $"/v3/directline/conversations/{chat.ConversationId}/stream?t=";
        Assert.Equal(HttpStatusCode.Unauthorized, (await plain.GetAsync(path)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await plain.GetAsync(path + "not-a-token")).StatusCode);
        using var other = await DirectLineClient.StartAsync(http);
        Assert.Equal(HttpStatusCode.Forbidden, (await plain.GetAsync(path + Uri.EscapeDataString(other.Token))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await plain.GetAsync(path + Uri.EscapeDataString(chat.Token))).StatusCode);
        await Assert.ThrowsAnyAsync<Exception>(() => sockets.ConnectAsync(new Uri(streamUrl.GetLeftPart(UriPartial.Path) + "?t=not-a-token"), CancellationToken.None));
    }

    /// <summary>A conversation started with the Direct Line secret (by a page's own server) gets its stream too, as from Direct Line.</summary>
    [Fact]
    public async Task A_conversation_started_with_the_secret_names_its_stream()
    {
        await using var app = await MissionsApp.StartAsync(Provider.Sqlite, new Dictionary<string, string?> { ["Missions:WebChat:Secret"] = "dl-secret" });
        using var http = app.CreateClient();
        using var start = new HttpRequestMessage(HttpMethod.Post, "/v3/directline/conversations");
        start.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "dl-secret");
        var started = await MissionsApp.ReadOkAsync(await http.SendAsync(start), HttpStatusCode.Created);
        var conversationId = started["conversationId"]!.GetValue<string>();
        var token = started["token"]!.GetValue<string>();
        var streamUrl = new Uri(started["streamUrl"]!.GetValue<string>());
        Assert.Equal($"/v3/directline/conversations/{conversationId}/stream", streamUrl.AbsolutePath);

        using var stream = await app.Server.CreateWebSocketClient().ConnectAsync(streamUrl, CancellationToken.None);
        using var post = new HttpRequestMessage(HttpMethod.Post, $"/v3/directline/conversations/{conversationId}/activities")
        {
            Content = System.Net.Http.Json.JsonContent.Create(new JsonObject { ["type"] = "message", ["text"] = "help", ["from"] = new JsonObject { ["id"] = "someone" } }),
        };
        post.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        var sent = (await MissionsApp.ReadOkAsync(await http.SendAsync(post)))["id"]!.GetValue<string>();
        var (reply, _) = await ReceiveUntilAsync(stream, a => a["replyToId"]?.GetValue<string>() == sent);
        Assert.Equal("bot", reply["from"]!["role"]!.GetValue<string>());
    }

    private static JsonObject Message(DirectLineClient chat, string text) => new()
    {
        ["type"] = "message",
        ["text"] = text,
        ["from"] = new JsonObject { ["id"] = chat.UserId, ["name"] = "Alice", ["role"] = "user" },
        ["channelData"] = new JsonObject { ["clientActivityID"] = Guid.NewGuid().ToString("N") },
    };

    /// <summary>Reads activity sets from the stream until one has an activity that matches; returns it and the set's watermark.</summary>
    private static async Task<(JsonObject Activity, string Watermark)> ReceiveUntilAsync(System.Net.WebSockets.WebSocket stream, Func<JsonObject, bool> match)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        var buffer = new byte[1 << 20];
        while (true)
        {
            var length = 0;
            System.Net.WebSockets.WebSocketReceiveResult received;
            do
            {
                received = await stream.ReceiveAsync(new ArraySegment<byte>(buffer, length, buffer.Length - length), timeout.Token);
                length += received.Count;
            }
            while (!received.EndOfMessage);

            if (length == 0)
            {
                continue; // a keep-alive
            }

            var set = JsonNode.Parse(System.Text.Encoding.UTF8.GetString(buffer, 0, length))!.AsObject();
            foreach (var activity in set["activities"]!.AsArray().Select(a => a!.AsObject()))
            {
                if (match(activity))
                {
                    return (activity, set["watermark"]!.GetValue<string>());
                }
            }
        }
    }
}
