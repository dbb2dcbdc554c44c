using System.Text.Json.Nodes;
using Missions.AdaptiveCards;
using Missions.Host.Conversations;

namespace Missions.Host.Teams;

/// <summary>Teams' dialogs (task modules): what the "Create mission" message action opens.</summary>
internal static class TeamsDialogs
{
    /// <summary>The chosen message as an editable request, answered to <c>composeExtension/fetchTask</c>.</summary>
    public static JsonObject CreateMission(string request)
    {
        var card = AdaptiveCard.Create("Create mission")
            .Add(
                new TextBlock("Turn this message into a mission proposal") { Weight = FontWeight.Bolder },
                new TextInput
                {
                    Id = TeamsAdapter.RequestInput,
                    Label = "Request",
                    IsMultiline = true,
                    Value = request.Length <= MissionBot.MaxRequestLength ? request : request[..MissionBot.MaxRequestLength],
                    IsRequired = true,
                    ErrorMessage = "Say what is needed.",
                    MaxLength = MissionBot.MaxRequestLength,
                })
            .AddActions(new SubmitAction { Title = "Draft proposal" });
        return new JsonObject
        {
            ["task"] = new JsonObject
            {
                ["type"] = "continue",
                ["value"] = new JsonObject
                {
                    ["title"] = "Create mission",
                    ["height"] = "medium",
                    ["width"] = "medium",
                    ["card"] = new JsonObject { ["contentType"] = AdaptiveCard.ContentType, ["content"] = card.ToJsonObject() },
                },
            },
        };
    }
}
