using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Missions.AdaptiveCards;
using Missions.Host.Conversations;
using Missions.Host.Missions;
using Missions.Host.Proposals;
using Missions.Host.Runs;

namespace Missions.Host.Cards;

/// <summary>A view as a channel message: Markdown text, an Adaptive Card, or both.</summary>
public sealed record RenderedView(string? Text, AdaptiveCard? Card);

/// <summary>
/// Renders <see cref="ChatView"/>s as Adaptive Cards 1.5 for Teams and web chat. Cards use only what the official
/// 1.5 schema allows; buttons are <c>Action.Execute</c> with a verb, so Teams can update the card in place.
/// </summary>
public static class ViewCards
{
    public static RenderedView Render(ChatView view) => view switch
    {
        NoticeView notice => new RenderedView(notice.Text, null),
        HelpView help => new RenderedView(HelpText(help), null),
        ProposalView proposal => new RenderedView(null, proposal.Status == ProposalStatus.Pending ? PendingProposal(proposal) : DecidedProposal(proposal)),
        MissionView mission => new RenderedView(null, Mission(mission)),
        MissionListView list => new RenderedView(null, List(list)),
        BoardView board => new RenderedView(null, Board(board)),
        RunProgressView run => new RenderedView(null, RunProgress(run)),
        ReviewView review => new RenderedView(null, Review(review)),
        _ => throw new ArgumentOutOfRangeException(nameof(view), view.GetType().Name, "No rendering for this view."),
    };

    private static string HelpText(HelpView help)
    {
        var text = new StringBuilder("Here is what I can do. Mention me with any of these:\n\n");
        foreach (var line in help.Lines)
        {
            text.Append("- **").Append(line.Command).Append("**: ").Append(line.Meaning).Append('\n');
        }

        return text.ToString();
    }

    public static AdaptiveCard PendingProposal(ProposalView p)
    {
        var card = AdaptiveCard.Create($"Mission proposal: {p.Title}");
        card.Add(
            new TextBlock("Mission proposal") { Size = FontSize.Small, Weight = FontWeight.Bolder, Color = TextColor.Accent },
            new TextBlock(p.Title) { Size = FontSize.Large, Weight = FontWeight.Bolder, Style = TextBlockStyle.Heading },
            new TextBlock($"Requested by {p.RequestedByName ?? "someone"}" + (p.BlueprintName is null ? "" : $" · blueprint: {p.BlueprintName}")) { IsSubtle = true, Spacing = Spacing.None });

        if (p.DuplicateHint is not null)
        {
            card.Add(new Container
            {
                Style = ContainerStyle.Warning,
                Items = [new TextBlock(p.DuplicateHint)],
            });
        }

        card.Add(
            new TextInput { Id = "title", Label = "Title", Value = p.Title, MaxLength = 200, IsRequired = true, ErrorMessage = "A title is required." },
            new TextInput { Id = "objective", Label = "Objective (the outcome)", Value = p.Objective, IsMultiline = true, MaxLength = 4000, IsRequired = true, ErrorMessage = "An objective is required." },
            new ChoiceSetInput
            {
                Id = "assigneeId",
                Label = "Assignee",
                Style = ChoiceInputStyle.Compact,
                Placeholder = "Choose a staff member",
                Value = p.AssigneeId?.ToString(),
                Choices = p.StaffOptions.Select(o => new Choice(o.Title, o.Id)).ToList(),
            },
            new ChoiceSetInput
            {
                Id = "projectId",
                Label = "Project",
                Style = ChoiceInputStyle.Compact,
                Placeholder = "Choose a project",
                Value = p.ProjectId?.ToString(),
                Choices = p.ProjectOptions.Select(o => new Choice(o.Title, o.Id)).ToList(),
            },
            new DateInput { Id = "dueDate", Label = "Due date", Value = p.DueDate?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) });

        if (p.Questions.Count > 0)
        {
            var questions = new Container { Style = ContainerStyle.Emphasis, Spacing = Spacing.Medium };
            questions.Items.Add(new TextBlock("Open questions") { Weight = FontWeight.Bolder });
            questions.Items.AddRange(p.Questions.Select(q => new TextBlock("• " + q) { Spacing = Spacing.Small }));
            card.Add(questions);
        }

