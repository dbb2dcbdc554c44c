namespace Missions.Host.Workspace;

/// <summary>
/// Missions:Workspaces — which workspaces an operator has joined into one: a Discord server and a Teams tenant that
/// are one team, say. Each entry lists workspaces that see each other's missions.
/// </summary>
public sealed class WorkspaceOptions
{
    public const string Section = "Missions:Workspaces";

    public List<List<string>> Joined { get; set; } = [];
}

/// <summary>
/// Where missions live and are seen: a Teams tenant (<c>msteams:&lt;tenant id&gt;</c>), a Discord server
/// (<c>discord:&lt;server id&gt;</c>; a direct message is a workspace of its own, <c>discord:dm:&lt;channel id&gt;</c>), or
/// the local workspace (<c>local</c>: the web chat, and the board and API for people who are not signed in). A mission
/// belongs to the workspace it was asked in, and is invisible outside it and the workspaces joined to it.
/// </summary>
public sealed class Workspaces(Microsoft.Extensions.Options.IOptionsMonitor<WorkspaceOptions> options)
{
    public const string Local = "local";

    public static string OfTeams(string? tenantId) => "msteams:" + (tenantId ?? "");

    public static string OfDiscord(string? guildId, string channelId) => guildId is { Length: > 0 } ? "discord:" + guildId : "discord:dm:" + channelId;

    public static bool IsValid(string? workspace) =>
        workspace == Local
        || (workspace?.StartsWith("msteams:", StringComparison.Ordinal) == true && workspace.Length > "msteams:".Length)
        || (workspace?.StartsWith("discord:", StringComparison.Ordinal) == true && workspace.Length > "discord:".Length);

    /// <summary>The workspaces whose missions a person in <paramref name="workspace"/> sees: it, and those joined to it.</summary>
    public IReadOnlyList<string> SeenFrom(string workspace)
    {
        var seen = new List<string> { workspace };
        foreach (var group in options.CurrentValue.Joined.Where(g => g.Contains(workspace, StringComparer.Ordinal)))
        {
            seen.AddRange(group.Where(w => !seen.Contains(w, StringComparer.Ordinal)));
        }

        return seen;
    }
}
