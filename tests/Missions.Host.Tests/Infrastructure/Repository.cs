using System.Text.Json.Nodes;

namespace Missions.Host.Tests.Infrastructure;

/// <summary>Where things are: the repository root, the conformance data kept in it, and the Node test tools.</summary>
public static class Repository
{
    public static string Root { get; } = FindRoot();

    /// <summary>Official schemas and documented payloads, copied into tests/conformance with their provenance.</summary>
    public static string Conformance(params string[] parts) => Path.Combine([Root, "tests", "conformance", .. parts]);

    public static string Tools => Path.Combine(Root, "tests", "tools");

    /// <summary>Set by the test script, which installs every tool: a missing one then fails instead of skipping.</summary>
    public static bool ToolsRequired => Environment.GetEnvironmentVariable("MISSIONS_REQUIRE_TOOLS") == "1";

    public static string? NodeToolsMissing =>
        Directory.Exists(Path.Combine(Tools, "node_modules", "ajv")) ? null
        : "tests/tools has no node_modules; run ./test.sh (or npm ci --prefix tests/tools).";

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

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Missions.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Missions.sln not found above the test binaries.");
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
