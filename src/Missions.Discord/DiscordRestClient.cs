using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Missions.Discord;

/// <summary>A refused or failed Discord call, with what the caller needs to decide whether and when to try again.</summary>
public sealed class DiscordApiException(HttpStatusCode? status, int? code, string message, TimeSpan? retryAfter, bool sent = true) : Exception(message)
{
    /// <summary>The HTTP status; null when the request was never sent (a rate limit known in advance, a guard).</summary>
    public HttpStatusCode? Status { get; } = status;

    /// <summary>Discord's JSON error code (50027, 10008, 160004, …) when it gave one.</summary>
    public int? Code { get; } = code;

    public TimeSpan? RetryAfter { get; } = retryAfter;

    /// <summary>False when the client held the request back without sending it.</summary>
    public bool Sent { get; } = sent;

    public const int InvalidWebhookToken = 50027;
    public const int UnknownMessage = 10008;
    public const int ThreadAlreadyCreated = 160004;

    /// <summary>An interaction's token has expired (after 15 minutes): that token only, not the bot's.</summary>
    public bool InteractionTokenExpired => Status == HttpStatusCode.Unauthorized && Code == InvalidWebhookToken;

    /// <summary>Rate limited: answered 429, or held back by a limit already known; <see cref="RetryAfter"/> says when.</summary>
    public bool RateLimited => Status == HttpStatusCode.TooManyRequests || (Status is null && RetryAfter is not null);

    /// <summary>Worth trying again later: rate limited, or Discord's side failed. Not a missing or refused bot token.</summary>
    public bool Transient => RateLimited || Status >= HttpStatusCode.InternalServerError;
}

public sealed class DiscordRestOptions
{
    /// <summary>The API's base address, versioned; tests point it at a local server.</summary>
    public Uri BaseAddress { get; set; } = new("https://discord.com/api/v10/");

    public string? BotToken { get; set; }

    /// <summary>The User-Agent Discord asks for: <c>DiscordBot ($url, $versionNumber)</c>.</summary>
    public string UserAgent { get; set; } = "DiscordBot (https://github.com/missions/missions, 1.0) Missions";

    /// <summary>
    /// 401, 403 and 429 answers allowed in ten minutes before the client stops sending for the rest of them; Discord
    /// bans an address for a while at 10,000.
    /// </summary>
    public int InvalidRequestBudget { get; set; } = 2_000;
}

/// <summary>
/// Discord's REST API (v10) for what Missions does: messages (always with <c>allowed_mentions</c>), interaction
/// responses, follow-ups and <c>@original</c> edits, threads from messages and their members, and command registration.
/// Rate limits are read from every answer (per bucket and major parameter; 429 <c>retry_after</c> and <c>global</c>);
/// a request that would run into a known limit is not sent. Nothing is retried here: a failure is reported with its
/// retry-after, and the caller (the outbox) decides when to try again.
/// </summary>
public sealed class DiscordRestClient(HttpClient http, DiscordRestOptions options, DiscordRateLimits limits)
{
    public Task<DiscordMessage> CreateMessageAsync(string channelId, MessagePayload message, CancellationToken cancellationToken) =>
        SendAsync<DiscordMessage>(HttpMethod.Post, $"channels/{channelId}/messages", "channels/{id}/messages", channelId, DiscordLimits.Fit(message), bot: true, cancellationToken);

    public Task<DiscordMessage> EditMessageAsync(string channelId, string messageId, MessagePayload message, CancellationToken cancellationToken) =>
        SendAsync<DiscordMessage>(HttpMethod.Patch, $"channels/{channelId}/messages/{messageId}", "channels/{id}/messages/{m}", channelId, DiscordLimits.Fit(message), bot: true, cancellationToken);

    public Task<DiscordMessage> GetOriginalResponseAsync(string applicationId, string token, CancellationToken cancellationToken) =>
        SendAsync<DiscordMessage>(HttpMethod.Get, $"webhooks/{applicationId}/{token}/messages/@original", "webhooks/{id}/{token}/messages/@original", applicationId + token, null, bot: false, cancellationToken);

    /// <summary>Edits the interaction's response (after a deferral, the "thinking…" message becomes this).</summary>
    public Task<DiscordMessage> EditOriginalResponseAsync(string applicationId, string token, MessagePayload message, CancellationToken cancellationToken) =>
        SendAsync<DiscordMessage>(HttpMethod.Patch, $"webhooks/{applicationId}/{token}/messages/@original", "webhooks/{id}/{token}/messages/@original", applicationId + token, DiscordLimits.Fit(message), bot: false, cancellationToken);

