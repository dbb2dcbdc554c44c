using System.Text.Json.Nodes;
using Missions.AdaptiveCards;
using Missions.Host.Cards;
using Missions.Host.Conversations;
using Missions.Host.Missions;
using Missions.Host.Proposals;
using Missions.Host.Runs;
using Missions.Host.Tests.Infrastructure;

namespace Missions.Host.Tests.Cards;

/// <summary>Every card the product can emit, in every state, is valid against the official Adaptive Card 1.5 schema.</summary>
public sealed class CardSchemaTests
{
    private static readonly ChoiceOption[] Staff = [new(Guid.NewGuid().ToString(), "Writer (Writing)"), new(Guid.NewGuid().ToString(), "Analyst (Analysis)")];
    private static readonly ChoiceOption[] Projects = [new(Guid.NewGuid().ToString(), "Launch")];

    private static ProposalView Proposal(ProposalStatus status = ProposalStatus.Pending, IReadOnlyList<string>? questions = null, string? duplicate = null,
        string? reason = null, IReadOnlyList<ChoiceOption>? staff = null, IReadOnlyList<ChoiceOption>? projects = null) => new(
        Guid.NewGuid(), 3, status, "Pull together a competitor pricing summary", "A competitor pricing summary, drafted and ready for review by Friday 27 November.",
        Guid.Parse(Staff[0].Id), "Writer", Guid.Parse(Projects[0].Id), "Launch", "Competitor summary", false,
        new DateOnly(2026, 11, 27), questions ?? ["When do you need it?", "Which project is this for: Launch?"], duplicate, "Alice",
        status == ProposalStatus.Pending ? null : "Bob", status == ProposalStatus.Pending ? null : DateTime.UtcNow, reason,
        status == ProposalStatus.Approved ? "M-7" : null, status == ProposalStatus.Approved ? MissionUrl : null, staff ?? Staff, projects ?? Projects);

    private const string MissionUrl = "https://missions.example.com/missions/M-7";

    /// <summary>A proposal with blueprints to pick from, its blueprint's tasks, and one question answered.</summary>
    private static ProposalView Shaped(ProposalView p) => p with
    {
        BlueprintId = Guid.Parse(Blueprints[0].Id), BlueprintOptions = Blueprints, Tasks = ["Collect the facts", "Draft the announcement"], Answers = ["By Friday", ""],
    };

    private static readonly IReadOnlyList<ChoiceOption> Blueprints = [new(Guid.NewGuid().ToString(), "Announcement draft"), new(Guid.NewGuid().ToString(), "Competitor summary")];

    /// <summary>Text of the longest kind the product accepts, in a script JSON escapes (six bytes a character), with a quote in it.</summary>
    private static string Long(int length) => string.Concat(Enumerable.Repeat("Ünïcödé \"text\" 漢字 ", length / 10 + 1))[..length];