        var data = new JsonObject { ["proposalId"] = p.Id.ToString(), ["version"] = p.Version };
        card.AddActions(
            new ExecuteAction { Id = "approve", Title = "Approve", Verb = MissionBot.ApproveVerb, Style = ActionStyle.Positive, Data = Copy(data, MissionBot.ApproveVerb) },
            new ShowCardAction
            {
                Id = "reject",
                Title = "Reject",
                Card = new AdaptiveCard
                {
                    Body = [new TextInput { Id = "rejectReason", Label = "Why? (optional)", IsMultiline = true, MaxLength = 2000 }],
                    Actions = [new ExecuteAction { Id = "confirmReject", Title = "Reject proposal", Verb = MissionBot.RejectVerb, Style = ActionStyle.Destructive, Data = Copy(data, MissionBot.RejectVerb) }],
                },
            });
        return card;
    }

    /// <summary>After a decision: the outcome, who and when, the mission number; no buttons.</summary>
    public static AdaptiveCard DecidedProposal(ProposalView p)
    {
        var approved = p.Status == ProposalStatus.Approved;
        var outcome = p.Status switch
        {
            ProposalStatus.Approved => $"Approved as {p.MissionNumber}",
            ProposalStatus.Rejected => "Rejected",
            _ => "Expired",
        };
        var card = AdaptiveCard.Create($"{outcome}: {p.Title}");
        card.Add(new Container
        {
            Style = approved ? ContainerStyle.Good : ContainerStyle.Attention,
            Items =
            [
                new TextBlock(outcome) { Weight = FontWeight.Bolder, Size = FontSize.Medium, Color = approved ? TextColor.Good : TextColor.Attention },
                new TextBlock(p.DecidedByName is null ? "No one decided in time." : $"by {p.DecidedByName} · {When(p.DecidedAt)}") { IsSubtle = true, Spacing = Spacing.None },
            ],
        });
        card.Add(new TextBlock(p.Title) { Size = FontSize.Large, Weight = FontWeight.Bolder });
        if (approved)
        {
            card.Add(new TextBlock(p.Objective) { Spacing = Spacing.Small });
        }

        if (Facts(("Mission", p.MissionNumber), ("Assignee", p.AssigneeName), ("Project", p.ProjectName), ("Due", Day(p.DueDate)), ("Reason", p.RejectionReason)) is { } facts)
        {
            card.Add(facts);
        }

        return card;
    }

    public static AdaptiveCard Mission(MissionView m)
    {
        var card = AdaptiveCard.Create($"{m.Number}: {m.Title}");
        card.Add(
            new TextBlock($"{m.Number} · {MissionsApi.ColumnTitle(m.Status)}") { Size = FontSize.Small, Weight = FontWeight.Bolder, Color = StatusColor(m.Status) },
            new TextBlock(m.Title) { Size = FontSize.Large, Weight = FontWeight.Bolder, Spacing = Spacing.None },
            new TextBlock(m.Objective));
        card.Add(Facts(
            ("Status", MissionsApi.ColumnTitle(m.Status)),
            ("Assignee", m.AssigneeName ?? "nobody yet"),
            ("Project", m.ProjectName),
            ("Due", Day(m.DueDate)),
            ("Requested by", m.RequestedByName),
            ("Comments", m.CommentCount.ToString(CultureInfo.InvariantCulture)),
            ("Latest run", m.LatestRun))!);
        if (m.Artifacts is { Count: > 0 } artifacts)
        {
            card.Add(ArtifactButtons(artifacts));
        }

        if (m.RecentActivity.Count > 0)
        {
            card.Add(new TextBlock("Recent activity") { Weight = FontWeight.Bolder, Spacing = Spacing.Medium });
            card.Body.AddRange(m.RecentActivity.Select(a => new TextBlock(a) { IsSubtle = true, Spacing = Spacing.None }));
        }

        if (m.Status is MissionStatus.Backlog or MissionStatus.InProgress)
        {
            var data = new JsonObject { ["missionNumber"] = m.Number };
            card.AddActions(new ExecuteAction { Id = "runMission", Title = "Run", Verb = RunOperations.RunVerb, Data = Copy(data, RunOperations.RunVerb) });
        }

        return card;
    }

    /// <summary>One card per run, updated in place: where the run has got to, and Cancel or Retry.</summary>
    public static AdaptiveCard RunProgress(RunProgressView r)
    {
        var (headline, color) = r.Status switch
        {
            RunStatus.Queued => (r.Note ?? "Queued: waiting for a free staff agent.", TextColor.Default),
            RunStatus.Running when r.CurrentStep is not null => ($"Step {r.StepsDone.Count + 1} of {r.TotalSteps}: {r.CurrentStep}…", TextColor.Accent),
            RunStatus.Running => ("Starting…", TextColor.Accent),
            RunStatus.Succeeded => ("Finished.", TextColor.Good),
            RunStatus.Failed => ("Failed: " + (r.Error ?? "no reason was given."), TextColor.Attention),
            _ => (r.Note ?? "Cancelled.", TextColor.Warning),
        };
        var card = AdaptiveCard.Create($"Run of {r.MissionNumber}: {headline}");
        card.Add(
            new TextBlock($"Run · {r.MissionNumber}") { Size = FontSize.Small, Weight = FontWeight.Bolder, Color = TextColor.Accent },
            new TextBlock(r.MissionTitle) { Size = FontSize.Medium, Weight = FontWeight.Bolder, Spacing = Spacing.None },
            new TextBlock($"{r.StaffName} · attempt {r.Attempt}" + (r.TaskTitle is null ? "" : $" · task: {r.TaskTitle}")) { IsSubtle = true, Spacing = Spacing.None },
            new TextBlock(headline) { Weight = FontWeight.Bolder, Color = color, Spacing = Spacing.Medium });
        if (r.StepsDone.Count > 0)
        {
            card.Body.AddRange(r.StepsDone.Select(s => new TextBlock("✓ " + s) { IsSubtle = true, Spacing = Spacing.None }));
        }

        if (r.Note is not null && r.Status is RunStatus.Running or RunStatus.Succeeded)
        {
            card.Add(new TextBlock(r.Note) { IsSubtle = true });
        }

        var data = new JsonObject { ["runId"] = r.RunId.ToString() };
        if (r.Status is RunStatus.Queued or RunStatus.Running)
        {
            card.AddActions(new ExecuteAction { Id = "cancelRun", Title = "Cancel run", Verb = RunOperations.CancelVerb, Data = Copy(data, RunOperations.CancelVerb) });
        }
        else if (r.Status is RunStatus.Failed or RunStatus.Cancelled)
        {
            card.AddActions(new ExecuteAction { Id = "retryRun", Title = "Retry", Verb = RunOperations.RetryVerb, Style = ActionStyle.Positive, Data = Copy(data, RunOperations.RetryVerb) });
        }

        return card;
    }

    /// <summary>The review prompt: the summary and artifact links, then Approve or Request changes; after a decision, the decision.</summary>
    public static AdaptiveCard Review(ReviewView r)
    {
        var card = AdaptiveCard.Create($"{r.MissionNumber} is ready for review: {r.MissionTitle}");
        card.Add(
            new TextBlock($"Ready for review · {r.MissionNumber}") { Size = FontSize.Small, Weight = FontWeight.Bolder, Color = TextColor.Warning },
            new TextBlock(r.MissionTitle) { Size = FontSize.Large, Weight = FontWeight.Bolder, Spacing = Spacing.None },
            new TextBlock($"by {r.StaffName}") { IsSubtle = true, Spacing = Spacing.None },
            new TextBlock(r.Summary) { Spacing = Spacing.Medium });
        if (r.Artifacts.Count > 0)
        {
            card.Add(new TextBlock("Artifacts") { Weight = FontWeight.Bolder, Spacing = Spacing.Medium });
            card.Add(ArtifactButtons(r.Artifacts));
        }

        if (r.Outcome is { } outcome)
        {
            var approved = outcome == ReviewOutcome.Approved;
            var decided = new Container
            {
                Style = approved ? ContainerStyle.Good : ContainerStyle.Warning,
                Spacing = Spacing.Medium,
                Items =
                [
                    new TextBlock(approved ? $"Approved: {r.MissionNumber} is done" : "Changes requested: a new run has started") { Weight = FontWeight.Bolder, Color = approved ? TextColor.Good : TextColor.Warning },
                    new TextBlock($"by {r.ReviewedByName} · {When(r.ReviewedAt)}") { IsSubtle = true, Spacing = Spacing.None },
                ],
            };
            if (r.Comment is not null)
            {
                decided.Items.Add(new TextBlock("“" + r.Comment + "”"));
            }

            card.Add(decided);
            return card;
        }

        var data = new JsonObject { ["runId"] = r.RunId.ToString() };
        card.AddActions(
            new ExecuteAction { Id = "approveReview", Title = "Approve", Verb = RunOperations.ApproveVerb, Style = ActionStyle.Positive, Data = Copy(data, RunOperations.ApproveVerb) },
            new ShowCardAction
            {
                Id = "requestChanges",
                Title = "Request changes",
                Card = new AdaptiveCard
                {
                    Body = [new TextInput { Id = "changes", Label = "What should change?", IsMultiline = true, MaxLength = 4000, IsRequired = true, ErrorMessage = "Say what should change." }],
                    Actions = [new ExecuteAction { Id = "confirmChanges", Title = "Send back with changes", Verb = RunOperations.ChangesVerb, Data = Copy(data, RunOperations.ChangesVerb) }],
                },
            });
        return card;
    }

    /// <summary>One Open button per artifact (its signed link); links work alike in Teams and Web Chat.</summary>
    private static ActionSet ArtifactButtons(IReadOnlyList<ArtifactLink> artifacts) => new()
    {
        Spacing = Spacing.Small,
        Actions = artifacts.Select((a, i) => (CardAction)new OpenUrlAction { Id = $"artifact{i + 1}", Title = $"{a.Name} ({OfflineStaffAgent.Size(a.Size)})", Url = a.Url }).ToList(),
    };

    public static AdaptiveCard List(MissionListView list)
    {
        var card = AdaptiveCard.Create(list.Heading);
        card.Add(new TextBlock(list.Heading) { Size = FontSize.Medium, Weight = FontWeight.Bolder });
        if (list.Missions.Count == 0)
        {
            card.Add(new TextBlock(list.EmptyText) { IsSubtle = true });
            return card;
        }

        card.Body.AddRange(list.Missions.Select(Line));
        return card;
    }

    public static AdaptiveCard Board(BoardView board)
    {
        var card = AdaptiveCard.Create("The board");
        card.Add(new TextBlock("The board") { Size = FontSize.Medium, Weight = FontWeight.Bolder });
        foreach (var column in board.Columns)
        {
            var container = new Container { Separator = true, Spacing = Spacing.Medium };
            container.Items.Add(new TextBlock($"{column.Title} ({column.Total})") { Weight = FontWeight.Bolder, Color = StatusColor(column.Status) });
            if (column.Missions.Count == 0)
            {
                container.Items.Add(new TextBlock("Nothing here.") { IsSubtle = true, Spacing = Spacing.None });
            }

            container.Items.AddRange(column.Missions.Select(Line));
            if (column.Total > column.Missions.Count)
            {
                container.Items.Add(new TextBlock($"…and {column.Total - column.Missions.Count} more") { IsSubtle = true, Spacing = Spacing.None });
            }

            card.Add(container);
        }

        return card;
    }

    private static TextBlock Line(MissionLine line)
    {
        var details = new List<string>();
        if (line.AssigneeName is not null)
        {
            details.Add(line.AssigneeName);
        }

        if (line.DueDate is { } due)
        {
            details.Add("due " + due.ToString("d MMM", CultureInfo.InvariantCulture));
        }

        var suffix = details.Count == 0 ? "" : " · " + string.Join(" · ", details);
        return new TextBlock($"**{line.Number}** {line.Title}{suffix}") { Spacing = Spacing.Small };
    }

    /// <summary>A fact set of the facts that have a value; null when none has.</summary>
    private static FactSet? Facts(params (string Title, string? Value)[] facts)
    {
        var present = facts.Where(f => f.Value is not null).Select(f => new Fact(f.Title, f.Value!)).ToList();
        return present.Count == 0 ? null : new FactSet { Facts = present };
    }

    private static string? Day(DateOnly? date) => date?.ToString("ddd d MMM yyyy", CultureInfo.InvariantCulture);

    private static TextColor StatusColor(MissionStatus status) => status switch
    {
        MissionStatus.InProgress => TextColor.Accent,
        MissionStatus.Review => TextColor.Warning,
        MissionStatus.Done => TextColor.Good,
        MissionStatus.Cancelled => TextColor.Attention,
        _ => TextColor.Default,
    };

    private static string When(DateTime? at) =>
        at is { } value ? value.ToString("d MMM yyyy HH:mm 'UTC'", CultureInfo.InvariantCulture) : "";

    /// <summary>Each action gets its own data object (a JSON node has one parent), with the verb repeated for clients that drop it.</summary>
    private static JsonObject Copy(JsonObject data, string verb)
    {
        var copy = (JsonObject)data.DeepClone();
        copy["verb"] = verb;
        return copy;
    }
}
