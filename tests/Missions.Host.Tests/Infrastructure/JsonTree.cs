using System.Text.Json.Nodes;

namespace Missions.Host.Tests.Infrastructure;

public static class JsonTree
{
    /// <summary>Every object in a JSON document, the node itself first, depth first (cards, templates).</summary>
    public static IEnumerable<JsonObject> Objects(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                yield return o;
                foreach (var (_, child) in o)
                {
                    foreach (var x in Objects(child))
                    {
                        yield return x;
                    }
                }

                break;
            case JsonArray a:
                foreach (var child in a)
                {
                    foreach (var x in Objects(child))
                    {
                        yield return x;
                    }
                }

                break;
        }
    }
}
