using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Missions.Host.Tests.Infrastructure;

/// <summary>Speaks Direct Line 3.0 to the host the way Web Chat does (polling), with intent methods for tests.</summary>
public sealed class DirectLineClient : IDisposable
{
    private readonly HttpClient http;
    private readonly Dictionary<string, JsonObject> transcript = new(StringComparer.Ordinal);
    private readonly List<string> order = [];
    private string watermark = "";

    private DirectLineClient(HttpClient http, string conversationId, string token, string userId)
    {
        this.http = http;
        ConversationId = conversationId;
        Token = token;
        UserId = userId;
    }

    public string ConversationId { get; }
    public string Token { get; private set; }
    public string UserId { get; }

    /// <summary>The same conversation, through another host of the deployment (they share the database and the token key).</summary>
    public DirectLineClient Through(HttpClient other) => new(other, ConversationId, Token, UserId);

    /// <summary>A conversation for a person the token names (Direct Line takes who is writing from the token, not the activity).</summary>
    public static async Task<DirectLineClient> StartAsync(HttpClient http, string userName = "Alice")
    {
        var response = await http.PostAsJsonAsync("/v3/directline/tokens/generate", new { user = new { name = userName } });
        var body = await MissionsApp.ReadOkAsync(response);
        var client = new DirectLineClient(http, body["conversationId"]!.GetValue<string>(), body["token"]!.GetValue<string>(), body["userId"]!.GetValue<string>());
        var started = await client.SendRawAsync(HttpMethod.Post, "/v3/directline/conversations", null);
        Assert.Equal(HttpStatusCode.Created, started.StatusCode);
        return client;
    }

    /// <summary>
    /// Sends a message and waits until the bot's reply to it is in the transcript (a message is answered at once and
    /// handled after the answer), without reading it: the next <see cref="PollAsync"/> returns it with the rest.
    /// </summary>
    public async Task<string> SendAsync(string text, string? clientActivityId = null, string? timeZone = null)
    {
        var id = await PostActivityAsync(new JsonObject
        {
            ["type"] = "message",
            ["text"] = text,
            ["from"] = new JsonObject { ["id"] = UserId, ["name"] = "Alice", ["role"] = "user" },
            ["localTimezone"] = timeZone,
            ["channelData"] = new JsonObject { ["clientActivityID"] = clientActivityId ?? Guid.NewGuid().ToString("N") },
        });
        await WaitForReplyAsync(id);
        return id;
    }