    public Task<DiscordMessage> CreateFollowupAsync(string applicationId, string token, MessagePayload message, CancellationToken cancellationToken) =>
        SendAsync<DiscordMessage>(HttpMethod.Post, $"webhooks/{applicationId}/{token}", "webhooks/{id}/{token}", applicationId + token, DiscordLimits.Fit(message), bot: false, cancellationToken);

    /// <summary>A public thread started from a message (its id is the message's); returns the thread channel.</summary>
    public Task<JsonObject> StartThreadFromMessageAsync(string channelId, string messageId, string name, CancellationToken cancellationToken) =>
        SendAsync<JsonObject>(HttpMethod.Post, $"channels/{channelId}/messages/{messageId}/threads", "channels/{id}/messages/{m}/threads", channelId,
            new JsonObject { ["name"] = DiscordLimits.Cut(name, 100), ["auto_archive_duration"] = 10080 }, bot: true, cancellationToken);

    public Task AddThreadMemberAsync(string threadId, string userId, CancellationToken cancellationToken) =>
        SendAsync<JsonNode>(HttpMethod.Put, $"channels/{threadId}/thread-members/{userId}", "channels/{id}/thread-members/{u}", threadId, null, bot: true, cancellationToken);

    /// <summary>Replaces every command of the application, globally or in one guild (which updates at once).</summary>
    public Task<JsonArray> OverwriteCommandsAsync(string applicationId, string? guildId, JsonArray commands, CancellationToken cancellationToken) =>
        guildId is null
            ? SendAsync<JsonArray>(HttpMethod.Put, $"applications/{applicationId}/commands", "applications/{id}/commands", applicationId, commands, bot: true, cancellationToken)
            : SendAsync<JsonArray>(HttpMethod.Put, $"applications/{applicationId}/guilds/{guildId}/commands", "applications/{id}/guilds/{g}/commands", guildId, commands, bot: true, cancellationToken);

    /// <summary>The Gateway's address for this bot, with its session start limits.</summary>
    public Task<JsonObject> GetGatewayBotAsync(CancellationToken cancellationToken) =>
        SendAsync<JsonObject>(HttpMethod.Get, "gateway/bot", "gateway/bot", "", null, bot: true, cancellationToken);

    private async Task<T> SendAsync<T>(HttpMethod method, string path, string route, string major, object? body, bool bot, CancellationToken cancellationToken)
        where T : class
    {
        var key = new RouteKey(method.Method + " " + route, major);
        limits.EnsureMaySend(key, bot);
        if (bot && string.IsNullOrEmpty(options.BotToken))
        {
            throw new DiscordApiException(null, null, "No bot token is configured (Missions:Discord:BotToken).", null, sent: false);
        }

        using var request = new HttpRequestMessage(method, new Uri(options.BaseAddress, path));
        request.Headers.UserAgent.ParseAdd(options.UserAgent);
        if (bot)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bot", options.BotToken);
        }

        if (body is not null)
        {
            request.Content = new StringContent(JsonSerializer.Serialize(body, body.GetType(), DiscordJson.Options), Encoding.UTF8, "application/json");
        }

        using var response = await http.SendAsync(request, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        var json = TryParse(text);
        limits.Record(key, bot, response, json);

        if (!response.IsSuccessStatusCode)
        {
            var code = (int?)(json?["code"] as JsonValue);
            var retryAfter = response.StatusCode == HttpStatusCode.TooManyRequests ? DiscordRateLimits.RetryAfterOf(response, json) : null;
            var message = (json?["message"] as JsonValue)?.ToString() ?? response.ReasonPhrase ?? "no message";
            throw new DiscordApiException(response.StatusCode, code, $"Discord answered {(int)response.StatusCode} to {method} {route}: {message}{(code is null ? "" : $" ({code})")}", retryAfter);
        }

        if (typeof(T) == typeof(JsonNode) && json is null)
        {
            return (T)(object)new JsonObject();
        }

        return (json is null ? null : json.Deserialize<T>(DiscordJson.Options))
            ?? throw new DiscordApiException(response.StatusCode, null, $"Discord's answer to {method} {route} was not the JSON expected.", null);
    }

