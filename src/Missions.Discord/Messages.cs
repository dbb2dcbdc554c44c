using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Missions.Discord;

/// <summary>
/// A message to create or edit (a channel message, an interaction response, a follow-up). <see cref="AllowedMentions"/>
/// is always sent, on edits too (an edit without it is parsed with the default allowances): by default nothing pings.
/// </summary>
public sealed record MessagePayload
{
    public string? Content { get; init; }
    public IReadOnlyList<Embed>? Embeds { get; init; }
    public JsonArray? Components { get; init; }
    public AllowedMentions AllowedMentions { get; init; } = AllowedMentions.None;
    public int? Flags { get; init; }

    /// <summary>The message this one replies to (shown as a reply; a deleted one does not fail the post).</summary>
    public JsonObject? MessageReference { get; init; }

    public static JsonObject ReplyTo(string messageId) => new() { ["message_id"] = messageId, ["fail_if_not_exists"] = false };

    public const int Ephemeral = 1 << 6;
}

public sealed record Embed(
    string? Title = null,
    string? Description = null,
    string? Url = null,
    int? Color = null,
    IReadOnlyList<EmbedField>? Fields = null,
    EmbedFooter? Footer = null);

public sealed record EmbedField(string Name, string Value, bool Inline = false);

public sealed record EmbedFooter(string Text);

/// <summary>Who a message may ping. <c>parse</c> and an explicit list of the same kind are exclusive.</summary>
public sealed record AllowedMentions(IReadOnlyList<string> Parse, IReadOnlyList<string>? Users = null)
{
    /// <summary>Nobody: for anything that echoes what people wrote.</summary>
    public static AllowedMentions None { get; } = new([]);

    /// <summary>Only these users (a review prompt pinging its requester).</summary>
    public static AllowedMentions OnlyUsers(params string[] ids) => new([], ids);
}

public enum ButtonStyle
{
    Primary = 1,
    Secondary = 2,
    Success = 3,
    Danger = 4,
    Link = 5,
}

/// <summary>
/// Message and modal components (legacy layout: action rows of buttons or one select; modal inputs in Labels). An
/// optional field left unset is not sent at all (Discord refuses a <c>null</c> where it expects a value).
/// </summary>
public static class Components
{
    private static JsonObject Compact(JsonObject component)
    {
        foreach (var name in component.Where(p => p.Value is null).Select(p => p.Key).ToList())
        {
            component.Remove(name);
        }

        return component;
    }

    public static JsonObject Row(params JsonObject[] components) => new() { ["type"] = 1, ["components"] = new JsonArray(components) };

    public static JsonObject Button(ButtonStyle style, string label, string customId, bool disabled = false) => Compact(new()
    {
        ["type"] = 2,
        ["style"] = (int)style,
        ["label"] = DiscordLimits.Cut(label, DiscordLimits.ButtonLabel),
        ["custom_id"] = CheckedId(customId),
        ["disabled"] = disabled ? true : null,
    });

    public static JsonObject LinkButton(string label, string url) => new()
    {
        ["type"] = 2,
        ["style"] = (int)ButtonStyle.Link,
        ["label"] = DiscordLimits.Cut(label, DiscordLimits.ButtonLabel),
        ["url"] = url,
    };

    /// <summary>A modal input with its label (the Text Input itself must then carry no label).</summary>
    public static JsonObject Label(string label, JsonObject component, string? description = null) => Compact(new()
    {
        ["type"] = 18,
        ["label"] = DiscordLimits.Cut(label, 45),
        ["description"] = description is null ? null : DiscordLimits.Cut(description, 100),
        ["component"] = component,
    });

    public static JsonObject TextInput(string customId, bool paragraph, string? value, bool required, int maxLength, string? placeholder = null) => Compact(new()
    {
        ["type"] = 4,
        ["custom_id"] = CheckedId(customId),
        ["style"] = paragraph ? 2 : 1,
        ["value"] = string.IsNullOrEmpty(value) ? null : DiscordLimits.Cut(value, maxLength),
        ["required"] = required,
        ["max_length"] = maxLength,
        ["placeholder"] = placeholder is null ? null : DiscordLimits.Cut(placeholder, 100),
    });

    /// <summary>A single-choice select of at most 25 options; the selected one shows as the default.</summary>
    /// <remarks><paramref name="required"/> is for a select in a modal; on a message (null) it is left out, as Discord asks.</remarks>
    public static JsonObject StringSelect(string customId, IEnumerable<(string Value, string Label)> options, string? selected, bool? required, string? placeholder = null) => Compact(new()
    {
        ["type"] = 3,
        ["custom_id"] = CheckedId(customId),
        ["required"] = required,
        ["min_values"] = required is null ? null : required.Value ? 1 : 0,
        ["max_values"] = 1,
        ["placeholder"] = placeholder is null ? null : DiscordLimits.Cut(placeholder, 150),
        ["options"] = new JsonArray(options.Take(25).Select(o => (JsonNode)Compact(new JsonObject
        {
            ["label"] = DiscordLimits.Cut(o.Label, 100),
            ["value"] = o.Value,
            ["default"] = o.Value == selected ? true : null,
        })).ToArray()),
    });

    private static string CheckedId(string customId) =>
        customId.Length is > 0 and <= DiscordLimits.CustomId ? customId : throw new ArgumentException($"A custom_id must be 1-{DiscordLimits.CustomId} characters: '{customId}'.", nameof(customId));
}

