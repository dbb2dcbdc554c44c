using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Missions.Discord;
using NSec.Cryptography;

namespace Missions.Host.Tests.Infrastructure;

/// <summary>
/// Discord on loopback: the REST and webhook routes the product uses (recording every call, answering with rate-limit
/// headers, or with the 429s and 50027s a test asks for), keeping the messages as they are after each edit; and the
/// signing side of interactions, with a test Ed25519 key whose public half the host is configured with.
/// </summary>
public sealed class DiscordCloud : IAsyncDisposable
{
    public const string ApplicationId = "845027738276462632";
    public const string GuildId = "772904309264089089";

    /// <summary>The workspace of the server the tests' interactions come from, where their missions live.</summary>
    public const string Workspace = "discord:" + GuildId;
    public const string ChannelId = "772908445358620702";
    public const string ApproverRole = "785609923542777878";
    public const string BotToken = "test-bot-token";

    /// <summary>The bot's permissions in the channel: send, embed, read history, start public threads, talk in them.</summary>
    public const string AppPermissions = "309238087680";

    private readonly Key key = Key.Create(SignatureAlgorithm.Ed25519, new KeyCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport });
    private readonly ConcurrentQueue<ApiCall> calls = new();
    private readonly ConcurrentDictionary<string, JsonObject> messages = new();
    private readonly ConcurrentDictionary<string, string> originals = new();
    private WebApplication? server;
    private long nextId = 900_000_000_000_000_000;

    public Uri Api { get; private set; } = null!;

    /// <summary>The Gateway (WebSocket) side.</summary>
    public DiscordGatewayFake Gateway { get; } = new();

    public string PublicKeyHex => Convert.ToHexString(key.Export(KeyBlobFormat.RawPublicKey)).ToLowerInvariant();

    public IReadOnlyCollection<ApiCall> Calls => calls.ToArray();

    /// <summary>Interaction tokens Discord no longer honours (older than 15 minutes): their webhook routes answer 401 50027.</summary>
    public ConcurrentDictionary<string, bool> ExpiredTokens { get; } = new();

    /// <summary>Decides the answer to a call: null answers normally; a failure answers with it.</summary>
    public Func<ApiCall, int, Failure?>? Behaviour { get; set; }

    public sealed record Failure(int Status, JsonObject Body, bool Global = false);

    /// <summary>The rate-limit headers of a successful answer (remaining, seconds to reset); 49 and 1 s when null.</summary>
    public Func<ApiCall, (int Remaining, double ResetAfter)?>? Limits { get; set; }

    /// <summary>One call as it came, with the answer's status and the id of the message it created or edited.</summary>
    public sealed record ApiCall(string Method, string Path, string? Authorization, string? UserAgent, JsonObject? Body, int Status, string? MessageId = null, string? RawBody = null);

    public static async Task<DiscordCloud> StartAsync()
    {
        var cloud = new DiscordCloud();
        cloud.server = LoopbackServer.Create();
        cloud.server.UseWebSockets();
        cloud.server.Map("/gateway", (HttpContext http) => cloud.Gateway.AcceptAsync(http, resumeUrl: false));
        cloud.server.Map("/gateway-resume", (HttpContext http) => cloud.Gateway.AcceptAsync(http, resumeUrl: true));
        cloud.server.Map("/api/v10/{**path}", cloud.AnswerAsync);
        await cloud.server.StartAsync();
        cloud.Api = new Uri(cloud.server.Urls.First() + "/api/v10/");
        return cloud;
    }

    public Dictionary<string, string?> HostSettings(IDictionary<string, string?>? more = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Missions:Discord:ApplicationId"] = ApplicationId,
            ["Missions:Discord:PublicKey"] = PublicKeyHex,
            ["Missions:Discord:BotToken"] = BotToken,
            ["Missions:Discord:ApiBaseUrl"] = Api.ToString(),
            ["Missions:Discord:ApproverRoleIds:0"] = ApproverRole,
            ["Missions:Outbox:PollInterval"] = "00:00:00.200",
        };
        foreach (var (k, v) in more ?? new Dictionary<string, string?>())
        {
            settings[k] = v;
        }

        return settings;
    }

    /// <summary>The message with that id as it is now (after every edit).</summary>
    public JsonObject? Message(string id) => messages.TryGetValue(id, out var m) ? m : null;

    /// <summary>A message as an interaction's answer (UPDATE_MESSAGE) left it: Discord shows that from then on.</summary>
    public void Updated(string id, JsonObject message) => messages[id] = (JsonObject)message.DeepClone();

    // ---- signing interactions ------------------------------------------------------------------------------------------

    public (string Signature, string Timestamp) Sign(string body, string? timestamp = null)
    {
        timestamp ??= DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var signature = SignatureAlgorithm.Ed25519.Sign(key, Encoding.UTF8.GetBytes(timestamp + body));
        return (Convert.ToHexString(signature).ToLowerInvariant(), timestamp);
    }

    /// <summary>POSTs an interaction to the host as Discord does: signed, unless told otherwise.</summary>
    public async Task<(HttpStatusCode Status, JsonObject? Body)> SendAsync(HttpClient host, JsonObject interaction, bool sign = true)
    {
        var body = interaction.ToJsonString();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/discord/interactions") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (sign)
        {
            var (signature, timestamp) = Sign(body);
            request.Headers.Add(InteractionSignature.SignatureHeader, signature);
            request.Headers.Add(InteractionSignature.TimestampHeader, timestamp);
        }

        using var response = await host.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text) as JsonObject);
    }

    // ---- interactions as Discord sends them ------------------------------------------------------------------------------

    public static JsonObject Member(string userId = "53908232506183680", string name = "Mason", bool approver = true, string permissions = "1024") => new()
    {
        ["user"] = new JsonObject { ["id"] = userId, ["username"] = name.ToLowerInvariant(), ["global_name"] = name },
        ["roles"] = approver ? new JsonArray(ApproverRole) : new JsonArray(),
        ["permissions"] = permissions,
        ["nick"] = null,
    };

    private static JsonObject Base(int type, JsonObject data, JsonObject? member, JsonObject? message = null, string? token = null)
    {
        // A click on a message in a thread comes from the thread, a channel whose parent is the channel.
        var channel = (string?)message?["channel_id"] ?? ChannelId;
        var interaction = new JsonObject
        {
            ["id"] = NewSnowflake(),
            ["application_id"] = ApplicationId,
            ["type"] = type,
            ["data"] = data,
            ["guild_id"] = GuildId,
            ["channel_id"] = channel,
            ["channel"] = channel == ChannelId
                ? new JsonObject { ["id"] = channel, ["type"] = 0, ["guild_id"] = GuildId }
                : new JsonObject { ["id"] = channel, ["type"] = 11, ["guild_id"] = GuildId, ["parent_id"] = ChannelId },
            ["member"] = member ?? Member(),
            ["token"] = token ?? "tok-" + Guid.NewGuid().ToString("N"),
            ["version"] = 1,
            ["app_permissions"] = AppPermissions,
            ["locale"] = "en-US",
            // A field newer than this code: kept, not refused.
            ["attachment_size_limit"] = 26214400,
        };
        if (message is not null)
        {
            interaction["message"] = message;
        }

        return interaction;
    }

    public static JsonObject Slash(string sub, JsonObject? member = null, params (string Name, int Type, JsonNode Value)[] options) =>
        Base(2, new JsonObject
        {
            ["id"] = "866818195033292850",
            ["name"] = "mission",
            ["type"] = 1,
            ["options"] = new JsonArray(new JsonObject
            {
                ["name"] = sub,
                ["type"] = 1,
                ["options"] = new JsonArray(options.Select(o => (JsonNode)new JsonObject { ["name"] = o.Name, ["type"] = o.Type, ["value"] = o.Value }).ToArray()),
            }),
        }, member);

    public static JsonObject NewMission(string text, JsonObject? member = null) => Slash("new", member, ("text", 3, JsonValue.Create(text)));

    public static JsonObject MessageCommand(string content, JsonObject? member = null)
    {
        var target = NewSnowflake();
        return Base(2, new JsonObject
        {
            ["id"] = "866818195033292851",
            ["name"] = "Create mission",
            ["type"] = 3,
            ["target_id"] = target,
            ["resolved"] = new JsonObject
            {
                ["messages"] = new JsonObject
                {
                    [target] = new JsonObject { ["id"] = target, ["channel_id"] = ChannelId, ["content"] = content, ["author"] = new JsonObject { ["id"] = "167348773423415296", ["username"] = "ian" } },
                },
            },
        }, member);
    }

    /// <summary>A click on a button of a message the bot sent (as it is now).</summary>
    public JsonObject Click(string messageId, string customId, JsonObject? member = null) =>
        Base(3, new JsonObject { ["custom_id"] = customId, ["component_type"] = 2 }, member, (JsonObject)Message(messageId)!.DeepClone());

    /// <summary>A modal submitted, with its inputs in Labels (today's shape).</summary>
    public JsonObject Submit(string? messageId, string customId, JsonObject? member = null, params (string Id, JsonNode Value)[] inputs) =>
        Base(5, new JsonObject
        {
            ["custom_id"] = customId,
            ["components"] = new JsonArray(inputs.Select((input, i) => (JsonNode)new JsonObject
            {
                ["type"] = 18,
                ["id"] = i * 2 + 1,
                ["component"] = input.Value is JsonArray values
                    ? new JsonObject { ["type"] = 3, ["id"] = i * 2 + 2, ["custom_id"] = input.Id, ["values"] = values.DeepClone() }
                    : new JsonObject { ["type"] = 4, ["id"] = i * 2 + 2, ["custom_id"] = input.Id, ["value"] = input.Value.DeepClone() },
            }).ToArray()),
        }, member, messageId is null ? null : (JsonObject)Message(messageId)!.DeepClone());

    /// <summary>The custom_id of the button labelled <paramref name="label"/> on a message.</summary>
    public static string ButtonId(JsonObject message, string label) =>
        message["components"]!.AsArray().SelectMany(row => row!["components"]!.AsArray())
            .Single(b => (string?)b!["label"] == label)!["custom_id"]!.GetValue<string>();

    public static IReadOnlyList<string> ButtonLabels(JsonObject? message) =>
        message?["components"]?.AsArray().SelectMany(row => row!["components"]!.AsArray()).Where(b => (int)b!["type"]! == 2).Select(b => (string)b!["label"]!).ToList() ?? [];

    /// <summary>A choice made in a select menu of a message the bot sent (as it is now).</summary>
    public JsonObject Choose(string messageId, string customId, string value, JsonObject? member = null) =>
        Base(3, new JsonObject { ["custom_id"] = customId, ["component_type"] = 3, ["values"] = new JsonArray(value) }, member, (JsonObject)Message(messageId)!.DeepClone());

    /// <summary>The select menu of a message (its custom_id and options' labels by value).</summary>
    public static (string CustomId, IReadOnlyDictionary<string, string> Options) Select(JsonObject message)
    {
        var select = message["components"]!.AsArray().SelectMany(row => row!["components"]!.AsArray()).Single(c => (int)c!["type"]! == 3)!;
        return ((string)select["custom_id"]!, select["options"]!.AsArray().ToDictionary(o => (string)o!["value"]!, o => (string)o!["label"]!));
    }

    private static string NewSnowflake() => Random.Shared.NextInt64(100_000_000_000_000_000, 999_999_999_999_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);

    // ---- waiting --------------------------------------------------------------------------------------------------------

    public Task<ApiCall[]> WaitForCallsAsync(Func<ApiCall, bool> match, int count = 1) =>
        LoopbackServer.WaitForCallsAsync(() => Calls, c => c.Status, match, count, TimeSpan.FromSeconds(20), "Discord", c => $"{c.Method} {c.Path} {c.Status}");

    // ---- the server ----------------------------------------------------------------------------------------------------

    private async Task AnswerAsync(HttpContext http)
    {
        var path = http.Request.Path.Value!["/api/v10/".Length..];
        var raw = await new StreamReader(http.Request.Body).ReadToEndAsync();
        var body = raw.Length == 0 ? null : JsonNode.Parse(raw) as JsonObject;
        var probe = new ApiCall(http.Request.Method, path, http.Request.Headers.Authorization.ToString(), http.Request.Headers.UserAgent.ToString(), body, 200, RawBody: raw.Length == 0 ? null : raw);
        var parts = path.Split('/');
        var bucket = string.Join('/', parts.Select((p, i) => i == 0 || !p.All(char.IsAsciiDigit) ? (p.StartsWith("tok-", StringComparison.Ordinal) ? "{token}" : p) : "{id}"));
        http.Response.Headers["X-RateLimit-Bucket"] = http.Request.Method + ":" + bucket;
        http.Response.Headers["X-RateLimit-Limit"] = "50";
        http.Response.Headers["X-RateLimit-Remaining"] = "49";
        http.Response.Headers["X-RateLimit-Reset-After"] = "1.0";

        if (Behaviour?.Invoke(probe, calls.Count) is { } failure)
        {
            calls.Enqueue(probe with { Status = failure.Status });
            if (failure.Status == 429)
            {
                http.Response.Headers["X-RateLimit-Remaining"] = "0";
                http.Response.Headers["X-RateLimit-Scope"] = failure.Global ? "global" : "user";
                if (failure.Global)
                {
                    http.Response.Headers["X-RateLimit-Global"] = "true";
                }
            }

            http.Response.StatusCode = failure.Status;
            await http.Response.WriteAsJsonAsync(failure.Body);
            return;
        }

        if (Limits?.Invoke(probe) is var (remaining, resetAfter))
        {
            http.Response.Headers["X-RateLimit-Remaining"] = remaining.ToString(System.Globalization.CultureInfo.InvariantCulture);
            http.Response.Headers["X-RateLimit-Reset-After"] = resetAfter.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        var (status, answer) = Route(http.Request.Method, parts, body, raw);
        calls.Enqueue(probe with { Status = status, MessageId = status < 300 && parts[0] is "channels" or "webhooks" ? (string?)answer?["id"] : null });
        http.Response.StatusCode = status;
        if (answer is not null)
        {
            await http.Response.WriteAsJsonAsync(answer);
        }
    }

    private (int Status, JsonNode? Body) Route(string method, string[] p, JsonObject? body, string raw)
    {
        switch (method, p)
        {
            case ("POST", ["channels", var channel, "messages"]):
                return (200, Store(NewId(), channel, body!, flags: 0));
            case ("PATCH", ["channels", var channel, "messages", var id]):
                return messages.ContainsKey(id) ? (200, Store(id, channel, body!, flags: 0)) : UnknownMessage();
            case ("POST", ["channels", _, "messages", var id, "threads"]):
                return (201, new JsonObject { ["id"] = id, ["type"] = 11, ["name"] = body?["name"]?.DeepClone() });
            case ("GET", ["gateway", "bot"]):
                return (200, new JsonObject
                {
                    ["url"] = $"ws://{Api.Authority}/gateway",
                    ["shards"] = 1,
                    ["session_start_limit"] = new JsonObject { ["total"] = 1000, ["remaining"] = 999, ["reset_after"] = 14400000, ["max_concurrency"] = 1 },
                });
            case ("PUT", ["channels", _, "thread-members", _]):
                return (204, null);
            case ("PUT", ["applications", _, "commands"]) or ("PUT", ["applications", _, "guilds", _, "commands"]):
                return (200, JsonNode.Parse(raw));
            case (_, ["webhooks", _, var token, ..]) when ExpiredTokens.ContainsKey(token):
                return (401, new JsonObject { ["message"] = "Invalid Webhook Token", ["code"] = 50027 });
            case ("GET", ["webhooks", _, var token, "messages", "@original"]):
                return (200, Original(token));
            case ("PATCH", ["webhooks", _, var token, "messages", "@original"]):
                var original = (string)Original(token)["id"]!;
                return (200, Store(original, ChannelId, body!, flags: 0));
            case ("POST", ["webhooks", _, _]):
                return (200, Store(NewId(), ChannelId, body!, flags: 0));
            default:
                return (404, new JsonObject { ["message"] = "404: Not Found", ["code"] = 0 });
        }
    }

    /// <summary>The response of a deferred interaction: "thinking…" until it is edited.</summary>
    private JsonObject Original(string token)
    {
        var id = originals.GetOrAdd(token, _ => NewId());
        return messages.GetOrAdd(id, _ => new JsonObject { ["id"] = id, ["channel_id"] = ChannelId, ["flags"] = 128, ["content"] = "" });
    }

    private JsonObject Store(string id, string channel, JsonObject body, int flags)
    {
        var message = (JsonObject)body.DeepClone();
        message["id"] = id;
        message["channel_id"] = channel;
        message["flags"] = flags;
        messages[id] = message;
        return (JsonObject)message.DeepClone();
    }

    private static (int, JsonNode?) UnknownMessage() => (404, new JsonObject { ["message"] = "Unknown Message", ["code"] = 10008 });

    private string NewId() => Interlocked.Increment(ref nextId).ToString(System.Globalization.CultureInfo.InvariantCulture);

    public async ValueTask DisposeAsync()
    {
        key.Dispose();
        if (server is not null)
        {
            await server.StopAsync();
            await server.DisposeAsync();
        }
    }
}