    public static IEnumerable<(string Name, ChatView View)> EveryView()
    {
        yield return ("proposal-pending", Proposal());
        yield return ("proposal-pending-no-questions-duplicate", Proposal(questions: [], duplicate: "This looks like M-3 (in progress): “Compare pricing”."));
        yield return ("proposal-pending-empty-workspace", Proposal(staff: [], projects: []) with { AssigneeId = null, AssigneeName = null, ProjectId = null, ProjectName = null, DueDate = null, BlueprintName = null });
        yield return ("proposal-approved", Proposal(ProposalStatus.Approved));
        yield return ("proposal-pending-auto-run", Proposal() with { AutoRun = true });
        yield return ("proposal-approved-auto-run", Proposal(ProposalStatus.Approved) with { AutoRun = true });
        yield return ("proposal-pending-blueprint", Shaped(Proposal()));
        yield return ("proposal-approved-waiting", Proposal(ProposalStatus.Approved) with { AutoRun = true, Waiting = ["Audience?", "Channel (blog, email, chat)?"] });
        yield return ("proposal-rejected", Proposal(ProposalStatus.Rejected, reason: "Duplicate of M-3"));
        yield return ("proposal-rejected-no-reason", Proposal(ProposalStatus.Rejected) with { AssigneeName = null, ProjectName = null, DueDate = null });
        yield return ("proposal-expired", Proposal(ProposalStatus.Expired) with { DecidedByName = null, DecidedAt = null });
        yield return ("mission", new MissionView("M-7", "Pull together a summary", "A summary.", MissionStatus.Review, "Writer", "Launch", new DateOnly(2026, 12, 1), "Alice", ["22 Nov 10:00 · Alice created it"], 2,
            "finished 22 Nov 10:05 UTC, waiting for review", [new ArtifactLink("M-7-brief.md", "text/markdown", 2048, "https://missions.example.com/artifacts/abc?exp=1&sig=x")], MissionUrl));
        yield return ("mission-bare", new MissionView("M-8", "Fix it", "Fixed.", MissionStatus.Backlog, null, null, null, null, [], 0, null, [], MissionUrl));
        yield return ("mission-longest", new MissionView("M-9", Long(200), Long(20_000), MissionStatus.InProgress, "Writer", "Launch", null, Long(200), [Long(300), Long(300), Long(300)], 1,
            Long(2000), [], MissionUrl));
        yield return ("proposal-pending-longest", Proposal(questions: Enumerable.Range(0, 8).Select(_ => Long(300)).ToList(), duplicate: Long(500),
            staff: Enumerable.Range(0, 120).Select(i => new ChoiceOption(Guid.NewGuid().ToString(), Long(100))).ToList()) with
            {
                Title = Long(200), Objective = Long(4000), Tasks = Enumerable.Range(0, 12).Select(_ => Long(200)).ToList(),
                Answers = Enumerable.Range(0, 8).Select(_ => Long(2000)).ToList(), BlueprintOptions = Enumerable.Range(0, 50).Select(i => new ChoiceOption(Guid.NewGuid().ToString(), Long(100))).ToList(),
            });
        yield return ("proposal-approved-longest", Proposal(ProposalStatus.Approved) with { Title = Long(200), Objective = Long(20_000), AutoRun = true, AssigneeName = Long(300) });
        yield return ("list", new MissionListView("Your open missions", [new MissionLine("M-7", "Summary", MissionStatus.InProgress, "Writer", new DateOnly(2026, 12, 1)), new MissionLine("M-9", "Other", MissionStatus.Backlog, null, null)], "None."));
        yield return ("list-empty", new MissionListView("Your open missions", [], "You have no open missions."));
        var runId = Guid.NewGuid();
        yield return ("run-queued", new RunProgressView(runId, "M-7", "Pull together a summary", null, "Analyst", RunStatus.Queued, 1, [], null, 0, null, null, null, null));
        yield return ("run-running", new RunProgressView(runId, "M-7", "Pull together a summary", "Compare them", "Analyst", RunStatus.Running, 2, ["Reading the context", "Restating the objective"], "Drafting the plan", 6, null, "Attempt 1 failed (timeout); trying again.", DateTime.UtcNow, null));
        yield return ("run-finished", new RunProgressView(runId, "M-7", "Pull together a summary", null, "Analyst", RunStatus.Succeeded, 1, ["Reading the context", "Writing the brief"], null, 2, null, null, DateTime.UtcNow, DateTime.UtcNow));
        yield return ("run-failed", new RunProgressView(runId, "M-7", "Pull together a summary", null, "Analyst", RunStatus.Failed, 3, ["Reading the context"], null, 6, "The model timed out.", null, DateTime.UtcNow, DateTime.UtcNow));
        yield return ("run-cancelled", new RunProgressView(runId, "M-7", "Pull together a summary", null, "Analyst", RunStatus.Cancelled, 1, [], null, 0, null, "Cancelled by Bob.", DateTime.UtcNow, DateTime.UtcNow));
        ArtifactLink[] artifacts = [new("M-7-brief.md", "text/markdown", 2048, "https://missions.example.com/artifacts/abc?exp=1&sig=x"), new("M-7-brief.pdf", "application/pdf", 55_000, "https://missions.example.com/artifacts/def?exp=1&sig=y")];
        yield return ("review-pending", new ReviewView(runId, "M-7", "Pull together a summary", "Analyst", "Drafted offline: a brief.", artifacts, null, null, null, null, MissionUrl));
        yield return ("review-approved", new ReviewView(runId, "M-7", "Pull together a summary", "Analyst", "Drafted offline: a brief.", artifacts, ReviewOutcome.Approved, "Bob", DateTime.UtcNow, null, MissionUrl));
        yield return ("review-changes", new ReviewView(runId, "M-7", "Pull together a summary", "Analyst", "Drafted offline: a brief.", [], ReviewOutcome.ChangesRequested, "Bob", DateTime.UtcNow, "Add a table.", MissionUrl));
        yield return ("review-changes-longest", new ReviewView(runId, "M-7", Long(200), "Analyst", Long(4000), artifacts, ReviewOutcome.ChangesRequested, "Bob", DateTime.UtcNow, Long(20_000), MissionUrl));
        yield return ("replay-report", new ReviewView(runId, "M-7", "Pull together a summary", "Analyst", "Verdict: partly meets the objective (2 of 3 parts found).", artifacts, null, null, null, null, MissionUrl, Replay: true));
        yield return ("board", new BoardView(
        [
            new BoardColumnView(MissionStatus.Backlog, "Backlog", [new MissionLine("M-1", "One", MissionStatus.Backlog, null, null)], 12),
            new BoardColumnView(MissionStatus.InProgress, "In progress", [], 0),
            new BoardColumnView(MissionStatus.Review, "Review", [new MissionLine("M-2", "Two", MissionStatus.Review, "Analyst", new DateOnly(2026, 12, 24))], 1),
            new BoardColumnView(MissionStatus.Done, "Done", [], 0),
        ], "https://missions.example.com/board"));
    }

