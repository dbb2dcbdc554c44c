using System.Net;
using System.Text.Json.Nodes;
using Missions.Discord;
using Missions.Host.Tests.Infrastructure;

namespace Missions.Host.Tests.Discord;

/// <summary>The REST client against a local Discord: what it sends, and the limits it keeps without being told twice.</summary>
public sealed class DiscordRestClientTests
{
    private static (DiscordRestClient Client, HttpClient Http) Client(DiscordCloud discord, int budget = 2_000)
    {
        var options = new DiscordRestOptions { BaseAddress = discord.Api, BotToken = DiscordCloud.BotToken, InvalidRequestBudget = budget };
        var http = new HttpClient();
        return (new DiscordRestClient(http, options, new DiscordRateLimits(options, TimeProvider.System)), http);
    }

    private static MessagePayload Text(string text) => new() { Content = text };

    [Fact]
    public async Task Every_message_carries_allowed_mentions_the_bot_token_and_a_Discord_user_agent()
    {
        await using var discord = await DiscordCloud.StartAsync();
        var (client, http) = Client(discord);
        using var _ = http;

        var sent = await client.CreateMessageAsync("1", Text("hello @everyone"), CancellationToken.None);
        await client.EditMessageAsync("1", sent.Id, Text("edited"), CancellationToken.None);
        await client.EditOriginalResponseAsync(DiscordCloud.ApplicationId, "tok-a", Text("response"), CancellationToken.None);

        var calls = discord.Calls.ToList();
        Assert.Equal(3, calls.Count);
        Assert.All(calls, c => Assert.Empty(c.Body!["allowed_mentions"]!["parse"]!.AsArray()));
        Assert.All(calls, c => Assert.Matches(@"^DiscordBot \(https?://[^,]+, [\d.]+\)", c.UserAgent));
        Assert.Equal(["Bot " + DiscordCloud.BotToken, "Bot " + DiscordCloud.BotToken, ""], calls.Select(c => c.Authorization));
    }

    [Fact]
    public async Task A_bucket_used_up_holds_the_next_request_on_that_channel_but_not_on_another()
    {
        await using var discord = await DiscordCloud.StartAsync();
        discord.Limits = call => call.Path == "channels/1/messages" ? (0, 30) : null;
        var (client, http) = Client(discord);
        using var _ = http;

        await client.CreateMessageAsync("1", Text("first"), CancellationToken.None);
        var held = await Assert.ThrowsAsync<DiscordApiException>(() => client.CreateMessageAsync("1", Text("second"), CancellationToken.None));
        Assert.False(held.Sent);
        Assert.True(held.RateLimited);
        Assert.InRange(held.RetryAfter!.Value.TotalSeconds, 25, 30);

        // The same route for another channel is its own limit.
        await client.CreateMessageAsync("2", Text("elsewhere"), CancellationToken.None);
        Assert.Equal(2, discord.Calls.Count);
    }

    [Fact]
    public async Task A_429_is_reported_with_its_retry_after_and_a_global_one_holds_every_bot_request_but_not_interaction_responses()
    {
        await using var discord = await DiscordCloud.StartAsync();
        discord.Behaviour = (call, n) => n == 0
            ? new DiscordCloud.Failure(429, new JsonObject { ["message"] = "You are being rate limited.", ["retry_after"] = 12.5, ["global"] = true }, Global: true)
            : null;
        var (client, http) = Client(discord);
        using var _ = http;

        var limited = await Assert.ThrowsAsync<DiscordApiException>(() => client.CreateMessageAsync("1", Text("a"), CancellationToken.None));
        Assert.Equal((HttpStatusCode.TooManyRequests, 12.5), (limited.Status!.Value, limited.RetryAfter!.Value.TotalSeconds));
        Assert.True(limited.RateLimited);

        var held = await Assert.ThrowsAsync<DiscordApiException>(() => client.EditMessageAsync("9", "10", Text("b"), CancellationToken.None));
        Assert.False(held.Sent);
        await client.EditOriginalResponseAsync(DiscordCloud.ApplicationId, "tok-b", Text("still fine"), CancellationToken.None);
        Assert.Equal(2, discord.Calls.Count);
    }

    [Fact]
    public async Task An_expired_interaction_token_is_that_tokens_problem_while_a_refused_bot_token_stops_the_bot()
    {
        await using var discord = await DiscordCloud.StartAsync();
        discord.ExpiredTokens["tok-old"] = true;
        var (client, http) = Client(discord);
        using var _ = http;

        var expired = await Assert.ThrowsAsync<DiscordApiException>(() => client.EditOriginalResponseAsync(DiscordCloud.ApplicationId, "tok-old", Text("late"), CancellationToken.None));
        Assert.True(expired.InteractionTokenExpired);
        Assert.False(expired.Transient);
        await client.CreateMessageAsync("1", Text("the bot still posts"), CancellationToken.None);

        discord.Behaviour = (call, _) => call.Authorization?.StartsWith("Bot ", StringComparison.Ordinal) == true
            ? new DiscordCloud.Failure(401, new JsonObject { ["message"] = "401: Unauthorized", ["code"] = 0 })
            : null;
        var refused = await Assert.ThrowsAsync<DiscordApiException>(() => client.CreateMessageAsync("1", Text("a"), CancellationToken.None));
        Assert.Equal(HttpStatusCode.Unauthorized, refused.Status);
        var before = discord.Calls.Count;
        var stopped = await Assert.ThrowsAsync<DiscordApiException>(() => client.CreateMessageAsync("1", Text("b"), CancellationToken.None));
        Assert.False(stopped.Sent);
        Assert.False(stopped.Transient);
        Assert.Equal(before, discord.Calls.Count);
    }

    [Fact]
    public async Task Refused_requests_are_counted_and_the_client_stops_before_Discord_would_ban_the_address()
    {
        await using var discord = await DiscordCloud.StartAsync();
        discord.Behaviour = (_, _) => new DiscordCloud.Failure(403, new JsonObject { ["message"] = "Missing Access", ["code"] = 50001 });
        var (client, http) = Client(discord, budget: 3);
        using var _ = http;

        for (var i = 0; i < 3; i++)
        {
            var forbidden = await Assert.ThrowsAsync<DiscordApiException>(() => client.CreateMessageAsync(i.ToString(System.Globalization.CultureInfo.InvariantCulture), Text("x"), CancellationToken.None));
            Assert.Equal((HttpStatusCode.Forbidden, 50001), (forbidden.Status!.Value, forbidden.Code!.Value));
        }

        var held = await Assert.ThrowsAsync<DiscordApiException>(() => client.CreateMessageAsync("4", Text("x"), CancellationToken.None));
        Assert.False(held.Sent);
        Assert.InRange(held.RetryAfter!.Value.TotalMinutes, 9, 10);
        Assert.Equal(3, discord.Calls.Count);
    }
}
