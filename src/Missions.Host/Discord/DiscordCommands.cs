using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Missions.Discord;

namespace Missions.Host.Discord;

/// <summary>
/// The application's commands (<c>manifests/discord/commands.json</c>, carried inside the host) and the command line
/// that registers them, replacing whatever the application had: in one guild (at once; best while trying it out) or
/// globally. <c>dotnet run --project src/Missions.Host -- discord-commands [--guild &lt;id&gt;]</c>, with
/// <c>Missions:Discord:ApplicationId</c> and <c>…:BotToken</c> set as for the host.
/// </summary>
public static class DiscordCommands
{
    public static JsonArray Definitions()
    {
        using var stream = typeof(DiscordCommands).Assembly.GetManifestResourceStream("discord-commands.json")
            ?? throw new InvalidOperationException("The Discord commands are not in this build.");
        return JsonNode.Parse(stream)!.AsArray();
    }

    /// <summary>The command line: returns the exit code, writing what happened to the console.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter output)
    {
        var rest = args.Skip(1).ToList();
        string? guild = null;
        if (rest.IndexOf("--guild") is var at and >= 0)
        {
            guild = at + 1 < rest.Count ? rest[at + 1] : "";
            rest.RemoveRange(at, Math.Min(2, rest.Count - at));
            if (!DiscordOptionsValidation.IsSnowflake(guild))
            {
                await output.WriteLineAsync($"--guild needs a server's id (digits), not '{guild}'.");
                return 2;
            }
        }

        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(rest.ToArray());
        var options = builder.Configuration.GetSection(DiscordOptions.Section).Get<DiscordOptions>() ?? new DiscordOptions();
        if (!DiscordOptionsValidation.IsSnowflake(options.ApplicationId) || string.IsNullOrWhiteSpace(options.BotToken))
        {
            await output.WriteLineAsync($"Set {DiscordOptions.Section}:ApplicationId and {DiscordOptions.Section}:BotToken (as for the host: user secrets, the environment or --{DiscordOptions.Section}:BotToken=…).");
            return 2;
        }

        var restOptions = new DiscordRestOptions { BaseAddress = options.ApiBase, BotToken = options.BotToken.Trim() };
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var client = new DiscordRestClient(http, restOptions, new DiscordRateLimits(restOptions, TimeProvider.System));
        try
        {
            var registered = await client.OverwriteCommandsAsync(options.ApplicationId, guild, Definitions(), CancellationToken.None);
            var names = string.Join(", ", registered.Select(c => (string?)c?["name"]));
            await output.WriteLineAsync(guild is null
                ? $"Registered {registered.Count} commands globally ({names}); Discord may take a while to show them everywhere."
                : $"Registered {registered.Count} commands in server {guild} ({names}); they are there now.");
            return 0;
        }
        catch (DiscordApiException e)
        {
            await output.WriteLineAsync("Discord refused the commands: " + e.Message);
            return 1;
        }
        catch (HttpRequestException e)
        {
            await output.WriteLineAsync($"Could not reach Discord at {options.ApiBase}: {e.Message}");
            return 1;
        }
    }
}
