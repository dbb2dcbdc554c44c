using System.Text.Json.Serialization;

namespace Missions.AdaptiveCards;

[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(TextBlock), "TextBlock")]
[JsonDerivedType(typeof(Container), "Container")]
[JsonDerivedType(typeof(ColumnSet), "ColumnSet")]
[JsonDerivedType(typeof(FactSet), "FactSet")]
[JsonDerivedType(typeof(Image), "Image")]
[JsonDerivedType(typeof(ActionSet), "ActionSet")]
[JsonDerivedType(typeof(TextInput), "Input.Text")]
[JsonDerivedType(typeof(DateInput), "Input.Date")]
[JsonDerivedType(typeof(ChoiceSetInput), "Input.ChoiceSet")]
[JsonDerivedType(typeof(ToggleInput), "Input.Toggle")]
public abstract class CardElement
{
    public string? Id { get; init; }
    public Spacing? Spacing { get; init; }
    public bool? Separator { get; init; }
    public bool? IsVisible { get; init; }
}

public sealed class TextBlock : CardElement
{
    public TextBlock()
    {
    }

    [System.Diagnostics.CodeAnalysis.SetsRequiredMembers]
    public TextBlock(string text) => Text = text;

    public required string Text { get; init; }
    public FontSize? Size { get; init; }
    public FontWeight? Weight { get; init; }
    public TextColor? Color { get; init; }
    public bool? IsSubtle { get; init; }
    public bool? Wrap { get; init; } = true;
    public int? MaxLines { get; init; }
    public TextBlockStyle? Style { get; init; }
}

public sealed class Container : CardElement
{
    public List<CardElement> Items { get; init; } = [];
    public ContainerStyle? Style { get; init; }
    public bool? Bleed { get; init; }
}

public sealed class ColumnSet : CardElement
{
    public List<Column> Columns { get; init; } = [];
}

/// <summary>A column; not a card element on its own (the schema gives it its own "type": "Column").</summary>
public sealed class Column
{
    [JsonPropertyName("type")]
    [JsonPropertyOrder(-10)]
    public string Type { get; init; } = "Column";

    public List<CardElement> Items { get; init; } = [];

    /// <summary>"auto", "stretch", a weight such as "2", or pixels such as "50px".</summary>
    public string? Width { get; init; }

    public VerticalContentAlignment? VerticalContentAlignment { get; init; }
}

public sealed class FactSet : CardElement
{
    public List<Fact> Facts { get; init; } = [];
}

public sealed record Fact(string Title, string Value);

public sealed class Image : CardElement
{
    public required string Url { get; init; }
    public string? AltText { get; init; }
    public ImageSize? Size { get; init; }
}

public sealed class ActionSet : CardElement
{
    public List<CardAction> Actions { get; init; } = [];
}

public abstract class InputElement : CardElement
{
    public string? Label { get; init; }
    public bool? IsRequired { get; init; }
    public string? ErrorMessage { get; init; }
}

public sealed class TextInput : InputElement
{
    public string? Placeholder { get; init; }
    public string? Value { get; init; }
    public bool? IsMultiline { get; init; }
    public int? MaxLength { get; init; }
}

public sealed class DateInput : InputElement
{
    /// <summary>YYYY-MM-DD.</summary>
    public string? Value { get; init; }

    public string? Min { get; init; }
    public string? Max { get; init; }
    public string? Placeholder { get; init; }
}

public sealed class ChoiceSetInput : InputElement
{
    public List<Choice> Choices { get; init; } = [];
    public string? Value { get; init; }
    public ChoiceInputStyle? Style { get; init; }
    public bool? IsMultiSelect { get; init; }
    public string? Placeholder { get; init; }
}

public sealed record Choice(string Title, string Value);

public sealed class ToggleInput : InputElement
{
    public required string Title { get; init; }
    public string? Value { get; init; }
    public string? ValueOn { get; init; }
    public string? ValueOff { get; init; }
}
