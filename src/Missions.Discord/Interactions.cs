using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Missions.Discord;

/// <summary>Discord's JSON: snake_case names, ids as strings, nothing written for an absent field.</summary>
public static class DiscordJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };
}

public enum InteractionType
{
    Ping = 1,
    ApplicationCommand = 2,
    MessageComponent = 3,
    Autocomplete = 4,
    ModalSubmit = 5,
}

/// <summary>Application command types: a slash command, a user command, a message command (context menus).</summary>
public enum CommandType
{
    ChatInput = 1,
    User = 2,
    Message = 3,
}

/// <summary>
/// One interaction as Discord POSTs it. Loose on input: every field but the type is optional (the documented examples
/// are older than today's payloads and newer payloads carry fields this does not name), and unknown fields are kept in
/// <see cref="Extra"/>.
/// </summary>
public sealed class Interaction
{
    public string Id { get; set; } = "";
    public string? ApplicationId { get; set; }
    public InteractionType Type { get; set; }
    public InteractionData? Data { get; set; }
    public string? GuildId { get; set; }
    public string? ChannelId { get; set; }
    public JsonObject? Channel { get; set; }

    /// <summary>The member who acted, in a guild (with their roles and channel-effective permissions).</summary>
    public GuildMember? Member { get; set; }

    /// <summary>The user who acted, outside a guild.</summary>
    public DiscordUser? User { get; set; }

    /// <summary>A bearer credential for 15 minutes (follow-ups and edits of the response): never logged.</summary>
    public string Token { get; set; } = "";

    public int Version { get; set; }

    /// <summary>The message a component (or a modal opened from one) sits on.</summary>
    public DiscordMessage? Message { get; set; }

    /// <summary>The app's permissions in the channel, a decimal bit set (bits beyond 32 are in use).</summary>
    public string? AppPermissions { get; set; }

    public string? Locale { get; set; }
    public string? GuildLocale { get; set; }
    public int? Context { get; set; }
    public JsonObject? AuthorizingIntegrationOwners { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; set; }

    /// <summary>Whoever acted, in a guild or not.</summary>
    [JsonIgnore]
    public DiscordUser? Invoker => Member?.User ?? User;

    [JsonIgnore]
    public Permissions AppPermissionSet => Permissions.Parse(AppPermissions);
}

public sealed class InteractionData
{
    /// <summary>A command's id (a snowflake string), or a component's numeric id.</summary>
    [JsonConverter(typeof(StringOrNumber))]
    public string? Id { get; set; }

    // Application commands
    public string? Name { get; set; }
    public CommandType? Type { get; set; }
    public List<CommandOption>? Options { get; set; }
    public ResolvedData? Resolved { get; set; }
    public string? TargetId { get; set; }
    public string? GuildId { get; set; }

    // Message components and modal submits
    public string? CustomId { get; set; }
    public int? ComponentType { get; set; }
    public List<string>? Values { get; set; }
    public JsonArray? Components { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; set; }

    /// <summary>
    /// What a modal's inputs hold, by custom id: a text input's value, a select's values. Reads both today's shape (each
    /// input in a Label, type 18) and the older one (in an Action Row, type 1).
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> ModalValues()
    {
        var values = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var top in Components?.OfType<JsonObject>() ?? [])
        {
            var inner = (int?)top["type"] switch
            {
                18 => top["component"] is JsonObject one ? [one] : [],
                1 => top["components"]?.AsArray().OfType<JsonObject>().ToList() ?? [],
                _ => new List<JsonObject>(),
            };
            foreach (var input in inner)
            {
                if ((input["custom_id"] as JsonValue)?.ToString() is not { } id)
                {
                    continue;
                }

                values[id] = input["values"] is JsonArray many
                    ? many.Select(v => (v as JsonValue)?.ToString() ?? "").ToList()
                    : (input["value"] as JsonValue)?.ToString() is { } text ? [text] : [];
            }
        }

        return values;
    }
}

