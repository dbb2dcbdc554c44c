using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace Missions.Host.Tests.Infrastructure;

/// <summary>Teams' side of /api/messages: activities shaped as Teams sends them, posted with a signed token.</summary>
public sealed class TeamsChannel(BotFrameworkCloud cloud, HttpClient http)
{
    private static long nextId = 1_700_000_000_000;

    public const string PersonalChat = "a:1personal-chat-with-alice";
    public const string GroupChat = "19:group-chat-abc@thread.v2";
    public const string ChannelRoot = "19:general-channel@thread.tacv2";

    public BotFrameworkCloud Cloud => cloud;

    public string BotId => "28:" + cloud.AppId;

    public static string NewId() => Interlocked.Increment(ref nextId).ToString(System.Globalization.CultureInfo.InvariantCulture);

    public JsonObject Message(string conversationId, string text, string type = "personal", string? id = null, string userId = "29:alice", string userName = "Alice")
    {
        var activity = Envelope("message", conversationId, type, id ?? NewId(), userId, userName);
        if (type == "personal")
        {
            activity["text"] = text;
        }
        else
        {
            // In groups and channels the bot hears only what mentions it.
            activity["text"] = "<at>Missions</at> " + text;
            activity["entities"] = new JsonArray(new JsonObject
            {
                ["type"] = "mention",
                ["mentioned"] = new JsonObject { ["id"] = BotId, ["name"] = "Missions" },
                ["text"] = "<at>Missions</at>",
            });
        }

        return activity;
    }

    public JsonObject Execute(string conversationId, string cardMessageId, string verb, JsonObject data, string type = "personal", string userId = "29:alice", string userName = "Alice", bool withVerb = true)
    {
        var activity = Envelope("invoke", conversationId, type, "f:" + Guid.NewGuid(), userId, userName);
        activity["name"] = "adaptiveCard/action";
        activity["replyToId"] = cardMessageId;
        var action = new JsonObject { ["type"] = "Action.Execute", ["id"] = verb, ["data"] = data.DeepClone() };
        if (withVerb)
        {
            action["verb"] = verb;
        }

        activity["value"] = new JsonObject { ["action"] = action, ["trigger"] = "manual" };
        return activity;
    }

    public JsonObject Envelope(string activityType, string conversationId, string type, string id, string userId = "29:alice", string userName = "Alice") => new()
    {
        ["type"] = activityType,
        ["id"] = id,
        ["timestamp"] = DateTime.UtcNow.ToString("O"),
        ["serviceUrl"] = cloud.ServiceUrl,
        ["channelId"] = "msteams",
        ["from"] = new JsonObject { ["id"] = userId, ["name"] = userName, ["aadObjectId"] = Guid.NewGuid().ToString() },
        ["conversation"] = new JsonObject
        {
            ["id"] = conversationId,
            ["conversationType"] = type,
            ["tenantId"] = BotFrameworkCloud.TenantId,
            ["isGroup"] = type == "personal" ? null : true,
        },
        ["recipient"] = new JsonObject { ["id"] = BotId, ["name"] = "Missions" },
        ["channelData"] = new JsonObject { ["tenant"] = new JsonObject { ["id"] = BotFrameworkCloud.TenantId } },
        ["locale"] = "en-GB",
    };

    /// <summary>Posts with a valid token for the activity's serviceUrl unless a token (or none) is given.</summary>
    public async Task<HttpResponseMessage> PostAsync(JsonObject activity, string? token = "", string scheme = "Bearer")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/messages")
        {
            Content = new StringContent(activity.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        token = token == "" ? cloud.Token((activity["serviceUrl"] as JsonValue)?.ToString() ?? cloud.ServiceUrl) : token;
        if (token is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", $"{scheme} {token}");
        }

        return await http.SendAsync(request);
    }

    public static string Escaped(string id) => Uri.EscapeDataString(id);
}
