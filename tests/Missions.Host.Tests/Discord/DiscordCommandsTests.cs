using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Missions.Discord;
using Missions.Host.Discord;
using Missions.Host.Tests.Infrastructure;

namespace Missions.Host.Tests.Discord;

/// <summary>The commands in manifests/discord/commands.json keep Discord's rules, the adapter reads every one, and one command registers them.</summary>
public sealed partial class DiscordCommandsTests
{
    [Fact]
    public void The_commands_keep_Discords_rules_and_match_the_file_in_manifests()
    {
        var definitions = DiscordCommands.Definitions();
        var file = JsonNode.Parse(File.ReadAllText(Path.Combine(Repository.Root, "manifests", "discord", "commands.json")))!;
        Assert.True(JsonNode.DeepEquals(file, definitions), "The host carries a different copy of manifests/discord/commands.json.");

        var slash = definitions.Single(c => (int)c!["type"]! == 1)!;
        Assert.Equal(DiscordAdapter.CommandName, (string)slash["name"]!);
        var message = definitions.Single(c => (int)c!["type"]! == 3)!;
        Assert.Equal(DiscordAdapter.MessageCommandName, (string)message["name"]!);
        Assert.Null(message["description"]);
        foreach (var command in definitions)
        {
            // Server installs only: the bot must be in the server to post, start threads and edit later.
            Assert.Equal("[0]", command!["integration_types"]!.ToJsonString());
            Assert.Equal("[0]", command["contexts"]!.ToJsonString());
        }

        var total = 0;
        void Check(JsonNode option)
        {
            var name = (string)option["name"]!;
            var description = (string)option["description"]!;
            Assert.Matches(Name(), name);
            Assert.InRange(description.Length, 1, 100);
            total += name.Length + description.Length;
            var options = option["options"]?.AsArray() ?? [];
            Assert.True(options.Count <= 25);
            // Required options come before optional ones.
            var required = options.Select(o => (bool?)o!["required"] == true).ToList();
            Assert.Equal(required.OrderByDescending(r => r), required);
            foreach (var choice in options.SelectMany(o => o!["choices"]?.AsArray() ?? []))
            {
                Assert.InRange(((string)choice!["name"]!).Length, 1, 100);
                total += ((string)choice["name"]!).Length + ((string)choice["value"]!).Length;
            }

            foreach (var child in options)
            {
                Check(child!);
            }
        }

        Check(slash);
        Assert.True(total <= 8000);
    }

    [Fact]
    public void Every_subcommand_and_every_choice_is_one_the_adapter_reads()
    {
        var slash = DiscordCommands.Definitions().Single(c => (int)c!["type"]! == 1)!;
        foreach (var sub in slash["options"]!.AsArray())
        {
            var samples = (sub!["options"]?.AsArray() ?? []).Select(o => (string)o!["name"]! switch
            {
                "text" => ("text", 3, (JsonNode)JsonValue.Create("Summarise competitor pricing")),
                "number" => ("number", 4, JsonValue.Create(12)),
                "status" => ("status", 3, o["choices"]![1]!["value"]!.DeepClone()),
                "mine" => ("mine", 5, JsonValue.Create(true)),
                "file" => ("file", 11, JsonValue.Create("1187")),
                var other => throw new Xunit.Sdk.XunitException($"No sample for the option '{other}'."),
            }).ToArray();
            var sent = DiscordCloud.Slash((string)sub["name"]!, null, samples);
            // An ATTACHMENT option's value is the id of a file described in the interaction's resolved data.
            sent["data"]!["resolved"] = new JsonObject
            {
                ["attachments"] = new JsonObject { ["1187"] = new JsonObject { ["id"] = "1187", ["filename"] = "notes.txt", ["size"] = 21, ["url"] = "https://cdn.discordapp.com/ephemeral-attachments/1/1187/notes.txt" } },
            };
            var interaction = JsonSerializer.Deserialize<Interaction>(sent.ToJsonString(), DiscordJson.Options)!;
            var command = DiscordAdapter.ReadCommand(interaction);
            Assert.True(command is { Error: null, Text.Length: > 0 }, $"/mission {sub["name"]} is not read: {command?.Error}");
        }

        foreach (var choice in slash["options"]!.AsArray().Single(s => (string)s!["name"]! == "list")!["options"]![0]!["choices"]!.AsArray())
        {
            var interaction = JsonSerializer.Deserialize<Interaction>(DiscordCloud.Slash("list", null, ("status", 3, choice!["value"]!.DeepClone())).ToJsonString(), DiscordJson.Options)!;
            Assert.IsType<Host.Conversations.ListCommand>(Host.Conversations.ChatCommands.Parse(DiscordAdapter.ReadCommand(interaction)!.Text));
        }
    }

    [Fact]
    public async Task One_command_registers_them_in_a_server_and_says_what_went_wrong_when_it_cannot()
    {
        await using var discord = await DiscordCloud.StartAsync();
        string[] Args(params string[] more) =>
            ["discord-commands", .. more, $"--Missions:Discord:ApplicationId={DiscordCloud.ApplicationId}", $"--Missions:Discord:ApiBaseUrl={discord.Api}"];

        var output = new StringWriter();
        Assert.Equal(0, await DiscordCommands.RunAsync([.. Args("--guild", DiscordCloud.GuildId), $"--Missions:Discord:BotToken={DiscordCloud.BotToken}"], output));
        var put = Assert.Single(discord.Calls);
        Assert.Equal(("PUT", $"applications/{DiscordCloud.ApplicationId}/guilds/{DiscordCloud.GuildId}/commands", "Bot " + DiscordCloud.BotToken), (put.Method, put.Path, put.Authorization));
        Assert.True(JsonNode.DeepEquals(DiscordCommands.Definitions(), JsonNode.Parse(put.RawBody!)));
        Assert.Contains($"Registered 2 commands in server {DiscordCloud.GuildId} (mission, Create mission)", output.ToString(), StringComparison.Ordinal);

        output = new StringWriter();
        Assert.Equal(2, await DiscordCommands.RunAsync(Args(), output));
        Assert.Contains("Missions:Discord:BotToken", output.ToString(), StringComparison.Ordinal);
        Assert.Equal(2, await DiscordCommands.RunAsync([.. Args("--guild", "general"), $"--Missions:Discord:BotToken={DiscordCloud.BotToken}"], new StringWriter()));

        discord.Behaviour = (_, _) => new DiscordCloud.Failure(401, new JsonObject { ["message"] = "401: Unauthorized", ["code"] = 0 });
        output = new StringWriter();
        Assert.Equal(1, await DiscordCommands.RunAsync([.. Args(), "--Missions:Discord:BotToken=wrong"], output));
        Assert.Contains("401", output.ToString(), StringComparison.Ordinal);
        Assert.EndsWith($"applications/{DiscordCloud.ApplicationId}/commands", discord.Calls.Last().Path, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"^[-_'\p{L}\p{N}]{1,32}$")]
    private static partial Regex Name();
}