/// <summary>Reads a string or a number as a string (ids are strings, but a component's <c>id</c> is a number).</summary>
public sealed class StringOrNumber : JsonConverter<string?>
{
    public override bool HandleNull => true;

    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.TokenType switch
    {
        JsonTokenType.String => reader.GetString(),
        JsonTokenType.Number => System.Text.Encoding.UTF8.GetString(reader.HasValueSequence ? reader.ValueSequence.ToArray() : reader.ValueSpan),
        JsonTokenType.Null => null,
        _ => throw new JsonException("Expected a string or a number."),
    };

    public override void Write(Utf8JsonWriter writer, string? value, JsonSerializerOptions options) => writer.WriteStringValue(value);
}

public sealed class CommandOption
{
    public string Name { get; set; } = "";
    public int Type { get; set; }
    public JsonElement? Value { get; set; }
    public List<CommandOption>? Options { get; set; }
    public bool? Focused { get; set; }

    public const int SubCommand = 1;
    public const int Attachment = 11;

    public string? StringValue => Value is { ValueKind: JsonValueKind.String } v ? v.GetString() : Value?.ToString();

    public long? IntegerValue => Value is { ValueKind: JsonValueKind.Number } v && v.TryGetInt64(out var n) ? n : null;

    public bool? BooleanValue => Value?.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => null,
    };
}

public sealed class ResolvedData
{
    public Dictionary<string, DiscordMessage>? Messages { get; set; }
    public Dictionary<string, DiscordUser>? Users { get; set; }
    public Dictionary<string, DiscordAttachment>? Attachments { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; set; }
}

public sealed class GuildMember
{
    public DiscordUser? User { get; set; }
    public List<string>? Roles { get; set; }

    /// <summary>The member's permissions in the channel, overwrites included (interactions only).</summary>
    public string? Permissions { get; set; }

    public string? Nick { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; set; }
}

public sealed class DiscordUser
{
    public string Id { get; set; } = "";
    public string? Username { get; set; }
    public string? GlobalName { get; set; }
    public bool? Bot { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; set; }

    [JsonIgnore]
    public string DisplayName => GlobalName is { Length: > 0 } g ? g : Username ?? Id;
}

public sealed class DiscordMessage
{
    public string Id { get; set; } = "";
    public string? ChannelId { get; set; }
    public string? GuildId { get; set; }
    public string? Content { get; set; }
    public DiscordUser? Author { get; set; }
    public GuildMember? Member { get; set; }
    public string? WebhookId { get; set; }
    public List<DiscordUser>? Mentions { get; set; }
    public List<string>? MentionRoles { get; set; }
    public int? Flags { get; set; }
    public int? Type { get; set; }
    public List<DiscordAttachment>? Attachments { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; set; }
}

/// <summary>A file on a message or given to a command's ATTACHMENT option: its name, type, size and CDN address.</summary>
public sealed class DiscordAttachment
{
    public string Id { get; set; } = "";
    public string Filename { get; set; } = "";
    public string? ContentType { get; set; }
    public long? Size { get; set; }
    public string? Url { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; set; }
}

/// <summary>A permission bit set as Discord sends it (a decimal string).</summary>
public readonly record struct Permissions(ulong Bits)
{
    public const ulong Administrator = 1UL << 3;
    public const ulong ManageGuild = 1UL << 5;
    public const ulong ViewChannel = 1UL << 10;
    public const ulong SendMessages = 1UL << 11;
    public const ulong EmbedLinks = 1UL << 14;
    public const ulong ReadMessageHistory = 1UL << 16;
    public const ulong ManageThreads = 1UL << 34;
    public const ulong CreatePublicThreads = 1UL << 35;
    public const ulong SendMessagesInThreads = 1UL << 38;

    public static Permissions Parse(string? value) =>
        ulong.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var bits) ? new(bits) : new(0);

    public bool Has(ulong permission) => (Bits & Administrator) != 0 || (Bits & permission) == permission;
}
