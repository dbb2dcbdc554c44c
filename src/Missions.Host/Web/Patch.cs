using System.Text.Json;
using System.Text.Json.Serialization;

namespace Missions.Host.Web;

/// <summary>
/// A PATCH field: absent from the body (unchanged), or present with a value that may be null (cleared).
/// System.Text.Json calls the converter only for properties that are present, which is what tells the two apart.
/// </summary>
[JsonConverter(typeof(PatchJsonConverterFactory))]
public readonly record struct Patch<T>(bool IsSet, T? Value)
{
    public T? Or(T? current) => IsSet ? Value : current;
}

public static class Patch
{
    public static Patch<T> Of<T>(T? value) => new(true, value);
}

internal sealed class PatchJsonConverterFactory : JsonConverterFactory
{
    public override bool CanConvert(Type typeToConvert) =>
        typeToConvert.IsGenericType && typeToConvert.GetGenericTypeDefinition() == typeof(Patch<>);

    public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
        (JsonConverter)Activator.CreateInstance(typeof(PatchJsonConverter<>).MakeGenericType(typeToConvert.GetGenericArguments()[0]))!;

    private sealed class PatchJsonConverter<T> : JsonConverter<Patch<T>>
    {
        public override bool HandleNull => true;

        public override Patch<T> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            Patch.Of<T>(reader.TokenType == JsonTokenType.Null ? default : JsonSerializer.Deserialize<T>(ref reader, options));

        public override void Write(Utf8JsonWriter writer, Patch<T> value, JsonSerializerOptions options) =>
            JsonSerializer.Serialize(writer, value.Value, options);
    }
}
