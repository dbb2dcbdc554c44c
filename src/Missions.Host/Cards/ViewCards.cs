using System.Globalization;
using System.Text;
using Missions.AdaptiveCards;
using Missions.Host.Conversations;
using Missions.Host.Missions;
using Missions.Host.Proposals;
using Missions.Host.Runs;

namespace Missions.Host.Cards;

/// <summary>A view as a channel message: Markdown text, an Adaptive Card (with its JSON, written once), or both.</summary>
public sealed record RenderedView(string? Text, AdaptiveCard? Card, string? CardJson = null);

/// <summary>
/// Renders <see cref="ChatView"/>s as Adaptive Cards 1.5, for Teams and web chat alike. Cards use only what the
/// official 1.5 schema allows; buttons are <c>Action.Execute</c> with a verb, so Teams can update the card in place.
/// Every card keeps within Teams' message size (about 28 KB): long text is cut with an ellipsis, shorter and shorter
/// until the card fits, and a card whose text was cut links to where the whole text can be read.
/// </summary>
public static class ViewCards
{
    /// <summary>The most a card's JSON may take, leaving room in Teams' ~28 KB for the activity around it.</summary>
    public const int MaxCardBytes = 24_000;

    public static RenderedView Render(ChatView view)
    {
        switch (view)
        {
            case NoticeView notice:
                return new RenderedView(new Budget(1).Cut(notice.Text, 4000), null);
            case HelpView help:
                return new RenderedView(HelpText(help), null);
        }

        // Full length first; while the card is too big, every long text gets half the room it had.
        for (var room = 1.0; ; room /= 2)
        {
            var budget = new Budget(room);
            var card = view switch
            {
                ProposalView { Status: ProposalStatus.Pending } proposal => PendingProposal(proposal, budget),
                ProposalView proposal => DecidedProposal(proposal, budget),
                MissionView mission => Mission(mission, budget),
                MissionListView list => List(list, budget),
                BoardView board => Board(board, budget),
                RunProgressView run => RunProgress(run, budget),
                ReviewView review => Review(review, budget),
                _ => throw new ArgumentOutOfRangeException(nameof(view), view.GetType().Name, "No rendering for this view."),
            };
            var json = card.ToJson();
            if (Encoding.UTF8.GetByteCount(json) <= MaxCardBytes || room < 0.01)
            {
                return new RenderedView(null, card, json);
            }
        }
    }

    private static string HelpText(HelpView help)
    {
        var text = new StringBuilder("Here is what I can do (in a channel or a group chat, mention me first):\n\n");
        foreach (var line in help.Lines)
        {
            text.Append("- **").Append(line.Command).Append("**: ").Append(line.Meaning).Append('\n');
        }

        return text.ToString();
    }

    private static AdaptiveCard PendingProposal(ProposalView p, Budget budget)
    {
        var card = AdaptiveCard.Create($"Mission proposal: {budget.Cut(p.Title, 200)}");
        card.Add(
            new TextBlock("Mission proposal") { Size = FontSize.Small, Weight = FontWeight.Bolder, Color = TextColor.Accent },
            new TextBlock(budget.Cut(p.Title, 200)) { Size = FontSize.Large, Weight = FontWeight.Bolder, Style = TextBlockStyle.Heading },
            new TextBlock($"Requested by {p.RequestedByName ?? "someone"}" + (p.BlueprintName is null ? "" : $" · blueprint: {p.BlueprintName}")
                + (p.FollowsUp is null ? "" : $" · follows up {p.FollowsUp}")) { IsSubtle = true, Spacing = Spacing.None });
        if (p.AutoRun)
        {
            card.Add(new TextBlock(ViewText.StartsOnApproval(p)) { IsSubtle = true, Spacing = Spacing.None });
        }

        if (p.DuplicateHint is not null)
        {
            card.Add(new Container
            {
                Style = ContainerStyle.Warning,
                Items = [new TextBlock(budget.Cut(p.DuplicateHint, 500))],
            });
        }

        card.Add(
            new TextInput { Id = CardActions.TitleInput, Label = "Title", Value = budget.Cut(p.Title, 200), MaxLength = 200, IsRequired = true, ErrorMessage = "A title is required." },
            new TextInput { Id = CardActions.ObjectiveInput, Label = "Objective (the outcome)", Value = budget.Cut(p.Objective, 4000), IsMultiline = true, MaxLength = 4000, IsRequired = true, ErrorMessage = "An objective is required." },
            budget.Choice(CardActions.AssigneeInput, "Assignee", "Choose a staff member", p.StaffOptions, p.AssigneeId),
            budget.Choice(CardActions.ProjectInput, "Project", "Choose a project", p.ProjectOptions, p.ProjectId),
            new DateInput { Id = CardActions.DueDateInput, Label = "Due date", Value = p.DueDate?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) });
        if (p.BlueprintOptions is { Count: > 0 } blueprints)
        {
            card.Add(
                budget.Choice(CardActions.BlueprintInput, "Blueprint", "No blueprint", blueprints, p.BlueprintId),
                new TextBlock("A blueprint gives the mission its objective, tasks and checklist: pick one and press Save changes.") { IsSubtle = true, Size = FontSize.Small, Spacing = Spacing.None, Wrap = true });
        }

