using System.Text.Json;
using System.Text.Json.Nodes;

namespace Missions.Host.Web;

/// <summary>
/// A request body read as one JSON object, refusing what the JSON reader lets through but nothing downstream can use:
/// duplicate property names (which would otherwise fail later as an internal error), and strings that are not valid
/// Unicode (invalid UTF-8, a lone surrogate escape such as <c>"\ud800"</c>).
/// </summary>
public static class JsonInput
{
    private static readonly JsonDocumentOptions Options = new() { AllowDuplicateProperties = false, MaxDepth = 64 };

    /// <summary>The object, or null with the reason a person can act on.</summary>
    public static async Task<(JsonObject? Value, string? Problem)> ReadObjectAsync(Stream body, CancellationToken cancellationToken)
    {
        try
        {
            using var buffer = new MemoryStream();
            await body.CopyToAsync(buffer, cancellationToken);
            if (JsonNode.Parse(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), documentOptions: Options) is not JsonObject value)
            {
                return (null, "The body must be a JSON object.");
            }

            Check(value);
            return (value, null);
        }
        catch (JsonException e) when (e.Message.StartsWith("Duplicate", StringComparison.Ordinal))
        {
            return (null, "The body names a property twice.");
        }
        catch (JsonException)
        {
            return (null, "The body is not valid JSON.");
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or FormatException)
        {
            return (null, "The body holds text that is not valid Unicode (invalid UTF-8 or an unpaired surrogate).");
        }
    }

    /// <summary>Reads every name and string once, so text that cannot be read fails here rather than deep in a turn.</summary>
    private static void Check(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (name, child) in o)
                {
                    _ = name.Length;
                    Check(child);
                }

                break;
            case JsonArray a:
                foreach (var child in a)
                {
                    Check(child);
                }

                break;
            case JsonValue v when v.GetValueKind() == JsonValueKind.String:
                _ = v.GetValue<string>();
                break;
        }
    }
}
