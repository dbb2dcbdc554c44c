using System.Reflection;
using System.Text.Json.Nodes;
using Missions.Host.Tests.Infrastructure;

namespace Missions.Host.Tests.Deployment;

/// <summary>
/// infra/ compiles and lints clean with the Bicep compiler (from NuGet), and what it deploys fits the host: every
/// setting the container is given is one the host reads, and every setting a deployment needs is given.
/// </summary>
public sealed class InfraTests
{
    private static string Bicep =>
        typeof(InfraTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "BicepPath").Value!;

    private static string Infra => Path.Combine(Repository.Root, "infra");

    private static async Task<(int ExitCode, string Output, string Errors)> BicepAsync(params string[] arguments)
    {
        Assert.True(File.Exists(Bicep), $"The Bicep compiler is not at {Bicep}; restore the test project (dotnet restore).");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(Bicep, File.GetUnixFileMode(Bicep) | UnixFileMode.UserExecute);
        }

        return await LocalProcess.RunAsync(Bicep, arguments, Infra);
    }

    public static TheoryData<string> Files() =>
        new(Directory.GetFiles(Path.Combine(Repository.Root, "infra"), "*.bicep*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(Path.Combine(Repository.Root, "infra"), f)).Order(StringComparer.Ordinal));

    [Theory]
    [MemberData(nameof(Files))]
    public async Task Every_file_lints_with_no_error_and_no_warning(string file)
    {
        var (exit, output, errors) = await BicepAsync("lint", file);
        Assert.True(exit == 0 && output.Trim().Length == 0 && errors.Trim().Length == 0, $"bicep lint {file}:\n{output}\n{errors}");
    }

    [Fact]
    public async Task The_template_builds_and_gives_the_host_exactly_the_settings_it_reads_and_needs()
    {
        var (exit, json, errors) = await BicepAsync("build", "main.bicep", "--stdout");
        Assert.True(exit == 0 && errors.Trim().Length == 0, $"bicep build:\n{errors}");
        var template = JsonNode.Parse(json)!;

        var app = Resources(template).Single(r => r["type"]!.GetValue<string>() == "Microsoft.App/containerApps");
        var settings = app["properties"]!["template"]!["containers"]![0]!["env"]!.AsArray()
            .Select(e => e!["name"]!.GetValue<string>()).ToHashSet(StringComparer.Ordinal);

        var unread = settings.Where(s => !HostReads(s)).ToList();
        Assert.True(unread.Count == 0, "Settings the host does not read: " + string.Join(", ", unread));

        string[] needed =
        [
            "Missions__Database__Provider", "ConnectionStrings__Missions", "AZURE_CLIENT_ID",
            "Missions__Teams__AppId", "Missions__Teams__AppType", "Missions__Teams__TenantId",
            "Missions__AI__Endpoint", "Missions__AI__Model", "Missions__AI__UseAzureIdentity",
            "Missions__Content__BlobContainerUrl", "Missions__Content__BlobUseAzureIdentity",
            "Missions__Artifacts__PublicUrl", "APPLICATIONINSIGHTS_CONNECTION_STRING",
        ];
        Assert.Empty(needed.Except(settings));

        // The probes ask the host's own liveness and readiness endpoints, on the port the image listens on.
        var probes = JsonTree.Objects(app).Where(n => n["type"] is JsonValue t && t.GetValue<string>() is "Liveness" or "Readiness").ToList();
        Assert.Equal(["/alive", "/health"], probes.Select(p => p["httpGet"]!["path"]!.GetValue<string>()).Order(StringComparer.Ordinal));
        Assert.Contains("8080", app.ToJsonString(), StringComparison.Ordinal);

        // No secret in any file: the only secure parameter has no default.
        var secure = template["parameters"]!.AsObject().Where(p => p.Value!["type"]!.GetValue<string>() == "securestring").ToList();
        Assert.All(secure, p => Assert.Equal("", p.Value!["defaultValue"]?.GetValue<string>() ?? ""));
    }

    [Fact]
    public void The_Dockerfile_runs_the_host_as_its_non_root_user_on_8080_with_a_health_check()
    {
        var dockerfile = File.ReadAllText(Path.Combine(Repository.Root, "Dockerfile"));
        Assert.Contains("FROM mcr.microsoft.com/dotnet/aspnet:10.0", dockerfile, StringComparison.Ordinal);
        Assert.Contains("USER $APP_UID", dockerfile, StringComparison.Ordinal);
        Assert.Contains("ASPNETCORE_HTTP_PORTS=8080", dockerfile, StringComparison.Ordinal);
        Assert.Contains("HEALTHCHECK", dockerfile, StringComparison.Ordinal);
        Assert.Contains("\"Missions.Host.dll\", \"health\"", dockerfile, StringComparison.Ordinal);

        // The image builds from the sources alone: every file of the repository's root that the build reads is copied
        // (without .editorconfig, say, the analyzers would fail the build on the migrations dotnet-ef writes).
        var copied = dockerfile.Split('\n').Where(line => line.StartsWith("COPY ", StringComparison.Ordinal) && !line.Contains("--from", StringComparison.Ordinal))
            .SelectMany(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).SkipLast(1)).ToHashSet(StringComparer.Ordinal);
        Assert.All(new[] { "global.json", "Directory.Build.props", "Directory.Packages.props", ".editorconfig" }.Where(f => File.Exists(Path.Combine(Repository.Root, f))),
            file => Assert.Contains(file, copied));
        Assert.Contains("src/", copied);
        Assert.Contains("manifests/discord/", copied);
    }

    /// <summary>A setting the host reads: an options section's property, or one of the few read directly.</summary>
    private static bool HostReads(string setting)
    {
        if (setting is "ConnectionStrings__Missions" or "APPLICATIONINSIGHTS_CONNECTION_STRING" or "OTEL_EXPORTER_OTLP_ENDPOINT"
            // Azure.Identity's managed identity credential reads it: which user-assigned identity to use.
            or "AZURE_CLIENT_ID")
        {
            return true;
        }

        var parts = setting.Split("__");
        if (parts.Length != 3)
        {
            return false;
        }

        var section = $"{parts[0]}:{parts[1]}";
        return typeof(Program).Assembly.GetTypes()
            .Concat(typeof(global::Missions.BotFramework.ConnectorClient).Assembly.GetTypes())
            .Where(t => t.GetField("Section", BindingFlags.Public | BindingFlags.Static)?.GetRawConstantValue() as string == section)
            .Any(t => t.GetProperty(parts[2], BindingFlags.Public | BindingFlags.Instance) is { CanWrite: true });
    }

    private static IEnumerable<JsonObject> Resources(JsonNode template)
    {
        var resources = template["resources"];
        var all = resources is JsonArray array ? array.Select(r => r!.AsObject()) : resources!.AsObject().Select(r => r.Value!.AsObject());
        foreach (var resource in all)
        {
            if (resource["type"]!.GetValue<string>() == "Microsoft.Resources/deployments")
            {
                foreach (var inner in Resources(resource["properties"]!["template"]!))
                {
                    yield return inner;
                }
            }
            else
            {
                yield return resource;
            }
        }
    }
}