    [ConformanceFact]
    public async Task Every_card_is_valid_Adaptive_Card_1_5()
    {
        var cards = new Dictionary<string, JsonNode>();
        foreach (var (name, view) in EveryView())
        {
            var card = ViewCards.Render(view).Card;
            Assert.NotNull(card);
            cards[name] = card.ToJsonObject();
        }

        var results = await Repository.ValidateAsync(Repository.Conformance("teams", "schemas", "adaptive-card.schema.1.5.0.json"), cards);

        Assert.All(results, r => Assert.True(r.Value.Count == 0, $"{r.Key}: {string.Join("; ", r.Value.Distinct().Take(5))}\n{cards[r.Key].ToJsonString()}"));
    }

    [ConformanceFact]
    public async Task The_validator_is_real_it_refuses_a_broken_card()
    {
        var broken = AdaptiveCard.Create().Add(new TextBlock("hi")).ToJsonObject();
        broken["body"]![0]!["colour"] = "red";
        var badBody = AdaptiveCard.Create().ToJsonObject();
        badBody["body"] = "not a list of elements";

        var results = await Repository.ValidateAsync(Repository.Conformance("teams", "schemas", "adaptive-card.schema.1.5.0.json"),
            new Dictionary<string, JsonNode> { ["broken"] = broken, ["bad-body"] = badBody, ["fine"] = AdaptiveCard.Create().Add(new TextBlock("hi")).ToJsonObject() });

        Assert.NotEmpty(results["broken"]);
        Assert.NotEmpty(results["bad-body"]);
        Assert.Empty(results["fine"]);
    }

    [Fact]
    public void Every_card_fits_a_Teams_message_and_a_card_whose_text_was_cut_links_to_all_of_it()
    {
        foreach (var (name, view) in EveryView())
        {
            var json = ViewCards.Render(view).Card!.ToJson();
            // Teams takes about 28 KB a message, the activity around the card included.
            Assert.True(System.Text.Encoding.UTF8.GetByteCount(json) <= ViewCards.MaxCardBytes, $"{name}: {System.Text.Encoding.UTF8.GetByteCount(json)} bytes");
            var cut = json.Contains('…', StringComparison.Ordinal) || json.Contains("\\u2026", StringComparison.Ordinal);
            if (name.EndsWith("-longest", StringComparison.Ordinal))
            {
                Assert.True(cut, $"{name} was not cut");
            }

            if (cut && view is MissionView or ReviewView or ProposalView { Status: ProposalStatus.Approved })
            {
                Assert.Contains(MissionUrl, json, StringComparison.Ordinal);
            }
        }

        // A pending proposal keeps every input the person needs, the selected assignee among its choices.
        var crowded = Proposal(staff: Enumerable.Range(0, 120).Select(i => new ChoiceOption(Guid.NewGuid().ToString(), $"Staff {i}")).ToList());
        var selected = crowded.StaffOptions[^1];
        var card = ViewCards.Render(crowded with { AssigneeId = Guid.Parse(selected.Id) }).Card!.ToJsonObject();
        var assignee = card["body"]!.AsArray().Single(e => e!["id"]?.GetValue<string>() == "assigneeId")!;
        Assert.Contains(selected.Id, assignee["choices"]!.AsArray().Select(c => c!["value"]!.GetValue<string>()));
    }

