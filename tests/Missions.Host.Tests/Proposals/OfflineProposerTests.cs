using Missions.Host.Proposals;

namespace Missions.Host.Tests.Proposals;

/// <summary>Requests as people write them in chat, and what the offline proposer must make of them.</summary>
public sealed class OfflineProposerTests
{
    // Wednesday 25 November 2026, 15:00 UTC.
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 15, 0, 0, TimeSpan.Zero);

    private static readonly StaffInfo Researcher = new(Guid.NewGuid(), "Researcher", "Research", "Find and compare sources.");
    private static readonly StaffInfo Writer = new(Guid.NewGuid(), "Writer", "Writing", "Draft clear documents.");
    private static readonly StaffInfo Analyst = new(Guid.NewGuid(), "Analyst", "Analysis", "Numbers and pricing.");
    private static readonly StaffInfo Engineer = new(Guid.NewGuid(), "Engineer", "Engineering", "Bugs and code.");
    private static readonly ProjectInfo Launch = new(Guid.NewGuid(), "Launch");
    private static readonly ProjectInfo Support = new(Guid.NewGuid(), "Support");
    private static readonly BlueprintInfo CompetitorSummary = new(Guid.NewGuid(), "Competitor summary", ["competitor", "competitors", "comparison"], Researcher.Id, false, "");
    private static readonly BlueprintInfo Announcement = new(Guid.NewGuid(), "Announcement draft", ["announcement", "release notes", "blog post"], Writer.Id, true, "");

    private static ProposalDraft Draft(string text, Guid? boundProject = null, string? timeZone = null, DateTimeOffset? now = null, IReadOnlyList<ExistingWork>? open = null) =>
        OfflineProposer.Draft(new ProposalRequest(
            text, now ?? Now, timeZone, boundProject,
            [Researcher, Writer, Analyst, Engineer], [Launch, Support], [CompetitorSummary, Announcement], KnownOpenWork.None), open ?? []);

    private static void TitleOk(ProposalDraft draft)
    {
        Assert.InRange(draft.Title.Length, 3, OfflineProposer.MaxTitleLength);
        Assert.True(char.IsUpper(draft.Title[0]), $"'{draft.Title}' should start with a capital");
        Assert.DoesNotMatch(@"(?i)\b(can someone|could someone|could you|can you|please|pls|thanks|hey|i need|we need)\b", draft.Title);
        Assert.False(draft.Title.EndsWith('?') || draft.Title.EndsWith('.'), $"'{draft.Title}' ends with punctuation");
        Assert.EndsWith(".", draft.Objective);
    }

    [Fact]
    public void The_example_from_the_product_page()
    {
        var d = Draft("can someone pull together a competitor pricing summary for the Q3 deck by Friday?");

        Assert.Equal("Pull together a competitor pricing summary for the Q3 deck", d.Title);
        Assert.Equal(new DateOnly(2026, 11, 27), d.DueDate);
        Assert.Equal(CompetitorSummary.Id, d.BlueprintId);
        Assert.Contains(d.AssigneeId, new Guid?[] { Researcher.Id, Analyst.Id });
        Assert.Contains("Friday 27 November", d.Objective, StringComparison.Ordinal);
        Assert.Contains("ready for review", d.Objective, StringComparison.Ordinal);
        Assert.Equal("can someone pull together a competitor pricing summary for the Q3 deck by Friday?", d.Description);
        Assert.Contains(d.Questions, q => q.StartsWith("Which project", StringComparison.Ordinal));
        Assert.DoesNotContain(d.Questions, q => q.StartsWith("When", StringComparison.Ordinal));
        TitleOk(d);
    }

    [Theory]
    [InlineData("Could you please write the launch announcement for tomorrow", "Write the launch announcement")]
    [InlineData("hey team, we need someone to draft release notes for v2.3", "Draft release notes for v2.3")]
    [InlineData("pls fix the login bug on safari asap", "Fix the login bug on safari")]
    [InlineData("i'd like someone to research onboarding tools for small teams", "Research onboarding tools for small teams")]
    [InlineData("Would be great if someone could summarise the customer interviews from last week.", "Summarise the customer interviews from last week")]
    [InlineData("can we get a churn analysis for Q3?", "Run a churn analysis for Q3")]
    [InlineData("Competitor pricing summary for the board meeting", "Write a competitor pricing summary for the board meeting")]
    [InlineData("Is anyone able to look into why the export job keeps timing out?", "Look into why the export job keeps timing out")]
    [InlineData("Good morning! Could someone put together a FAQ for the new pricing page? Thanks!", "Put together a FAQ for the new pricing page")]
    [InlineData("let's plan the offsite agenda", "Plan the offsite agenda")]
    [InlineData("quick ask: compare Stripe and Adyen fees for EU cards", "Compare Stripe and Adyen fees for EU cards")]
    [InlineData("Need someone to review the Q4 budget spreadsheet", "Review the Q4 budget spreadsheet")]
    [InlineData("We should update the onboarding checklist. thx", "Update the onboarding checklist")]
    [InlineData("could u write a short blog post about the new dashboard", "Write a short blog post about the new dashboard")]
    [InlineData("**Translate** the FAQ into German please", "Translate the FAQ into German")]
    [InlineData("can someone compare what customers use vs what they pay for", "Compare what customers use vs what they pay for")]
    [InlineData("find out who the renewal quotes go to", "Find out who the renewal quotes go to")]
    [InlineData("draft the partner newsletter for", "Draft the partner newsletter")]
    public void Titles_are_imperative_and_free_of_filler(string text, string expected)
    {
        var d = Draft(text);
        Assert.Equal(expected, d.Title);
        TitleOk(d);
    }

    [Theory]
    [InlineData("can someone wirte a summery of the reserach interviews", "Write a summary of the research interviews")]
    [InlineData("pls darft the annoucement for teh new pricing", "Draft the announcement for the new pricing")]
    [InlineData("need a competiter anaylsis", "Run a competitor analysis")]
    public void Common_typos_are_mended(string text, string expected)
    {
        Assert.Equal(expected, Draft(text).Title);
    }

    [Fact]
    public void Long_requests_are_cut_at_a_word_within_eighty_characters()
    {
        var d = Draft("Please write a detailed, well-sourced overview of every regulation that affects how we store customer payment data across the EU, UK and US markets");
        TitleOk(d);
        Assert.StartsWith("Write a detailed, well-sourced overview of every regulation", d.Title, StringComparison.Ordinal);
        Assert.False(d.Title.EndsWith(" the", StringComparison.Ordinal) || d.Title.EndsWith(" of", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("@Writer draft the newsletter intro", "Writer")]
    [InlineData("can the analyst pull the numbers? for the Writer: draft a tweet thread about the launch", "Writer")]
    [InlineData("Researcher: find three case studies about remote onboarding", "Researcher")]
    [InlineData("ask the Engineer to check why emails bounce", "Engineer")]
    [InlineData("assign it to Analyst - forecast Q1 signups", "Analyst")]
    public void A_named_or_addressed_staff_member_is_the_assignee(string text, string expected)
    {
        var d = Draft(text);
        var expectedId = new[] { Researcher, Writer, Analyst, Engineer }.Single(s => s.Name == expected).Id;
        Assert.Equal(expectedId, d.AssigneeId);
        Assert.DoesNotContain(expected, d.Title, StringComparison.Ordinal);
        Assert.DoesNotContain(d.Questions, q => q.StartsWith("Who", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("write a blog post about our new API", "Writer")]
    [InlineData("fix the crash when uploading large files", "Engineer")]
    [InlineData("analyze the pricing data from the last quarter", "Analyst")]
    [InlineData("research the market for AI note takers", "Researcher")]
    [InlineData("draft an email to customers about the outage", "Writer")]
    [InlineData("build a dashboard of weekly signups and churn", "Analyst")]
    [InlineData("find sources on how competitors price seats", "Researcher")]
    [InlineData("the deploy pipeline fails on main, logs attached", "Engineer")]
    public void Without_a_name_the_role_that_fits_the_work_is_suggested(string text, string expected)
    {
        var d = Draft(text);
        var expectedId = new[] { Researcher, Writer, Analyst, Engineer }.Single(s => s.Name == expected).Id;
        Assert.Equal(expectedId, d.AssigneeId);
    }

    [Fact]
    public void When_no_role_fits_nobody_is_guessed_and_the_question_is_asked()
    {
        var d = Draft("sort out the team lunch on Thursday");
        Assert.Null(d.AssigneeId);
        Assert.Contains(d.Questions, q => q.StartsWith("Who should take it", StringComparison.Ordinal) && q.Contains("Writer", StringComparison.Ordinal));
        Assert.Equal(new DateOnly(2026, 11, 26), d.DueDate);
    }

    [Theory]
    [InlineData("by Friday", 2026, 11, 27)]
    [InlineData("today", 2026, 11, 25)]
    [InlineData("by EOD", 2026, 11, 25)]
    [InlineData("tomorrow", 2026, 11, 26)]
    [InlineData("by tmrw", 2026, 11, 26)]
    [InlineData("next week", 2026, 12, 4)]
    [InlineData("by next Friday", 2026, 12, 4)]
    [InlineData("on Monday", 2026, 11, 30)]
    [InlineData("this Wednesday", 2026, 11, 25)]
    [InlineData("by end of month", 2026, 11, 30)]
    [InlineData("before the end of the week", 2026, 11, 27)]
    [InlineData("by 3 Dec", 2026, 12, 3)]
    [InlineData("by Dec 3rd", 2026, 12, 3)]
    [InlineData("due December 10, 2026", 2026, 12, 10)]
    [InlineData("by 2026-12-03", 2026, 12, 3)]
    [InlineData("by the 1st of March", 2027, 3, 1)]
    [InlineData("in 3 days", 2026, 11, 28)]
    [InlineData("within two weeks", 2026, 12, 9)]
    public void Due_dates_are_read_from_the_phrases_people_use(string phrase, int year, int month, int day)
    {
        var d = Draft($"write the partner update {phrase}");
        Assert.Equal(new DateOnly(year, month, day), d.DueDate);
        Assert.Equal("Write the partner update", d.Title);
        Assert.DoesNotContain(d.Questions, q => q.StartsWith("When", StringComparison.Ordinal));
    }

    [Fact]
    public void Today_is_the_requesters_today()
    {
        // 02:00 UTC on Thursday is still Wednesday evening in New York.
        var lateNight = new DateTimeOffset(2026, 11, 26, 2, 0, 0, TimeSpan.Zero);
        Assert.Equal(new DateOnly(2026, 11, 25), Draft("write the recap today", timeZone: "America/New_York", now: lateNight).DueDate);
        Assert.Equal(new DateOnly(2026, 11, 26), Draft("write the recap today", timeZone: "Europe/Berlin", now: lateNight).DueDate);
        Assert.Equal(new DateOnly(2026, 11, 26), Draft("write the recap today", timeZone: "Not/AZone", now: lateNight).DueDate);
    }

    [Fact]
    public void Without_a_deadline_the_question_is_asked()
    {
        var d = Draft("write the partner update");
        Assert.Null(d.DueDate);
        Assert.Contains("When do you need it?", d.Questions);
    }

    [Theory]
    [InlineData("draft the FAQ for the Support project", "Support")]
    [InlineData("update the onboarding macros in Support", "Support")]
    [InlineData("#launch write the teaser email", "Launch")]
    [InlineData("collect quotes for the Launch deck", "Launch")]
    public void A_named_project_is_used(string text, string expected)
    {
        var d = Draft(text);
        Assert.Equal(expected == "Launch" ? Launch.Id : Support.Id, d.ProjectId);
        Assert.DoesNotContain(d.Questions, q => q.StartsWith("Which project", StringComparison.Ordinal));
    }

    [Fact]
    public void The_project_bound_to_the_conversation_is_the_default()
    {
        var d = Draft("draft the holiday schedule announcement", boundProject: Support.Id);
        Assert.Equal(Support.Id, d.ProjectId);
        Assert.Equal(Announcement.Id, d.BlueprintId);
        Assert.True(d.AutoRun);
        Assert.Equal(Writer.Id, d.AssigneeId);
    }

    [Fact]
    public void Vague_requests_get_questions_rather_than_guesses()
    {
        var d = Draft("hey can someone help with the thing");
        Assert.Contains(d.Questions, q => q.StartsWith("Can you say a bit more", StringComparison.Ordinal));
        Assert.Contains(d.Questions, q => q.StartsWith("What should the result be", StringComparison.Ordinal));
        Assert.Contains("When do you need it?", d.Questions);
        Assert.Null(d.AssigneeId);
        Assert.Null(d.BlueprintId);
    }

    [Fact]
    public void Links_mentions_and_bullets_do_not_leak_into_the_title()
    {
        var d = Draft("<at>Missions</at> summarize this thread https://contoso.slack.com/archives/C1/p123 for the Support project\n- key complaints\n- proposed fixes");
        Assert.Equal("Summarize this thread for the Support project", d.Title);
        Assert.Equal(Support.Id, d.ProjectId);
        Assert.Contains("- key complaints", d.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void Markdown_links_keep_their_words()
    {
        var d = Draft("review [the pricing page](https://example.com/pricing) copy by Friday");
        Assert.Equal("Review the pricing page copy", d.Title);
    }

    [Fact]
    public void Objectives_are_outcomes_not_restated_titles()
    {
        Assert.StartsWith("Clear, sourced findings on onboarding tools", Draft("research onboarding tools").Objective, StringComparison.Ordinal);
        Assert.StartsWith("A side-by-side comparison of Stripe and Adyen fees", Draft("compare Stripe and Adyen fees").Objective, StringComparison.Ordinal);
        Assert.StartsWith("The login bug fixed, verified", Draft("fix the login bug").Objective, StringComparison.Ordinal);
        Assert.StartsWith("A plan for the offsite", Draft("plan the offsite").Objective, StringComparison.Ordinal);
        Assert.StartsWith("The launch announcement, drafted and ready for review", Draft("write the launch announcement").Objective, StringComparison.Ordinal);
    }

    [Fact]
    public void A_near_identical_open_mission_in_the_same_project_is_pointed_out()
    {
        var open = new[]
        {
            new ExistingWork("M-12 (in progress)", "Compare competitor pricing for the Q3 deck", Launch.Id),
            new ExistingWork("a pending proposal", "Write the holiday schedule", Support.Id),
        };
        var d = Draft("compare competitor pricing for the Q3 deck #launch", open: open);
        Assert.Equal("This looks like M-12 (in progress): “Compare competitor pricing for the Q3 deck”.", d.DuplicateHint);

        Assert.Null(Draft("compare competitor pricing for the Q3 deck #support", open: open).DuplicateHint);
        Assert.Null(Draft("draft the Q3 hiring plan #launch", open: open).DuplicateHint);
        Assert.NotNull(Draft("writing the holiday schedules", boundProject: Support.Id, open: open).DuplicateHint);
    }

    [Fact]
    public void The_original_text_is_kept_as_the_description()
    {
        const string text = "  hey @Writer could you draft the Q3 newsletter?\nInclude the pricing change.  ";
        Assert.Equal(text.Trim(), Draft(text).Description);
    }
    // ---- the classes of misses found on loose chat requests (each class has cases of its own) --------------------

    [Theory]
    // A question to a role or a person: the role is the assignee, the question words leave the title.
    [InlineData("can the engineer profile the checkout page? it feels slow", "Profile the checkout page", "Engineer", null)]
    [InlineData("could the analyst look at why trial conversions dropped in october", "Look at why trial conversions dropped in October", "Analyst", null)]
    [InlineData("would the researcher be able to find three case studies on churn by friday", "Find three case studies on churn", "Researcher", "2026-11-27")]
    [InlineData("Writer, can you outline the onboarding guide?", "Outline the onboarding guide", "Writer", null)]
    [InlineData("who can check what other tools charge for SSO?", "Check what other tools charge for SSO", "Researcher", null)]
    [InlineData("is there someone who can fix the broken invoice emails tomorrow", "Fix the broken invoice emails", "Engineer", "2026-11-26")]
    [InlineData("does anyone have time to document the release process", "Document the release process", "Writer", null)]
    // A wish: the wish words leave the title, which gets the verb its deliverable implies.
    [InlineData("i'd love a one-pager on our refund policy", "Write a one-pager on our refund policy", "Writer", null)]
    [InlineData("need a script that rotates the staging keys asap", "Write a script that rotates the staging keys", "Engineer", "2026-11-25")]
    [InlineData("would love a short faq for the new billing page by monday", "Write a short faq for the new billing page", "Writer", "2026-11-30")]
    [InlineData("it'd be great to have a forecast of Q1 signups", "Forecast Q1 signups", "Analyst", null)]
    [InlineData("we could really use a checklist for onboarding new hires", "Compile a checklist for onboarding new hires", null, null)]
    // An imperative verb outside the vocabulary keeps its place at the front, with no "Prepare" before it.
    [InlineData("reconcile the stripe payouts with the ledger for october", "Reconcile the stripe payouts with the ledger for October", "Analyst", null)]
    [InlineData("shortlist three venues for the offsite by the 15th", "Shortlist three venues for the offsite", "Researcher", "2026-12-15")]
    [InlineData("localise the pricing page into french", "Localise the pricing page into french", "Writer", null)]
    [InlineData("pls triage the open support tickets", "Triage the open support tickets", "Engineer", null)]
    [InlineData("tidy up the shared drive folders before dec 3", "Tidy up the shared drive folders", null, "2026-12-03")]
    // Trailing remarks leave the title.
    [InlineData("forecast december revenue, end of month is fine", "Forecast December revenue", "Analyst", "2026-11-30")]
    [InlineData("research usage-based pricing models and tell us if we should switch", "Research usage-based pricing models", "Researcher", null)]
    [InlineData("set up error alerts for the payments service, no rush", "Set up error alerts for the payments service", "Engineer", null)]
    [InlineData("draft the partner newsletter - thoughts?", "Draft the partner newsletter", "Writer", null)]
    [InlineData("compile the customer quotes from the interviews and let me know when it's done", "Compile the customer quotes from the interviews", "Researcher", null)]
    // The common verbs of each role.
    [InlineData("compile a list of conferences worth sponsoring next year", "Compile a list of conferences worth sponsoring next year", "Researcher", null)]
    [InlineData("find out what competitors charge for extra seats", "Find out what competitors charge for extra seats", "Researcher", null)]
    [InlineData("document the on-call rotation", "Document the on-call rotation", "Writer", null)]
    [InlineData("outline the talk for the meetup", "Outline the talk for the meetup", "Writer", null)]
    [InlineData("script the weekly usage export", "Script the weekly usage export", "Engineer", null)]
    [InlineData("profile the search endpoint under load", "Profile the search endpoint under load", "Engineer", null)]
    [InlineData("analyse the survey responses from the beta", "Analyse the survey responses from the beta", "Analyst", null)]
    // Days, months and quarters read as names; a short month or one that is also a word only where it is a month.
    [InlineData("churn by plan for oct pls", "Calculate churn by plan for October", "Analyst", null)]
    [InlineData("cull the feature flags nobody has touched since march", "Cull the feature flags nobody has touched since March", "Engineer", null)]
    [InlineData("summarise the q3 board deck for the sales offsite", "Summarise the Q3 board deck for the sales offsite", "Researcher", null)]
    [InlineData("list the incidents from sept. and what caused them", "List the incidents from September and what caused them", null, null)]
    [InlineData("audit the slides that may need a refresh since mar", "Audit the slides that may need a refresh since March", null, null)]
    // A question asked straight is something to find out: "Find out" and the question in the order of a statement.
    [InlineData("why did signups drop last week?", "Find out why signups dropped last week", "Analyst", null)]
    [InlineData("how long does a full backup take?", "Find out how long a full backup takes", "Engineer", null)]
    [InlineData("is our cookie banner compliant with the new UK rules?", "Find out whether our cookie banner is compliant with the new UK rules", "Researcher", null)]
    [InlineData("does the new pricing page support dark mode?", "Find out whether the new pricing page supports dark mode", "Analyst", null)]
    [InlineData("are there any open CVEs in our dependencies?", "Find out whether there are any open CVEs in our dependencies", "Engineer", null)]
    [InlineData("why are refunds taking so long?", "Find out why refunds are taking so long", null, null)]
    [InlineData("did the pricing change affect conversion?", "Find out whether the pricing change affected conversion", "Analyst", null)]
    [InlineData("has anyone looked at the Q3 retention numbers yet?", "Find out whether anyone has looked at the Q3 retention numbers yet", "Analyst", null)]
    [InlineData("which of our competitors offer SSO on their free plan?", "Find out which of our competitors offer SSO on their free plan", "Researcher", null)]
    [InlineData("any idea why the nightly build keeps failing?", "Find out why the nightly build keeps failing", "Engineer", null)]
    [InlineData("EU AI act — what does it actually require from us as a deployer? legal wants it", "Find out what EU AI act actually requires from us as a deployer", "Researcher", null)]
    [InlineData("what would it cost to add 20 seats to our Figma plan? need a rough number", "Find out what it would cost to add 20 seats to our Figma plan", "Analyst", null)]
    // An ask with no verb of its own: a problem stated, help asked with what to do, someone else's wish passed on.
    [InlineData("the login page is broken", "Fix the login page", "Engineer", null)]
    [InlineData("the checkout page is really slow on mobile", "Speed up the checkout page on mobile", "Engineer", null)]
    [InlineData("our onboarding guide is out of date", "Update the onboarding guide", "Writer", null)]
    [InlineData("the docs are wrong about rate limits", "Fix the docs about rate limits", "Writer", null)]
    [InlineData("signup form errors on safari", "Fix signup form errors on safari", "Engineer", null)]
    [InlineData("I need help writing a job description for a senior designer", "Write a job description for a senior designer", "Writer", null)]
    [InlineData("help me setting up the staging environment", "Set up the staging environment", "Engineer", null)]
    [InlineData("can you help me with the Q4 planning?", "Help with the Q4 planning", null, null)]
    [InlineData("hey team, the client wants a revised quote by EOD", "Prepare a revised quote for the client", null, "2026-11-25")]
    [InlineData("legal wants a summary of the new DPA terms", "Summarise the new DPA terms for legal", "Researcher", null)]
    [InlineData("we need a new logo for the conference", "Design a new logo for the conference", null, null)]
    // The ask after a comma, with context before it.
    [InlineData("so the Acme renewal is coming up, can someone pull their usage for the last 6 months", "Pull their usage for the last 6 months", "Analyst", null)]
    // Due dates: a day of the month, and "asap".
    [InlineData("write the board update by the 30th", "Write the board update", "Writer", "2026-11-30")]
    [InlineData("write the board update by the 2nd", "Write the board update", "Writer", "2026-12-02")]
    [InlineData("write the board update as soon as possible", "Write the board update", "Writer", "2026-11-25")]
    public void Loose_requests_are_read_as_people_mean_them(string text, string title, string? assignee, string? due)
    {
        var d = Draft(text);
        Assert.Equal(title, d.Title);
        Assert.Equal(assignee is null ? null : new[] { Researcher, Writer, Analyst, Engineer }.Single(s => s.Name == assignee).Id, d.AssigneeId);
        Assert.Equal(due is null ? null : DateOnly.Parse(due, System.Globalization.CultureInfo.InvariantCulture), d.DueDate);
        TitleOk(d);
    }

    [Fact]
    public void With_one_project_it_is_chosen_not_asked()
    {
        var d = OfflineProposer.Draft(new ProposalRequest("write the teaser email", Now, null, null, [Writer], [Launch], [], KnownOpenWork.None), []);
        Assert.Equal(Launch.Id, d.ProjectId);
        Assert.DoesNotContain(d.Questions, q => q.StartsWith("Which project", StringComparison.Ordinal));

        var two = Draft("write the teaser email");
        Assert.Null(two.ProjectId);
        Assert.Contains("Which project is this for: Launch, Support?", two.Questions);
    }
}