    private static JsonNode? TryParse(string text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>A route as Discord limits it: its template, and the top-level resource it is for (the major parameter).</summary>
public readonly record struct RouteKey(string Route, string Major);

/// <summary>
/// What Discord said about its limits, shared by every request of the process: each route's bucket, each bucket's
/// remaining count and reset per major parameter, a global stop after a global 429, a stop for bot-token requests after
/// the token was refused (401), and a budget for the 401/403/429 answers that would get the address banned.
/// </summary>
public sealed class DiscordRateLimits(DiscordRestOptions options, TimeProvider clock)
{
    private readonly object sync = new();
    private readonly Dictionary<string, string> bucketOfRoute = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Bucket, string Major), (int Remaining, DateTimeOffset Reset)> buckets = [];
    private readonly Queue<DateTimeOffset> invalid = new();
    private DateTimeOffset globalUntil;
    private bool botTokenRefused;

    /// <summary>Throws, without sending, when the request would run into a limit already known.</summary>
    public void EnsureMaySend(RouteKey key, bool bot)
    {
        var now = clock.GetUtcNow();
        lock (sync)
        {
            if (bot && botTokenRefused)
            {
                throw new DiscordApiException(null, null, "Discord refused the bot token (401); nothing more is sent with it until the host restarts with a valid Missions:Discord:BotToken.", null, sent: false);
            }

            // Interaction routes are outside the global limit.
            if (bot && globalUntil > now)
            {
                throw Held(globalUntil - now, "the global rate limit");
            }

            while (invalid.Count > 0 && now - invalid.Peek() > TimeSpan.FromMinutes(10))
            {
                invalid.Dequeue();
            }

            if (invalid.Count >= options.InvalidRequestBudget)
            {
                throw Held(invalid.Peek() + TimeSpan.FromMinutes(10) - now, $"{invalid.Count} refused requests in ten minutes (Discord bans at 10,000)");
            }

            if (bucketOfRoute.TryGetValue(key.Route, out var bucket)
                && buckets.TryGetValue((bucket, key.Major), out var state) && state.Remaining <= 0 && state.Reset > now)
            {
                throw Held(state.Reset - now, $"the rate limit of {key.Route}");
            }
        }
    }

    public void Record(RouteKey key, bool bot, HttpResponseMessage response, JsonNode? body)
    {
        var now = clock.GetUtcNow();
        var scope = Header(response, "X-RateLimit-Scope");
        lock (sync)
        {
            if (Header(response, "X-RateLimit-Bucket") is { } bucket)
            {
                bucketOfRoute[key.Route] = bucket;
                if (int.TryParse(Header(response, "X-RateLimit-Remaining"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var remaining)
                    && double.TryParse(Header(response, "X-RateLimit-Reset-After"), NumberStyles.Float, CultureInfo.InvariantCulture, out var resetAfter))
                {
                    buckets[(bucket, key.Major)] = (remaining, now + TimeSpan.FromSeconds(resetAfter));
                }
            }

            var status = response.StatusCode;
            if (status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden || (status == HttpStatusCode.TooManyRequests && scope != "shared"))
            {
                invalid.Enqueue(now);
            }

            if (status == HttpStatusCode.Unauthorized && bot)
            {
                botTokenRefused = true;
            }

            if (status == HttpStatusCode.TooManyRequests && RetryAfterOf(response, body) is { } wait)
            {
                var global = (bool?)(body?["global"] as JsonValue) == true || Header(response, "X-RateLimit-Global") == "true";
                if (global)
                {
                    globalUntil = now + wait;
                }
                else if (bucketOfRoute.TryGetValue(key.Route, out var limited))
                {
                    buckets[(limited, key.Major)] = (0, now + wait);
                }
            }
        }
    }

    /// <summary>A 429's wait: the body's <c>retry_after</c> (seconds, with decimals), else the Retry-After header.</summary>
    public static TimeSpan? RetryAfterOf(HttpResponseMessage response, JsonNode? body)
    {
        if (body?["retry_after"] is JsonValue value && value.TryGetValue<double>(out var seconds) && seconds >= 0)
        {
            return TimeSpan.FromSeconds(seconds);
        }

        return response.Headers.RetryAfter?.Delta;
    }

    private static DiscordApiException Held(TimeSpan wait, string why) =>
        new(null, null, $"Not sent: {why}; try again in {wait.TotalSeconds:0.##} s.", wait, sent: false);

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;
}