public enum InteractionCallbackType
{
    Pong = 1,
    ChannelMessageWithSource = 4,
    DeferredChannelMessageWithSource = 5,
    DeferredUpdateMessage = 6,
    UpdateMessage = 7,
    Modal = 9,
}

/// <summary>The first answer to an interaction, given inline in the HTTP response (or POSTed to its callback).</summary>
public sealed record InteractionResponse(InteractionCallbackType Type, [property: JsonPropertyName("data")] object? Data = null)
{
    public static InteractionResponse Pong { get; } = new(InteractionCallbackType.Pong);

    public static InteractionResponse Message(MessagePayload message) => new(InteractionCallbackType.ChannelMessageWithSource, message);

    /// <summary>Seen only by the person who acted.</summary>
    public static InteractionResponse Ephemeral(string text) =>
        Message(new MessagePayload { Content = DiscordLimits.Cut(text, DiscordLimits.Content), Flags = MessagePayload.Ephemeral });

    /// <summary>"Thinking…" now; the response message is edited in later (within 15 minutes).</summary>
    public static InteractionResponse Defer { get; } = new(InteractionCallbackType.DeferredChannelMessageWithSource);

    /// <summary>A component's click acknowledged; the message it sits on is left as it is (or edited later).</summary>
    public static InteractionResponse DeferUpdate { get; } = new(InteractionCallbackType.DeferredUpdateMessage);

    /// <summary>Replaces the message the component sits on.</summary>
    public static InteractionResponse Update(MessagePayload message) => new(InteractionCallbackType.UpdateMessage, message);

    public static InteractionResponse Modal(string customId, string title, params JsonObject[] components) =>
        new(InteractionCallbackType.Modal, new JsonObject
        {
            ["custom_id"] = customId,
            ["title"] = DiscordLimits.Cut(title, 45),
            ["components"] = new JsonArray(components.Take(5).Select(c => (JsonNode)c).ToArray()),
        });

    public string ToJson() => System.Text.Json.JsonSerializer.Serialize(this, DiscordJson.Options);
}

/// <summary>Discord's limits on what a message may hold; going over any of them is a 400.</summary>
public static class DiscordLimits
{
    public const int Content = 2000;
    public const int EmbedTitle = 256;
    public const int EmbedDescription = 4096;
    public const int EmbedFields = 25;
    public const int FieldName = 256;
    public const int FieldValue = 1024;
    public const int Footer = 2048;
    public const int EmbedTotal = 6000;
    public const int ButtonLabel = 80;
    public const int CustomId = 100;
    public const int ActionRows = 5;
    public const int ButtonsPerRow = 5;

    /// <summary>At most <paramref name="max"/> characters (UTF-16, the stricter count), ending in "…" when cut.</summary>
    public static string Cut(string text, int max)
    {
        text = text.Trim();
        if (text.Length <= max)
        {
            return text;
        }

        if (max <= 1)
        {
            return max == 1 ? "…" : "";
        }

        var end = max - 1;
        if (char.IsHighSurrogate(text[end - 1]))
        {
            end--;
        }

        return text[..end].TrimEnd() + "…";
    }

    /// <summary>
    /// The message cut to fit: content, every embed field to its own limit, at most 25 fields, and the embeds' text
    /// together within 6,000 characters (descriptions give way first, then fields are dropped from the end).
    /// </summary>
    public static MessagePayload Fit(MessagePayload message)
    {
        var embeds = message.Embeds?.Take(10).Select(e => e with
        {
            Title = e.Title is null ? null : Cut(e.Title, EmbedTitle),
            Description = e.Description is null ? null : Cut(e.Description, EmbedDescription),
            Fields = e.Fields?.Take(EmbedFields).Select(f => new EmbedField(Cut(f.Name, FieldName), Cut(f.Value, FieldValue), f.Inline)).ToList(),
            Footer = e.Footer is null ? null : new EmbedFooter(Cut(e.Footer.Text, Footer)),
        }).ToList();

        if (embeds is not null)
        {
            for (var i = 0; i < embeds.Count && Total(embeds) > EmbedTotal; i++)
            {
                if (embeds[i].Description is { } description)
                {
                    var room = Math.Max(1, description.Length - (Total(embeds) - EmbedTotal));
                    embeds[i] = embeds[i] with { Description = Cut(description, room) };
                }
            }

            for (var i = embeds.Count - 1; i >= 0 && Total(embeds) > EmbedTotal; i--)
            {
                while (embeds[i].Fields is { Count: > 0 } fields && Total(embeds) > EmbedTotal)
                {
                    embeds[i] = embeds[i] with { Fields = fields.Take(fields.Count - 1).ToList() };
                }
            }
        }

        return message with
        {
            Content = message.Content is null ? null : Cut(message.Content, Content),
            Embeds = embeds,
        };
    }

    /// <summary>The characters that count toward the 6,000 of a message's embeds.</summary>
    public static int Total(IEnumerable<Embed> embeds) => embeds.Sum(e =>
        (e.Title?.Length ?? 0) + (e.Description?.Length ?? 0) + (e.Footer?.Text.Length ?? 0)
        + (e.Fields?.Sum(f => f.Name.Length + f.Value.Length) ?? 0));
}