        if (p.Tasks is { Count: > 0 } tasks)
        {
            var list = new Container { Spacing = Spacing.Medium };
            list.Items.Add(new TextBlock("Tasks") { Weight = FontWeight.Bolder });
            list.Items.AddRange(tasks.Take(12).Select((t, i) => new TextBlock($"{i + 1}. {budget.Cut(t, 200)}") { Spacing = Spacing.None }));
            card.Add(list);
        }

        if (p.Files is { Count: > 0 } files)
        {
            card.Add(new TextBlock("Files sent with the request: " + budget.Cut(string.Join(", ", files), 600)) { Wrap = true, IsSubtle = true, Spacing = Spacing.Medium });
        }

        if (p.Questions.Count > 0)
        {
            // Each question has its answer box: answers go with Approve (or Save changes) and become the mission's context.
            var questions = new Container { Style = ContainerStyle.Emphasis, Spacing = Spacing.Medium };
            questions.Items.Add(new TextBlock("Before it starts") { Weight = FontWeight.Bolder });
            questions.Items.AddRange(p.Questions.Take(MaxQuestions).Select((q, i) => (CardElement)new TextInput
            {
                Id = CardActions.AnswerInput(i), Label = budget.Cut(q, 300), Value = budget.Cut(p.AnswerAt(i), 2000), MaxLength = 2000, Placeholder = "Your answer (optional)",
            }));
            card.Add(questions);
        }

