using Missions.Host.Missions;
using Microsoft.Extensions.Options;

namespace Missions.Host.Workspace;

public sealed class ApproverOptions
{
    public const string Section = "Missions:Approvers";

    /// <summary>
    /// Who may approve or reject proposals and review results: channel user ids ("29:…", Discord snowflakes,
    /// "api:ci"), AAD object ids, or display names. Empty means anyone who can reach the bot may decide.
    /// </summary>
    public List<string> Allowed { get; set; } = [];
}

/// <summary>The one place that decides who may approve; the API and every channel ask it.</summary>
public sealed class ApproverPolicy(IOptionsMonitor<ApproverOptions> options)
{
    public bool MayDecide(Actor actor, string? alternateId = null)
    {
        if (actor.Kind != ActorKind.Human)
        {
            // Staff agents and the system never approve their own (or anyone's) work.
            return false;
        }

        var allowed = options.CurrentValue.Allowed;
        return allowed.Count == 0
            || allowed.Contains(actor.Id, StringComparer.OrdinalIgnoreCase)
            || allowed.Contains(actor.Name, StringComparer.OrdinalIgnoreCase)
            || (alternateId is not null && allowed.Contains(alternateId, StringComparer.OrdinalIgnoreCase));
    }
}
