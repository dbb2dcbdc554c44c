using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Missions.AdaptiveCards;

/// <summary>
/// An Adaptive Card (schema 1.5). Only what the official schema allows is modelled: its definitions use
/// <c>additionalProperties: false</c>, so host-specific extensions (Teams' <c>msteams</c>) are not part of the card.
/// </summary>
public sealed class AdaptiveCard
{
    public const string ContentType = "application/vnd.microsoft.card.adaptive";
    public const string SchemaUrl = "http://adaptivecards.io/schemas/adaptive-card.json";

    [JsonPropertyName("type")]
    [JsonPropertyOrder(-10)]
    public string Type { get; init; } = "AdaptiveCard";

    [JsonPropertyName("$schema")]
    [JsonPropertyOrder(-9)]
    public string? Schema { get; init; }

    /// <summary>Required on a top-level card; left out on the card inside an <see cref="ShowCardAction"/>.</summary>
    [JsonPropertyOrder(-8)]
    public string? Version { get; init; }

    public Refresh? Refresh { get; init; }

    public List<CardElement> Body { get; init; } = [];

    public List<CardAction>? Actions { get; set; }

    /// <summary>What a client that cannot render the card shows instead.</summary>
    public string? FallbackText { get; init; }

    public string? Speak { get; init; }

    /// <summary>A top-level 1.5 card with the schema reference.</summary>
    public static AdaptiveCard Create(string? fallbackText = null) => new() { Schema = SchemaUrl, Version = "1.5", FallbackText = fallbackText };

    public AdaptiveCard Add(params CardElement[] elements)
    {
        Body.AddRange(elements);
        return this;
    }

    public AdaptiveCard AddActions(params CardAction[] actions)
    {
        if (actions.Length > 0)
        {
            (Actions ??= []).AddRange(actions);
        }

        return this;
    }

    public string ToJson() => AdaptiveCardJson.Serialize(this);

    public JsonObject ToJsonObject() => AdaptiveCardJson.ToNode(this);
}

/// <summary>Lets a card refresh itself through an <c>adaptiveCard/action</c> invoke (Universal Actions).</summary>
public sealed class Refresh
{
    public required ExecuteAction Action { get; init; }

    /// <summary>Who refreshes automatically; an empty list means only on demand.</summary>
    public List<string>? UserIds { get; init; }
}
