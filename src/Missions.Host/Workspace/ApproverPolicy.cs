using Missions.Host.Missions;
using Microsoft.Extensions.Options;

namespace Missions.Host.Workspace;

public sealed class ApproverOptions
{
    public const string Section = "Missions:Approvers";

    /// <summary>
    /// Who may approve or reject proposals and review results, by verified identity only: channel user ids ("29:…" in
    /// Teams, web chat's user ids), Entra object ids, API key holders ("api:ci"). Never display names, which a client
    /// can claim. Empty means anyone who can reach the bot may decide.
    /// </summary>
    public List<string> Allowed { get; set; } = [];
}

/// <summary>The one place that decides who may approve; the API and every channel ask it.</summary>
public sealed class ApproverPolicy(IOptionsMonitor<ApproverOptions> options)
{
    public bool MayDecide(Actor actor)
    {
        if (actor.Kind != ActorKind.Human)
        {
            // Staff agents and the system never approve their own (or anyone's) work.
            return false;
        }

        var allowed = options.CurrentValue.Allowed;
        return allowed.Count == 0
            || allowed.Contains(actor.Id, StringComparer.OrdinalIgnoreCase)
            || (actor.DirectoryId is { } directoryId && allowed.Contains(directoryId, StringComparer.OrdinalIgnoreCase));
    }
}
