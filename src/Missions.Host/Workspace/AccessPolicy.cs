using Microsoft.Extensions.Options;
using Missions.Host.Discord;
using Missions.Host.Missions;

namespace Missions.Host.Workspace;

/// <summary>
/// A list of people by verified identity only: channel user ids ("29:…" in Teams, Discord user ids, web chat's user
/// ids), Entra object ids, API key holders ("api:ci"). Never display names, which a client can claim.
/// </summary>
public class PeopleOptions
{
    public List<string> Allowed { get; set; } = [];
}

/// <summary>Missions:Approvers — who may approve, edit and reject proposals. Empty: anyone who can reach the bot.</summary>
public sealed class ApproverOptions : PeopleOptions
{
    public const string Section = "Missions:Approvers";
}

/// <summary>Missions:Reviewers — who may review results (and so close missions). Empty: the approvers.</summary>
public sealed class ReviewerOptions : PeopleOptions
{
    public const string Section = "Missions:Reviewers";
}

/// <summary>Missions:Admins — who may change staff, projects and blueprints. Empty: the approvers.</summary>
public sealed class AdminOptions : PeopleOptions
{
    public const string Section = "Missions:Admins";
}

/// <summary>What a person may be allowed to do beyond asking, reading and commenting.</summary>
public enum Privilege
{
    /// <summary>Approve, edit or reject a proposal.</summary>
    Approve,

    /// <summary>Decide on a run's result: approve it (the mission is done) or request changes; close a mission.</summary>
    Review,

    /// <summary>Change the workspace: staff, projects, blueprints.</summary>
    Administer,
}

/// <summary>
/// The one place that decides who may approve, review and administer; the API, the pages and every channel ask it.
/// Staff agents and the system never may. On Discord a member decides by their server standing (Manage Server, or one
/// of <see cref="DiscordOptions.ApproverRoleIds"/>); elsewhere by the configured lists, where an empty list of reviewers
/// or admins means the approvers, and an empty list of approvers means anyone who can reach the bot.
/// </summary>
public sealed class AccessPolicy(
    IOptionsMonitor<ApproverOptions> approvers,
    IOptionsMonitor<ReviewerOptions> reviewers,
    IOptionsMonitor<AdminOptions> admins,
    IOptionsMonitor<DiscordOptions> discord)
{
    public bool May(Actor actor, Privilege privilege)
    {
        if (actor.Kind != ActorKind.Human)
        {
            // Staff agents and the system never approve their own (or anyone's) work.
            return false;
        }

        var listed = ListFor(privilege);
        if (Names(listed, actor))
        {
            return true;
        }

        if (actor.Server is { } server)
        {
            // A Discord member: Manage Server (or Administrator) may do everything; an approver role approves and reviews.
            return server.ManagesServer
                || (privilege != Privilege.Administer && server.RoleIds.Any(r => discord.CurrentValue.ApproverRoleIds.Contains(r, StringComparer.Ordinal)));
        }

        return listed.Count == 0;
    }

    /// <summary>Throws the refusal a person reads when they may not do this (nothing has changed).</summary>
    public void Demand(Actor actor, Privilege privilege)
    {
        if (!May(actor, privilege))
        {
            throw DomainException.NotPermitted(Refusal(actor, privilege));
        }
    }

    /// <summary>Why the actor may not: who may instead.</summary>
    public string Refusal(Actor actor, Privilege privilege)
    {
        var what = privilege switch
        {
            Privilege.Approve => "approve, edit or reject proposals",
            Privilege.Review => "review results or mark missions done",
            _ => "change staff, projects or blueprints",
        };
        if (actor.Server is not null)
        {
            return privilege == Privilege.Administer || discord.CurrentValue.ApproverRoleIds.Count == 0
                ? $"Only members with Manage Server may {what} here."
                : $"Only members with an approver role (or Manage Server) may {what} here.";
        }

        var who = privilege switch
        {
            Privilege.Approve => "the approvers",
            Privilege.Review => "a reviewer",
            _ => "an admin",
        };
        return $"{actor.Name} may not {what} here; ask {who}.";
    }

    /// <summary>The configured list that decides <paramref name="privilege"/>: reviewers and admins fall back to the approvers.</summary>
    private List<string> ListFor(Privilege privilege) => privilege switch
    {
        Privilege.Review when reviewers.CurrentValue.Allowed.Count > 0 => reviewers.CurrentValue.Allowed,
        Privilege.Administer when admins.CurrentValue.Allowed.Count > 0 => admins.CurrentValue.Allowed,
        _ => approvers.CurrentValue.Allowed,
    };

    private static bool Names(List<string> listed, Actor actor) =>
        listed.Contains(actor.Id, StringComparer.OrdinalIgnoreCase)
        || (actor.DirectoryId is { } directoryId && listed.Contains(directoryId, StringComparer.OrdinalIgnoreCase));
}
