namespace Missions.Host.Tests.Infrastructure;

/// <summary>Where things are: the repository root, the conformance data kept in it, and the Node test tools.</summary>
public static partial class Repository
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
