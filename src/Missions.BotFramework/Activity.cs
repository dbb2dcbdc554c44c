using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Missions.BotFramework;

/// <summary>
/// A Bot Framework activity. Loose on input: fields this model does not name are kept in <see cref="Extra"/>, and a
/// type nobody handles is simply ignored by the caller. Exact on output: null fields are left out, and an outbound
/// activity is built fresh (see <see cref="Activity.Message"/>), so nothing received leaks into what is sent.
/// </summary>
public sealed class Activity
{
    public string? Type { get; set; }
    public string? Id { get; set; }
    public string? Timestamp { get; set; }
    public string? LocalTimestamp { get; set; }
    public string? LocalTimezone { get; set; }
    public string? ServiceUrl { get; set; }
    public string? ChannelId { get; set; }
    public ChannelAccount? From { get; set; }
    public ConversationAccount? Conversation { get; set; }
    public ChannelAccount? Recipient { get; set; }
    public string? TextFormat { get; set; }
    public string? AttachmentLayout { get; set; }
    public string? Text { get; set; }
    public string? Summary { get; set; }
    public string? Locale { get; set; }
    public string? InputHint { get; set; }
    public List<Attachment>? Attachments { get; set; }
    public List<JsonObject>? Entities { get; set; }
    public JsonObject? ChannelData { get; set; }
    public string? ReplyToId { get; set; }
    public JsonNode? Value { get; set; }
    public string? ValueType { get; set; }
    public string? Name { get; set; }
    public string? Action { get; set; }
    public List<ChannelAccount>? MembersAdded { get; set; }
    public List<ChannelAccount>? MembersRemoved { get; set; }

    /// <summary>Fields this model does not name, kept as they arrived.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; set; }

    /// <summary>The Teams tenant, from <c>conversation.tenantId</c> or <c>channelData.tenant.id</c>.</summary>
    [JsonIgnore]
    public string? TenantId => Conversation?.TenantId ?? (ChannelData?["tenant"]?["id"] as JsonValue)?.ToString();

    /// <summary>A new message for a conversation, from the bot: only what is set here is sent.</summary>
    public static Activity Message(string? text, IEnumerable<Attachment>? attachments = null, string? textFormat = "markdown") => new()
    {
        Type = ActivityTypes.Message,
        Text = text,
        TextFormat = text is null ? null : textFormat,
        Attachments = attachments?.ToList() is { Count: > 0 } list ? list : null,
    };
}

public static class ActivityTypes
{
    public const string Message = "message";
    public const string Invoke = "invoke";
    public const string ConversationUpdate = "conversationUpdate";
    public const string InstallationUpdate = "installationUpdate";
    public const string MessageReaction = "messageReaction";
    public const string Typing = "typing";
    public const string Event = "event";
}

public sealed class ChannelAccount
{
    public string? Id { get; set; }
    public string? Name { get; set; }
    public string? AadObjectId { get; set; }
    public string? Role { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; set; }
}

public sealed class ConversationAccount
{
    public string? Id { get; set; }
    public string? Name { get; set; }
    public bool? IsGroup { get; set; }
    public string? ConversationType { get; set; }
    public string? TenantId { get; set; }
    public string? AadObjectId { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; set; }
}

public sealed class Attachment
{
    public string? ContentType { get; set; }
    public string? ContentUrl { get; set; }
    public JsonNode? Content { get; set; }
    public string? Name { get; set; }
    public string? ThumbnailUrl { get; set; }

    public const string AdaptiveCardContentType = "application/vnd.microsoft.card.adaptive";
}

/// <summary>What the Connector answers a send, reply or update with.</summary>
public sealed class ResourceResponse
{
    public string? Id { get; set; }
}

public sealed class ConversationParameters
{
    public bool? IsGroup { get; set; }
    public ChannelAccount? Bot { get; set; }
    public List<ChannelAccount>? Members { get; set; }
    public string? TopicName { get; set; }
    public string? TenantId { get; set; }
    public Activity? Activity { get; set; }
    public JsonObject? ChannelData { get; set; }
}

public sealed class ConversationResourceResponse
{
    public string? Id { get; set; }
    public string? ActivityId { get; set; }
    public string? ServiceUrl { get; set; }
}

/// <summary>The body of an invoke response (the HTTP status goes with it).</summary>
public sealed record InvokeResponse(int Status, JsonObject? Body)
{
    public const string CardContentType = Attachment.AdaptiveCardContentType;
    public const string MessageContentType = "application/vnd.microsoft.activity.message";
    public const string ErrorContentType = "application/vnd.microsoft.error";

    /// <summary>The card that replaces the one the action came from, for the person who clicked.</summary>
    public static InvokeResponse Card(JsonObject card) => new(200, new JsonObject
    {
        ["statusCode"] = 200,
        ["type"] = CardContentType,
        ["value"] = card,
    });

    public static InvokeResponse Message(string text) => new(200, new JsonObject
    {
        ["statusCode"] = 200,
        ["type"] = MessageContentType,
        ["value"] = text,
    });

    public static InvokeResponse Error(int status, string code, string message) => new(status, new JsonObject
    {
        ["statusCode"] = status,
        ["type"] = ErrorContentType,
        ["value"] = new JsonObject { ["code"] = code, ["message"] = message },
    });
}

/// <summary>Serializer settings for the protocol: camelCase, nulls left out.</summary>
public static class BotJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };
}
