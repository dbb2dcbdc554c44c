using System.Text.Json.Nodes;

namespace Missions.Host.Tests.Infrastructure;

/// <summary>Schema validation of the test data (the part of <see cref="Repository"/> that needs xunit).</summary>
public static partial class Repository
{
    /// <summary>Validates JSON documents against a JSON Schema with ajv; returns each document's errors.</summary>
    public static async Task<Dictionary<string, List<string>>> ValidateAsync(string schemaPath, IReadOnlyDictionary<string, JsonNode> documents)
    {
        var folder = Path.Combine(Path.GetTempPath(), "missions-schema-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(folder);
        try
        {
            var files = new Dictionary<string, string>();
            foreach (var (name, document) in documents)
            {
                var file = Path.Combine(folder, name + ".json");
                await File.WriteAllTextAsync(file, document.ToJsonString());
                files[file] = name;
            }

            var (_, output, error) = await LocalProcess.RunAsync("node", [Path.Combine(Tools, "validate.mjs"), schemaPath, .. files.Keys], Tools);
            var results = new Dictionary<string, List<string>>();
            foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                var result = JsonNode.Parse(line)!;
                results[files[result["file"]!.GetValue<string>()]] = result["errors"]!.AsArray().Select(e => e!.GetValue<string>()).ToList();
            }

            Assert.True(results.Count == documents.Count, $"The validator answered for {results.Count} of {documents.Count} documents: {error}");
            return results;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}

/// <summary>A fact that needs the Node test tools; skipped with the reason where they are missing.</summary>
public sealed class ConformanceFactAttribute : FactAttribute
{
    public ConformanceFactAttribute()
    {
        if (!Repository.ToolsRequired && Repository.NodeToolsMissing is { } reason)
        {
            Skip = reason;
        }
    }
}