    /// <summary>Waits until a bot activity answering <paramref name="activityId"/> is in the transcript, leaving the watermark where it is.</summary>
    public async Task WaitForReplyAsync(string activityId)
    {
        static bool Answers(JsonObject a, string id) => a["from"]!["role"]!.GetValue<string>() == "bot" && a["replyToId"]?.GetValue<string>() == id;
        if (transcript.Values.Any(a => Answers(a, activityId)))
        {
            return; // a retried post: its reply was read before
        }

        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var response = await SendRawAsync(HttpMethod.Get, $"/v3/directline/conversations/{ConversationId}/activities?watermark={watermark}", null);
            var body = await MissionsApp.ReadOkAsync(response);
            if (body["activities"]!.AsArray().Any(a => Answers(a!.AsObject(), activityId)))
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, $"No reply to {activityId} within 20 s.");
            await Task.Delay(20);
        }
    }

    /// <summary>What the page's Action.Execute wiring posts for a button press.</summary>
    public Task<string> ClickAsync(JsonObject card, string actionId, IDictionary<string, string?>? inputs = null)
    {
        var action = FindAction(card, actionId) ?? throw new InvalidOperationException($"No action '{actionId}' on the card.");
        var data = (JsonObject)(action["data"]?.DeepClone() ?? new JsonObject());
        foreach (var input in Inputs(card))
        {
            data[input.Key] = inputs is not null && inputs.TryGetValue(input.Key, out var value) ? value : input.Value;
        }

        return PostActivityAsync(new JsonObject
        {
            ["type"] = "invoke",
            ["name"] = "adaptiveCard/action",
            ["from"] = new JsonObject { ["id"] = UserId, ["name"] = "Alice", ["role"] = "user" },
            ["value"] = new JsonObject
            {
                ["action"] = new JsonObject { ["type"] = "Action.Execute", ["id"] = actionId, ["verb"] = action["verb"]?.DeepClone(), ["data"] = data },
                ["trigger"] = "manual",
            },
            ["channelData"] = new JsonObject { ["clientActivityID"] = Guid.NewGuid().ToString("N") },
        });
    }

    public async Task<string> PostActivityAsync(JsonObject activity)
    {
        var response = await SendRawAsync(HttpMethod.Post, $"/v3/directline/conversations/{ConversationId}/activities", activity);
        return (await MissionsApp.ReadOkAsync(response))["id"]!.GetValue<string>();
    }

    /// <summary>
    /// A message with files, as Web Chat sends one (Direct Line's upload: a multipart form with an "activity" part and
    /// a part per file), and the wait for the bot's reply to it.
    /// </summary>
    public async Task<string> SendWithFilesAsync(string text, params (string Name, string ContentType, byte[] Bytes)[] files)
    {
        var id = (await MissionsApp.ReadOkAsync(await UploadRawAsync(text, files)))["id"]!.GetValue<string>();
        await WaitForReplyAsync(id);
        return id;
    }

    public async Task<HttpResponseMessage> UploadRawAsync(string? text, (string Name, string ContentType, byte[] Bytes)[] files, string? token = null, string? clientActivityId = null)
    {
        using var form = new MultipartFormDataContent();
        if (text is not null)
        {
            var activity = new JsonObject
            {
                ["type"] = "message",
                ["text"] = text,
                ["from"] = new JsonObject { ["id"] = UserId, ["name"] = "Alice", ["role"] = "user" },
                ["channelData"] = new JsonObject { ["clientActivityID"] = clientActivityId ?? Guid.NewGuid().ToString("N") },
            };
            var part = new StringContent(activity.ToJsonString());
            part.Headers.ContentType = new MediaTypeHeaderValue("application/vnd.microsoft.activity");
            form.Add(part, "activity", "blob");
        }

        foreach (var (name, contentType, bytes) in files)
        {
            var part = new ByteArrayContent(bytes);
            part.Headers.ContentType = new MediaTypeHeaderValue(contentType);
            form.Add(part, "file", name);
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, $"/v3/directline/conversations/{ConversationId}/upload?userId={UserId}") { Content = form };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token ?? Token);
        return await http.SendAsync(request);
    }

    public async Task<HttpResponseMessage> SendRawAsync(HttpMethod method, string path, JsonObject? body, string? token = null)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token ?? Token);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        return await http.SendAsync(request);
    }

    /// <summary>Polls from the last watermark; later versions of an activity replace earlier ones, as in Web Chat.</summary>
    public async Task<IReadOnlyList<JsonObject>> PollAsync()
    {
        var response = await SendRawAsync(HttpMethod.Get, $"/v3/directline/conversations/{ConversationId}/activities?watermark={watermark}", null);
        var body = await MissionsApp.ReadOkAsync(response);
        watermark = body["watermark"]!.GetValue<string>();
        var fresh = new List<JsonObject>();
        foreach (var activity in body["activities"]!.AsArray().Select(a => a!.AsObject()))
        {
            var id = activity["id"]!.GetValue<string>();
            if (!transcript.ContainsKey(id))
            {
                order.Add(id);
            }

            transcript[id] = activity;
            fresh.Add(activity);
        }

        return fresh;
    }

    public IReadOnlyList<JsonObject> Transcript => order.Select(id => transcript[id]).ToList();

    public JsonObject Activity(string id) => transcript[id];

    public static JsonObject? CardOf(JsonObject activity) =>
        activity["attachments"]?.AsArray().Select(a => a!["content"]).OfType<JsonObject>().FirstOrDefault();

    public JsonObject LastCard() => Transcript.Select(CardOf).Last(c => c is not null)!;

    public string LastText() => Transcript.Last(a => a["from"]!["role"]!.GetValue<string>() == "bot" && a["text"] is not null)["text"]!.GetValue<string>();

    public static IEnumerable<string> Texts(JsonObject card) =>
        JsonTree.Objects(card).Where(n => n["type"]?.GetValue<string>() == "TextBlock").Select(n => n["text"]!.GetValue<string>());

    public static IEnumerable<string> ActionIds(JsonObject card) =>
        JsonTree.Objects(card).Where(n => n["type"]?.GetValue<string>()?.StartsWith("Action.", StringComparison.Ordinal) == true).Select(n => n["id"]?.GetValue<string>() ?? "");

    /// <summary>The URLs of the card's Action.OpenUrl buttons.</summary>
    public static IEnumerable<string> OpenUrls(JsonObject card) =>
        JsonTree.Objects(card).Where(n => n["type"]?.GetValue<string>() == "Action.OpenUrl").Select(n => n["url"]!.GetValue<string>());

    private static JsonObject? FindAction(JsonObject card, string id) =>
        JsonTree.Objects(card).FirstOrDefault(n => n["type"]?.GetValue<string>()?.StartsWith("Action.", StringComparison.Ordinal) == true && n["id"]?.GetValue<string>() == id);

    private static Dictionary<string, string?> Inputs(JsonObject card) =>
        JsonTree.Objects(card).Where(n => n["type"]?.GetValue<string>()?.StartsWith("Input.", StringComparison.Ordinal) == true)
            .ToDictionary(n => n["id"]!.GetValue<string>(), n => (string?)(n["value"]?.GetValue<string>() ?? ""));


    public void Dispose() => http.Dispose();
}
