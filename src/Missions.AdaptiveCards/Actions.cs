using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Missions.AdaptiveCards;

[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(ExecuteAction), "Action.Execute")]
[JsonDerivedType(typeof(SubmitAction), "Action.Submit")]
[JsonDerivedType(typeof(OpenUrlAction), "Action.OpenUrl")]
[JsonDerivedType(typeof(ShowCardAction), "Action.ShowCard")]
public abstract class CardAction
{
    public string? Id { get; init; }
    public string? Title { get; init; }
    public ActionStyle? Style { get; init; }
    public string? Tooltip { get; init; }
}

/// <summary>
/// Universal Actions: the client sends an <c>invoke</c> named <c>adaptiveCard/action</c> carrying the verb and the
/// data merged with the card's inputs, and the bot answers with the card that replaces this one.
/// </summary>
public sealed class ExecuteAction : CardAction
{
    public string? Verb { get; init; }
    public JsonObject? Data { get; init; }
    public AssociatedInputs? AssociatedInputs { get; init; }
}

/// <summary>The older action: the client sends a message whose value is the data merged with the inputs.</summary>
public sealed class SubmitAction : CardAction
{
    public JsonObject? Data { get; init; }
    public AssociatedInputs? AssociatedInputs { get; init; }
}

public sealed class OpenUrlAction : CardAction
{
    public required string Url { get; init; }
}

public sealed class ShowCardAction : CardAction
{
    public required AdaptiveCard Card { get; init; }
}
