using System.IO.Compression;
using System.Text.Json.Nodes;

namespace Missions.Host.Teams;

/// <summary>
/// Writes the Teams app package: <c>manifests/teams/manifest.json</c> with the bot's app id and the public host
/// filled in (and, with sign-in configured, the tab's single sign-on: the app registration and its Application ID URI),
/// and the two icons, zipped flat as Teams expects.
/// <c>dotnet run --project src/Missions.Host -- teams-package --app-id &lt;id&gt; --host &lt;host&gt; [--sign-in-client-id &lt;id&gt;] [--out file.zip]</c>
/// </summary>
public static class TeamsAppPackage
{
    public const string TemplateHost = "missions.example.com";
    public const string TemplateBotId = "00000000-0000-0000-0000-000000000000";

    /// <summary>The Application ID URI Teams asks tokens for, for a tab on <paramref name="host"/>: <c>api://host/client id</c>.</summary>
    public static string AppIdUri(string host, Guid clientId) => $"api://{host}/{clientId}";

    public static JsonObject Manifest(string templateFolder, string appId, string host, string? signInClientId = null)
    {
        if (!Guid.TryParse(appId, out var id))
        {
            throw new ArgumentException($"The app id '{appId}' is not a GUID (the Azure Bot's Microsoft App ID).", nameof(appId));
        }

        host = host.Trim();
        if (host.Contains("://", StringComparison.Ordinal))
        {
            host = new Uri(host).Authority;
        }

        host = host.TrimEnd('/');
        if (host.Length == 0 || Uri.CheckHostName(host.Split(':')[0]) == UriHostNameType.Unknown)
        {
            throw new ArgumentException($"'{host}' is not a host name (for example missions.contoso.com).", nameof(host));
        }

        var text = File.ReadAllText(Path.Combine(templateFolder, "manifest.json"))
            .Replace(TemplateBotId, id.ToString(), StringComparison.Ordinal)
            .Replace(TemplateHost, host, StringComparison.Ordinal);
        var manifest = JsonNode.Parse(text)!.AsObject();
        if (signInClientId is not null)
        {
            if (!Guid.TryParse(signInClientId, out var clientId))
            {
                throw new ArgumentException($"The sign-in client id '{signInClientId}' is not a GUID (the app registration's Application (client) ID).", nameof(signInClientId));
            }

            // The tab's single sign-on: Teams asks Entra ID for a token for this app (Missions:SignIn:ClientId, AppIdUri).
            manifest["webApplicationInfo"] = new JsonObject { ["id"] = clientId.ToString(), ["resource"] = AppIdUri(host, clientId) };
        }

        return manifest;
    }

    public static void Write(string templateFolder, string appId, string host, string zipPath, string? signInClientId = null)
    {
        var manifest = Manifest(templateFolder, appId, host, signInClientId);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(zipPath))!);
        File.Delete(zipPath);
        using var zip = ZipFile.Open(zipPath, ZipArchiveMode.Create);

        using (var writer = new StreamWriter(zip.CreateEntry("manifest.json").Open()))
        {
            writer.Write(manifest.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
        }

        zip.CreateEntryFromFile(Path.Combine(templateFolder, "color.png"), "color.png");
        zip.CreateEntryFromFile(Path.Combine(templateFolder, "outline.png"), "outline.png");
    }

    /// <summary>The command line: returns the exit code, writing what happened to the console.</summary>
    public static int Run(string[] args)
    {
        string? Arg(string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
        var appId = Arg("--app-id");
        var host = Arg("--host");
        if (appId is null || host is null)
        {
            Console.Error.WriteLine("usage: teams-package --app-id <Azure Bot app id> --host <public host> [--sign-in-client-id <app registration id>] [--out missions-teams.zip] [--manifests manifests/teams]");
            return 2;
        }

        var folder = Arg("--manifests") ?? FindTemplate();
        var output = Arg("--out") ?? "missions-teams.zip";
        try
        {
            Write(folder, appId, host, output, Arg("--sign-in-client-id"));
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine(e.Message);
            return 2;
        }

        Console.WriteLine($"Wrote {Path.GetFullPath(output)}: upload it in Teams (Apps → Manage your apps → Upload an app).");
        return 0;
    }

    private static string FindTemplate()
    {
        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "manifests", "teams");
            if (File.Exists(Path.Combine(candidate, "manifest.json")))
            {
                return candidate;
            }
        }

        throw new ArgumentException("Could not find manifests/teams/manifest.json above the current folder; pass --manifests <folder>.");
    }
}