        var proposal = p.Id.ToString();
        card.AddActions(
            new ExecuteAction
            {
                Id = "approve",
                Title = "Approve",
                Verb = CardActions.ApproveProposalVerb,
                Style = ActionStyle.Positive,
                Data = WithAnswerBoxes(CardActions.Data(CardActions.ApproveProposalVerb, CardActions.ProposalField, proposal), p),
            },
            new ExecuteAction
            {
                Id = "save",
                Title = "Save changes",
                Verb = CardActions.EditProposalVerb,
                Data = Versioned(WithAnswerBoxes(CardActions.Data(CardActions.EditProposalVerb, CardActions.ProposalField, proposal), p), p.Version),
            },
            new ShowCardAction
            {
                Id = "reject",
                Title = "Reject",
                Card = new AdaptiveCard
                {
                    Body = [new TextInput { Id = CardActions.RejectReasonInput, Label = "Why? (optional)", IsMultiline = true, MaxLength = 2000 }],
                    Actions =
                    [
                        new ExecuteAction
                        {
                            Id = "confirmReject",
                            Title = "Reject proposal",
                            Verb = CardActions.RejectProposalVerb,
                            Style = ActionStyle.Destructive,
                            Data = CardActions.Data(CardActions.RejectProposalVerb, CardActions.ProposalField, proposal),
                        },
                    ],
                },
            });
        return card;
    }

    /// <summary>The most questions a proposal card asks (each with its answer box).</summary>
    public const int MaxQuestions = 8;

    /// <summary>How many answer boxes the card has: a box left empty is not sent, and must still count as empty.</summary>
    private static System.Text.Json.Nodes.JsonObject WithAnswerBoxes(System.Text.Json.Nodes.JsonObject data, ProposalView p)
    {
        if (p.Questions.Count > 0)
        {
            data[CardActions.AnswerCountField] = Math.Min(p.Questions.Count, MaxQuestions).ToString(CultureInfo.InvariantCulture);
        }

        return data;
    }

    private static System.Text.Json.Nodes.JsonObject Versioned(System.Text.Json.Nodes.JsonObject data, long version)
    {
        data[CardActions.VersionField] = version.ToString(CultureInfo.InvariantCulture);
        return data;
    }

    /// <summary>After a decision: the outcome, who and when, the mission number; no buttons.</summary>
    private static AdaptiveCard DecidedProposal(ProposalView p, Budget budget)
    {
        var approved = p.Status == ProposalStatus.Approved;
        var outcome = p.Status switch
        {
            ProposalStatus.Approved => $"Approved as {p.MissionNumber}",
            ProposalStatus.Rejected => "Rejected",
            _ => "Expired",
        };
        var title = budget.Cut(p.Title, 200);
        var card = AdaptiveCard.Create($"{outcome}: {title}");
        card.Add(new Container
        {
            Style = approved ? ContainerStyle.Good : ContainerStyle.Attention,
            Items =
            [
                new TextBlock(outcome) { Weight = FontWeight.Bolder, Size = FontSize.Medium, Color = approved ? TextColor.Good : TextColor.Attention },
                new TextBlock(p.DecidedByName is null ? "No one decided in time." : $"by {p.DecidedByName} · {When(p.DecidedAt)}") { IsSubtle = true, Spacing = Spacing.None },
            ],
        });
        card.Add(new TextBlock(title) { Size = FontSize.Large, Weight = FontWeight.Bolder });
        if (approved)
        {
            card.Add(new TextBlock(budget.Cut(p.Objective, 2000)) { Spacing = Spacing.Small });
        }

        if (Facts(("Mission", p.MissionNumber), ("Follows up", p.FollowsUp), ("Assignee", p.AssigneeName), ("Project", p.ProjectName), ("Due", ViewText.Day(p.DueDate)), ("Files", p.Files is { Count: > 0 } f ? budget.Cut(string.Join(", ", f), 600) : null), ("Reason", budget.Cut(p.RejectionReason, 1000))) is { } facts)
        {
            card.Add(facts);
        }

        if (approved && p.MissionNumber is { } number)
        {
            // The next step, instead of an ending: have the staff agent start now (unless the approval started it),
            // or open the mission's page.
            if (p.Waiting is { Count: > 0 } waiting)
            {
                card.Add(new TextBlock(ViewText.WaitingForContext(p, waiting)) { Wrap = true, Color = TextColor.Warning });
            }

            if (p.AutoRun && p.Waiting is not { Count: > 0 })
            {
                card.Add(new TextBlock(ViewText.StartedOnApproval(p)) { IsSubtle = true });
            }
            else
            {
                card.AddActions(new ExecuteAction
                {
                    Id = "runMission",
                    Title = p.Waiting is { Count: > 0 } ? "Run anyway" : $"Run {number} now",
                    Verb = CardActions.RunMissionVerb,
                    Data = CardActions.Data(CardActions.RunMissionVerb, CardActions.MissionField, number),
                });
            }

            if (p.MissionUrl is { } url)
            {
                card.AddActions(new OpenUrlAction { Id = "openMission", Title = $"Open {number}", Url = url });
                return card;
            }
        }

        return budget.LinkIfCut(card, p.MissionUrl);
    }

    private static AdaptiveCard Mission(MissionView m, Budget budget)
    {
        var card = AdaptiveCard.Create($"{m.Number}: {budget.Cut(m.Title, 200)}");
        card.Add(
            new TextBlock($"{m.Number} · {MissionLifecycle.ColumnTitle(m.Status)}") { Size = FontSize.Small, Weight = FontWeight.Bolder, Color = StatusColor(m.Status) },
            new TextBlock(budget.Cut(m.Title, 200)) { Size = FontSize.Large, Weight = FontWeight.Bolder, Spacing = Spacing.None },
            new TextBlock(budget.Cut(m.Objective, 2000)));
        card.Add(Facts([.. ViewText.Facts(m).Select(f => (f.Name, budget.Cut(f.Value, 300)))])!);
        if (m.Artifacts.Count > 0)
        {
            card.Add(ArtifactButtons(m.Artifacts, budget));
        }

        if (m.RecentActivity.Count > 0)
        {
            card.Add(new TextBlock("Recent activity") { Weight = FontWeight.Bolder, Spacing = Spacing.Medium });
            card.Body.AddRange(m.RecentActivity.Select(a => new TextBlock(budget.Cut(a, 300)) { IsSubtle = true, Spacing = Spacing.None }));
        }

        if (m.Status is MissionStatus.Backlog or MissionStatus.InProgress)
        {
            card.AddActions(new ExecuteAction
            {
                Id = "runMission",
                Title = "Run",
                Verb = CardActions.RunMissionVerb,
                Data = CardActions.Data(CardActions.RunMissionVerb, CardActions.MissionField, m.Number),
            });
        }

        return budget.LinkIfCut(card, m.Url);
    }

    /// <summary>One card per run, updated in place: where the run has got to, and Cancel or Retry.</summary>
    private static AdaptiveCard RunProgress(RunProgressView r, Budget budget)
    {
        var color = r.Status switch
        {
            RunStatus.Queued => TextColor.Default,
            RunStatus.Running => TextColor.Accent,
            RunStatus.Succeeded => TextColor.Good,
            RunStatus.Failed => TextColor.Attention,
            _ => TextColor.Warning,
        };
        var headline = budget.Cut(ViewText.Headline(r), 600);
        var card = AdaptiveCard.Create($"{(r.Replay ? "Replay" : "Run")} of {r.MissionNumber}: {headline}");
        card.Add(
            new TextBlock($"{(r.Replay ? "Replay" : "Run")} · {r.MissionNumber}") { Size = FontSize.Small, Weight = FontWeight.Bolder, Color = TextColor.Accent },
            new TextBlock(budget.Cut(r.MissionTitle, 200)) { Size = FontSize.Medium, Weight = FontWeight.Bolder, Spacing = Spacing.None },
            new TextBlock($"{r.StaffName} · attempt {r.Attempt}" + (r.TaskTitle is null ? "" : $" · task: {budget.Cut(r.TaskTitle, 200)}")) { IsSubtle = true, Spacing = Spacing.None },
            new TextBlock(headline) { Weight = FontWeight.Bolder, Color = color, Spacing = Spacing.Medium });
        if (r.StepsDone.Count > 0)
        {
            card.Body.AddRange(r.StepsDone.TakeLast(20).Select(s => new TextBlock("✓ " + budget.Cut(s, 200)) { IsSubtle = true, Spacing = Spacing.None }));
        }

        if (r.Note is not null && r.Status is RunStatus.Running or RunStatus.Succeeded)
        {
            card.Add(new TextBlock(budget.Cut(r.Note, 600)) { IsSubtle = true });
        }

        var run = r.RunId.ToString();
        if (r.Status is RunStatus.Queued or RunStatus.Running)
        {
            card.AddActions(new ExecuteAction { Id = "cancelRun", Title = "Cancel run", Verb = CardActions.CancelRunVerb, Data = CardActions.Data(CardActions.CancelRunVerb, CardActions.RunField, run) });
        }
        else if (r.Status is RunStatus.Failed or RunStatus.Cancelled)
        {
            card.AddActions(new ExecuteAction
            {
                Id = "retryRun",
                Title = "Retry",
                Verb = CardActions.RetryRunVerb,
                Style = ActionStyle.Positive,
                Data = CardActions.Data(CardActions.RetryRunVerb, CardActions.RunField, run),
            });
        }

        return card;
    }

    /// <summary>The review prompt: the summary and artifact links, then Approve or Request changes; after a decision, the decision.</summary>
    private static AdaptiveCard Review(ReviewView r, Budget budget)
    {
        var title = budget.Cut(r.MissionTitle, 200);
        var card = AdaptiveCard.Create(r.Replay ? $"{r.MissionNumber} replayed against its objective: {title}" : $"{r.MissionNumber} is ready for review: {title}");
        card.Add(
            new TextBlock(r.Replay ? $"Replay against the objective · {r.MissionNumber}" : $"Ready for review · {r.MissionNumber}")
            {
                Size = FontSize.Small, Weight = FontWeight.Bolder, Color = r.Replay ? TextColor.Accent : TextColor.Warning,
            },
            new TextBlock(title) { Size = FontSize.Large, Weight = FontWeight.Bolder, Spacing = Spacing.None },
            new TextBlock($"by {r.StaffName}") { IsSubtle = true, Spacing = Spacing.None },
            new TextBlock(budget.Cut(r.Summary, 4000)) { Spacing = Spacing.Medium });
        if (r.Artifacts.Count > 0)
        {
            card.Add(ArtifactButtons(r.Artifacts, budget));
        }

        var replay = new ExecuteAction
        {
            Id = "replay",
            Title = "Replay against the objective",
            Verb = CardActions.ReplayMissionVerb,
            Data = CardActions.Data(CardActions.ReplayMissionVerb, CardActions.MissionField, r.MissionNumber),
        };
        if (r.Replay)
        {
            // A report, not a decision: it can be run again, nothing else.
            card.AddActions(replay);
            return budget.LinkIfCut(card, r.MissionUrl);
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
                decided.Items.Add(new TextBlock("“" + budget.Cut(r.Comment, 1000) + "”"));
            }

            card.Add(decided);
            if (approved)
            {
                // After approval the result can still be checked; after changes were requested a new run is on its way.
                card.AddActions(replay);
            }

            return budget.LinkIfCut(card, r.MissionUrl);
        }

        var run = r.RunId.ToString();
        card.AddActions(
            new ExecuteAction
            {
                Id = "approveReview",
                Title = "Approve",
                Verb = CardActions.ApproveReviewVerb,
                Style = ActionStyle.Positive,
                Data = CardActions.Data(CardActions.ApproveReviewVerb, CardActions.RunField, run),
            },
            new ShowCardAction
            {
                Id = "requestChanges",
                Title = "Request changes",
                Card = new AdaptiveCard
                {
                    Body = [new TextInput { Id = CardActions.ChangesInput, Label = "What should change?", IsMultiline = true, MaxLength = 4000, IsRequired = true, ErrorMessage = "Say what should change." }],
                    Actions =
                    [
                        new ExecuteAction
                        {
                            Id = "confirmChanges",
                            Title = "Send back with changes",
                            Verb = CardActions.RequestChangesVerb,
                            Data = CardActions.Data(CardActions.RequestChangesVerb, CardActions.RunField, run),
                        },
                    ],
                },
            },
            replay);
        return budget.LinkIfCut(card, r.MissionUrl);
    }

    /// <summary>
    /// One Open button per artifact (its signed link; links work alike in Teams and Web Chat), in a shaded block of its
    /// own under its heading, so opening a file is never mistaken for a decision.
    /// </summary>
    private static Container ArtifactButtons(IReadOnlyList<ArtifactLink> artifacts, Budget budget) => new()
    {
        Style = ContainerStyle.Emphasis,
        Spacing = Spacing.Medium,
        Items =
        [
            new TextBlock("Artifacts") { Weight = FontWeight.Bolder, Size = FontSize.Small },
            new ActionSet
            {
                Spacing = Spacing.Small,
                Actions = artifacts.Take(10).Select((a, i) => (CardAction)new OpenUrlAction
                {
                    Id = $"artifact{i + 1}",
                    Title = $"Open {budget.Cut(a.Name, 80)} ({OfflineStaffAgent.Size(a.Size)})",
                    Url = a.Url,
                }).ToList(),
            },
        ],
    };

    private static AdaptiveCard List(MissionListView list, Budget budget)
    {
        var card = AdaptiveCard.Create(list.Heading);
        card.Add(new TextBlock(list.Heading) { Size = FontSize.Medium, Weight = FontWeight.Bolder });
        if (list.Missions.Count == 0)
        {
            card.Add(new TextBlock(list.EmptyText) { IsSubtle = true });
            return card;
        }

        card.Body.AddRange(list.Missions.Select(l => Line(l, budget)));
        return card;
    }

    private static AdaptiveCard Board(BoardView board, Budget budget)
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

            container.Items.AddRange(column.Missions.Select(l => Line(l, budget)));
            if (column.Total > column.Missions.Count)
            {
                container.Items.Add(new TextBlock($"…and {column.Total - column.Missions.Count} more") { IsSubtle = true, Spacing = Spacing.None });
            }

            card.Add(container);
        }

        card.AddActions(new OpenUrlAction { Id = "openBoard", Title = "Open the board", Url = board.Url });
        return card;
    }

    /// <summary>
    /// One mission in a list: its number in bold beside the title. Bold comes from the element, not from Markdown,
    /// which web chat's card renderer shows as it is written.
    /// </summary>
    private static ColumnSet Line(MissionLine line, Budget budget)
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
        return new ColumnSet
        {
            Spacing = Spacing.Small,
            Columns =
            [
                new Column { Width = "auto", Items = [new TextBlock(line.Number) { Weight = FontWeight.Bolder, Wrap = false }] },
                new Column { Width = "stretch", Items = [new TextBlock(budget.Cut(line.Title, 120) + suffix)] },
            ],
        };
    }

    /// <summary>A fact set of the facts that have a value; null when none has.</summary>
    private static FactSet? Facts(params (string Title, string? Value)[] facts)
    {
        var present = facts.Where(f => f.Value is not null).Select(f => new Fact(f.Title, f.Value!)).ToList();
        return present.Count == 0 ? null : new FactSet { Facts = present };
    }

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

    /// <summary>The room a card's texts get (a share of each text's own limit), and whether any text had to be cut.</summary>
    private sealed class Budget(double room)
    {
        public bool CutAny { get; private set; }

        /// <summary>The text within its share of <paramref name="max"/> characters, ending in an ellipsis when cut.</summary>
        [return: System.Diagnostics.CodeAnalysis.NotNullIfNotNull(nameof(text))]
        public string? Cut(string? text, int max)
        {
            var limit = Math.Max(40, (int)(max * room));
            if (text is null || text.Length <= limit)
            {
                return text;
            }

            CutAny = true;
            // Never split a surrogate pair.
            var end = char.IsHighSurrogate(text[limit - 2]) ? limit - 2 : limit - 1;
            return text[..end].TrimEnd() + "…";
        }

        /// <summary>A compact choice input with the options within the room, always keeping the one selected.</summary>
        public ChoiceSetInput Choice(string id, string label, string placeholder, IReadOnlyList<ChoiceOption> options, Guid? selected)
        {
            var keep = Math.Max(10, (int)(60 * room));
            var chosen = selected?.ToString();
            return new ChoiceSetInput
            {
                Id = id,
                Label = label,
                Style = ChoiceInputStyle.Compact,
                Placeholder = placeholder,
                Value = chosen,
                Choices = options.Where((o, i) => i < keep || o.Id == chosen).Select(o => new AdaptiveCards.Choice(Cut(o.Title, 100), o.Id)).ToList(),
            };
        }

        /// <summary>A card whose text was cut links to the whole of it.</summary>
        public AdaptiveCard LinkIfCut(AdaptiveCard card, string? url) =>
            CutAny && url is not null ? card.AddActions(new OpenUrlAction { Id = "readAll", Title = "Read it all", Url = url }) : card;
    }
}