    [Fact]
    public void Pending_proposals_have_approve_and_reject_and_decided_ones_only_the_next_step()
    {
        var view = Shaped(Proposal());
        var pending = ViewCards.Render(view).Card!.ToJsonObject();
        var actions = pending["actions"]!.AsArray();
        Assert.Equal(["Action.Execute", "Action.Execute", "Action.ShowCard"], actions.Select(a => a!["type"]!.GetValue<string>()));
        Assert.Equal("proposal.approve", actions[0]!["verb"]!.GetValue<string>());
        // Save changes keeps the blueprint picked and the answers given without deciding; the version it was shown at guards it.
        Assert.Equal(("proposal.edit", "3"), (actions[1]!["verb"]!.GetValue<string>(), actions[1]!["data"]!["proposalVersion"]!.GetValue<string>()));
        Assert.Equal("proposal.reject", actions[2]!["card"]!["actions"]![0]!["verb"]!.GetValue<string>());
        Assert.Equal("1.5", pending["version"]!.GetValue<string>());
        var inputs = pending["body"]!.AsArray().Where(e => e!["type"]!.GetValue<string>().StartsWith("Input.", StringComparison.Ordinal)).Select(e => e!["id"]!.GetValue<string>());
        Assert.Equal(["title", "objective", "assigneeId", "projectId", "dueDate", "blueprintId"], inputs);
        // Each question has its answer box, holding the answer given so far; the blueprint's tasks are listed.
        var answers = pending["body"]!.AsArray().SelectMany(e => e!["items"]?.AsArray() ?? []).Where(e => e!["type"]!.GetValue<string>() == "Input.Text").ToList();
        Assert.Equal([("answer.0", "When do you need it?", "By Friday"), ("answer.1", "Which project is this for: Launch?", "")],
            answers.Select(a => (a!["id"]!.GetValue<string>(), a["label"]!.GetValue<string>(), a["value"]?.GetValue<string>() ?? "")));
        Assert.Contains("2. Draft the announcement", pending.ToJsonString(), StringComparison.Ordinal);

        // Approved but waiting for its checklist: why it has not started, and Run anyway.
        var waiting = ViewCards.Render(Proposal(ProposalStatus.Approved) with { AutoRun = true, Waiting = ["Audience?"] }).Card!.ToJsonObject();
        Assert.Contains("Not started by itself: its blueprint asks", waiting.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal(("Run anyway", CardActions.RunMissionVerb), (waiting["actions"]![0]!["title"]!.GetValue<string>(), waiting["actions"]![0]!["verb"]!.GetValue<string>()));

        foreach (var status in new[] { ProposalStatus.Rejected, ProposalStatus.Expired })
        {
            var decided = ViewCards.Render(Proposal(status)).Card!.ToJsonObject();
            Assert.Null(decided["actions"]);
            Assert.DoesNotContain("Input.", decided.ToJsonString(), StringComparison.Ordinal);
        }

        // Approved: no decision left, the next step instead (run it now, open its page).
        var approved = ViewCards.Render(Proposal(ProposalStatus.Approved)).Card!.ToJsonObject();
        Assert.DoesNotContain("Input.", approved.ToJsonString(), StringComparison.Ordinal);
        var next = approved["actions"]!.AsArray();
        Assert.Equal(["Action.Execute", "Action.OpenUrl"], next.Select(a => a!["type"]!.GetValue<string>()));
        Assert.Equal(CardActions.RunMissionVerb, next[0]!["verb"]!.GetValue<string>());
    }
}
