using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Missions.BotFramework;

/// <summary>The bot's own @mention taken out of a message's text, the way the Bot Framework SDKs do it.</summary>
public static partial class Mentions
{
    public static string RemoveRecipientMention(Activity activity)
    {
        var text = activity.Text ?? "";
        var botId = activity.Recipient?.Id;
        foreach (var entity in activity.Entities ?? [])
        {
            if ((entity["type"] as JsonValue)?.ToString() != "mention" || botId is null
                || !string.Equals((entity["mentioned"]?["id"] as JsonValue)?.ToString(), botId, StringComparison.Ordinal))
            {
                continue;
            }

            var mentionText = (entity["text"] as JsonValue)?.ToString();
            var name = (entity["mentioned"]?["name"] as JsonValue)?.ToString();
            var before = text;
            if (!string.IsNullOrEmpty(mentionText))
            {
                text = Regex.Replace(text, Regex.Escape(mentionText), "", RegexOptions.IgnoreCase, TimeSpan.FromSeconds(1));
            }

            if (text == before && !string.IsNullOrEmpty(name))
            {
                // The entity's text and the message's can differ ("<at>@Name</at>" vs "<at>Name</at>").
                text = Regex.Replace(text, $@"<at>@?{Regex.Escape(name)}</at>", "", RegexOptions.IgnoreCase, TimeSpan.FromSeconds(1));
            }
        }

        // Any other mention keeps the name, without the markup.
        text = AtTag().Replace(text, m => m.Groups[1].Value);
        return WhiteSpace().Replace(text, " ").Trim();
    }

    [GeneratedRegex(@"<at>(.*?)</at>", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex AtTag();

    [GeneratedRegex(@"[ \t]+")]
    private static partial Regex WhiteSpace();
}
