using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Missions.Discord;
using Missions.Host.Discord;
using Missions.Host.Tests.Infrastructure;

namespace Missions.Host.Tests.Discord;

/// <summary>Interactions as Discord documents them, older and newer shapes, read by the models and the adapter.</summary>
public sealed partial class DiscordInteractionTests
{
    private static Interaction Read(params string[] path)
    {
        var text = File.ReadAllText(Repository.Conformance(["discord", "api-docs", .. path]));
        // The .jsonc examples carry comments and a "...additionalInteractionFields" placeholder.
        text = Comment().Replace(text, "");
        text = text.Replace("...additionalInteractionFields,", "", StringComparison.Ordinal);
        text = TrailingComma().Replace(text, "$1");
        return JsonSerializer.Deserialize<Interaction>(text, DiscordJson.Options)!;
    }

    [Fact]
    public void The_message_command_becomes_a_request_of_the_message_it_was_used_on()
    {
        var interaction = Read("interactions", "interaction-application-command-message.json");
        Assert.Equal(InteractionType.ApplicationCommand, interaction.Type);
        Assert.Equal("ian", interaction.Invoker!.DisplayName);
        // Fields the 2021 example still carries and this code does not name are kept, not refused.
        Assert.NotNull(interaction.Member!.Extra);
        Assert.True(interaction.AppPermissionSet.Has(Permissions.EmbedLinks));
        Assert.False(interaction.AppPermissionSet.Has(Permissions.SendMessages));

        var command = DiscordAdapter.ReadCommand(interaction);
        Assert.NotNull(command);
        Assert.Equal("some message", command.Text);
        Assert.True(command.IsRequest);
        Assert.Null(command.Error);
    }

    [Fact]
    public void A_slash_command_with_a_subcommand_is_read_and_the_documented_one_of_another_app_is_not_ours()
    {
        Assert.Null(DiscordAdapter.ReadCommand(Read("interactions", "interaction-application-command-chat-input.json")));

        var board = JsonSerializer.Deserialize<Interaction>(DiscordCloud.Slash("board").ToJsonString(), DiscordJson.Options)!;
        Assert.Equal("board", DiscordAdapter.ReadCommand(board)!.Text);
        var show = JsonSerializer.Deserialize<Interaction>(DiscordCloud.Slash("show", null, ("number", 4, JsonValue.Create(12))).ToJsonString(), DiscordJson.Options)!;
        Assert.Equal("show M-12", DiscordAdapter.ReadCommand(show)!.Text);
        var list = JsonSerializer.Deserialize<Interaction>(DiscordCloud.Slash("list", null, ("status", 3, JsonValue.Create("review")), ("mine", 5, JsonValue.Create(true))).ToJsonString(), DiscordJson.Options)!;
        Assert.Equal("list review mine", DiscordAdapter.ReadCommand(list)!.Text);
        var wrong = JsonSerializer.Deserialize<Interaction>(DiscordCloud.Slash("list", null, ("status", 3, JsonValue.Create("someday"))).ToJsonString(), DiscordJson.Options)!;
        Assert.Contains("not a column", DiscordAdapter.ReadCommand(wrong)!.Error, StringComparison.Ordinal);
        var empty = JsonSerializer.Deserialize<Interaction>(DiscordCloud.NewMission("   ").ToJsonString(), DiscordJson.Options)!;
        Assert.NotNull(DiscordAdapter.ReadCommand(empty)!.Error);
    }

    [Fact]
    public void Modal_values_are_read_from_inputs_in_labels_and_from_the_older_action_rows()
    {
        var current = Read("components", "interaction-modal-submit-text-input-partial.jsonc");
        Assert.Equal(InteractionType.ModalSubmit, current.Type);
        Assert.Equal("The recent changes to acceleration feel much better, but shadows still need help", Assert.Single(current.Data!.ModalValues()["game_feedback"]));

        var legacy = Read("old-2025-03", "interaction-modal-submit-legacy-action-row.json");
        Assert.Equal("John", Assert.Single(legacy.Data!.ModalValues()["name"]));
        Assert.Equal("Mason", legacy.Invoker!.DisplayName);
    }

    [Fact]
    public void A_button_click_names_its_custom_id_and_the_message_it_sits_on()
    {
        var partial = Read("components", "interaction-button-click-partial.jsonc");
        Assert.Equal(InteractionType.MessageComponent, partial.Type);
        Assert.Equal("click_me", partial.Data!.CustomId);
        Assert.Null(DiscordButtons.Parse(partial.Data.CustomId));

        var full = Read("old-2025-03", "interaction-message-component-button.json");
        Assert.Equal("844397162624450620", full.Message!.Id);
        Assert.Equal("click_one", full.Data!.CustomId);
    }

    [GeneratedRegex(@"//[^\n]*")]
    private static partial Regex Comment();

    [GeneratedRegex(@",(\s*[}\]])")]
    private static partial Regex TrailingComma();
}
