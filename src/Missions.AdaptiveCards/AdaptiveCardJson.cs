using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Missions.AdaptiveCards;

/// <summary>The card's JSON: camelCase names, camelCase enum values, nothing written for unset properties.</summary>
public static class AdaptiveCardJson
{
    public static JsonSerializerOptions Options { get; } = CreateOptions();

    public static string Serialize(AdaptiveCard card) => JsonSerializer.Serialize(card, Options);

    public static JsonObject ToNode(AdaptiveCard card) => JsonSerializer.SerializeToNode(card, Options)!.AsObject();

    public static AdaptiveCard? Deserialize(string json) => JsonSerializer.Deserialize<AdaptiveCard>(json, Options);

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            AllowOutOfOrderMetadataProperties = true,
        };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
