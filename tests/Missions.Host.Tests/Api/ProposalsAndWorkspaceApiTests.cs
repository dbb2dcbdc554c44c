using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Missions.Host.Tests.Infrastructure;

namespace Missions.Host.Tests.Api;

public sealed class ProposalsAndWorkspaceApiTests
{
    [Theory, Sqlite, Postgres]
    public async Task Approving_with_edits_creates_one_mission_and_a_second_approval_is_refused(Provider provider)
    {
        await using var app = await MissionsApp.StartAsync(provider);
        using var client = app.CreateClient();
        var proposal = await app.SeedProposalAsync();
        var analyst = (await client.GetFromJsonAsync<JsonArray>("/api/staff"))!.Single(s => s!["name"]!.GetValue<string>() == "Analyst")!["id"]!.GetValue<Guid>();

        var pending = (await client.GetFromJsonAsync<JsonArray>("/api/proposals?status=pending"))!;
        Assert.Single(pending);
        Assert.Equal(["Who is the audience?"], pending[0]!["questions"]!.AsArray().Select(q => q!.GetValue<string>()));

        var approved = await MissionsApp.ReadOkAsync(await client.PostAsJsonAsync($"/api/proposals/{proposal.Id}/approve",
            new { title = "Draft the Q3 launch announcement", assigneeId = analyst, dueDate = "2026-12-01" }));
        Assert.Equal("Approved", approved["status"]!.GetValue<string>());
        Assert.Equal("M-1", approved["missionNumber"]!.GetValue<string>());
        Assert.Equal("local", approved["decidedBy"]!["id"]!.GetValue<string>());

        var mission = await MissionsApp.ReadOkAsync(await client.GetAsync("/api/missions/M-1"));
        Assert.Equal("Draft the Q3 launch announcement", mission["title"]!.GetValue<string>());
        Assert.Equal("Analyst", mission["assigneeName"]!.GetValue<string>());
        Assert.Equal("2026-12-01", mission["dueDate"]!.GetValue<string>());
        Assert.Equal("29:alice", mission["requestedBy"]!["id"]!.GetValue<string>());
        Assert.Equal("local", mission["approvedBy"]!["id"]!.GetValue<string>());
        Assert.Equal(proposal.Id, mission["proposalId"]!.GetValue<Guid>());

        var again = await MissionsApp.ReadProblemAsync(await client.PostAsJsonAsync($"/api/proposals/{proposal.Id}/approve", new { }), HttpStatusCode.Conflict);
        Assert.Equal("M-1", again["missionNumber"]!.GetValue<string>());
        Assert.Contains("already approved", again["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        await MissionsApp.ReadProblemAsync(await client.PostAsJsonAsync($"/api/proposals/{proposal.Id}/reject", new { reason = "late" }), HttpStatusCode.Conflict);
        Assert.Equal(1, await app.WithDbAsync(db => db.Missions.CountAsync()));

        var got = await MissionsApp.ReadOkAsync(await client.GetAsync($"/api/proposals/{proposal.Id}"));
        Assert.Equal("M-1", got["missionNumber"]!.GetValue<string>());
    }

    [Theory, Sqlite, Postgres]
    public async Task Rejecting_records_the_reason_and_makes_no_mission(Provider provider)
    {
        await using var app = await MissionsApp.StartAsync(provider);
        using var client = app.CreateClient();
        var proposal = await app.SeedProposalAsync();

        var stale = await MissionsApp.ReadProblemAsync(await Send(client, HttpMethod.Post, $"/api/proposals/{proposal.Id}/reject", new { reason = "x" }, 5), HttpStatusCode.Conflict);
        Assert.Contains("stale-version", stale["type"]!.GetValue<string>(), StringComparison.Ordinal);

        var rejected = await MissionsApp.ReadOkAsync(await Send(client, HttpMethod.Post, $"/api/proposals/{proposal.Id}/reject", new { reason = "Duplicate of M-3" }, 1));
        Assert.Equal("Rejected", rejected["status"]!.GetValue<string>());
        Assert.Equal("Duplicate of M-3", rejected["rejectionReason"]!.GetValue<string>());
        await MissionsApp.ReadProblemAsync(await client.PostAsJsonAsync($"/api/proposals/{proposal.Id}/approve", new { }), HttpStatusCode.Conflict);
        Assert.Equal(0, await app.WithDbAsync(db => db.Missions.CountAsync()));
        await MissionsApp.ReadProblemAsync(await client.GetAsync($"/api/proposals/{Guid.NewGuid()}"), HttpStatusCode.NotFound);
        var badStatus = await MissionsApp.ReadProblemAsync(await client.GetAsync("/api/proposals?status=maybe"), HttpStatusCode.BadRequest);
        Assert.Equal("status", badStatus["field"]!.GetValue<string>());
    }

    [Fact]
    public async Task Only_configured_approvers_may_decide()
    {
        await using var app = await MissionsApp.StartAsync(Provider.Sqlite, new Dictionary<string, string?>
        {
            ["Missions:Approvers:Allowed:0"] = "29:carol",
        });
        using var client = app.CreateClient();
        var proposal = await app.SeedProposalAsync();

        var refused = await MissionsApp.ReadProblemAsync(await client.PostAsJsonAsync($"/api/proposals/{proposal.Id}/approve", new { }), HttpStatusCode.Forbidden);
        Assert.Contains("may not approve", refused["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(0, await app.WithDbAsync(db => db.Missions.CountAsync()));
    }

    [Fact]
    public async Task Only_admins_change_staff_projects_and_blueprints_and_everyone_reads_them()
    {
        var (app, writer, lead) = await MissionsApp.StartWithWriterAndLeadAsync();
        await using var _ = app;
        using var __ = writer;
        using var ___ = lead;

        // With no admins named, the approvers are; anyone else is told why and nothing is made.
        foreach (var (path, body) in new (string, object)[] { ("/api/projects", new { name = "Support" }), ("/api/staff", new { name = "Tester", role = "QA", instructions = "Test it." }), ("/api/blueprints", new { name = "Bug triage", objectiveTemplate = "A triaged bug list." }) })
        {
            var refused = await MissionsApp.ReadProblemAsync(await writer.PostAsJsonAsync(path, body), HttpStatusCode.Forbidden);
            Assert.Equal("writer may not change staff, projects or blueprints here; ask an admin.", refused["detail"]!.GetValue<string>());
            Assert.Equal(HttpStatusCode.OK, (await writer.GetAsync(path)).StatusCode);
        }

        Assert.Equal(1, await app.WithDbAsync(db => db.Projects.CountAsync()));
        await MissionsApp.ReadOkAsync(await lead.PostAsJsonAsync("/api/projects", new { name = "Support" }), HttpStatusCode.Created);
    }

    [Theory, Sqlite, Postgres]
    public async Task Projects_staff_and_blueprints_list_get_create_and_edit(Provider provider)
    {
        await using var app = await MissionsApp.StartAsync(provider);
        using var client = app.CreateClient();

        // The seed from configuration.
        var staff = (await client.GetFromJsonAsync<JsonArray>("/api/staff"))!;
        Assert.Equal(["Analyst", "Engineer", "Researcher", "Writer"], staff.Select(s => s!["name"]!.GetValue<string>()));
        Assert.All(staff, s => Assert.False(string.IsNullOrWhiteSpace(s!["instructions"]!.GetValue<string>())));
        var blueprints = (await client.GetFromJsonAsync<JsonArray>("/api/blueprints"))!;
        Assert.Equal(2, blueprints.Count);
        Assert.All(blueprints, b => Assert.NotNull(b!["defaultStaffId"]));
        Assert.Single((await client.GetFromJsonAsync<JsonArray>("/api/projects"))!);

        var project = await MissionsApp.ReadOkAsync(await client.PostAsJsonAsync("/api/projects", new { name = "Support", brief = "Customer support playbooks." }), HttpStatusCode.Created);
        var id = project["id"]!.GetValue<Guid>();
        var duplicate = await MissionsApp.ReadProblemAsync(await client.PostAsJsonAsync("/api/projects", new { name = "Support" }), HttpStatusCode.Conflict);
        Assert.Contains("already taken", duplicate["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        var nameless = await MissionsApp.ReadProblemAsync(await client.PostAsJsonAsync("/api/projects", new { brief = "x" }), HttpStatusCode.BadRequest);
        Assert.Equal("name", nameless["field"]!.GetValue<string>());

        await MissionsApp.ReadProblemAsync(await client.PatchAsJsonAsync($"/api/projects/{id}", new { brief = "New" }), HttpStatusCode.PreconditionRequired);
        var edited = await MissionsApp.ReadOkAsync(await Send(client, HttpMethod.Patch, $"/api/projects/{id}", new { brief = "Support playbooks and macros." }, 1));
        Assert.Equal("Support playbooks and macros.", edited["brief"]!.GetValue<string>());
        Assert.Equal("Support", edited["name"]!.GetValue<string>());
        await MissionsApp.ReadProblemAsync(await Send(client, HttpMethod.Patch, $"/api/projects/{id}", new { brief = "Lost update" }, 1), HttpStatusCode.Conflict);
        Assert.Equal("Support playbooks and macros.", (await MissionsApp.ReadOkAsync(await client.GetAsync($"/api/projects/{id}")))["brief"]!.GetValue<string>());

        var member = await MissionsApp.ReadOkAsync(await client.PostAsJsonAsync("/api/staff", new { name = "Designer", role = "Design", instructions = "Sketch it." }), HttpStatusCode.Created);
        var memberId = member["id"]!.GetValue<Guid>();
        var retired = await MissionsApp.ReadOkAsync(await Send(client, HttpMethod.Patch, $"/api/staff/{memberId}", new { isActive = false }, 1));
        Assert.False(retired["isActive"]!.GetValue<bool>());
        var roleless = await MissionsApp.ReadProblemAsync(await client.PostAsJsonAsync("/api/staff", new { name = "Nobody" }), HttpStatusCode.BadRequest);
        Assert.Equal("role", roleless["field"]!.GetValue<string>());

        var blueprint = await MissionsApp.ReadOkAsync(await client.PostAsJsonAsync("/api/blueprints", new
        {
            name = "Bug triage",
            tasks = new[] { "Reproduce", "Find the cause" },
            keywords = new[] { "bug", "crash" },
            defaultStaffId = memberId,
        }), HttpStatusCode.Created);
        Assert.Equal(["Reproduce", "Find the cause"], blueprint["tasks"]!.AsArray().Select(t => t!.GetValue<string>()));
        var badStaff = await MissionsApp.ReadProblemAsync(await Send(client, HttpMethod.Patch, $"/api/blueprints/{blueprint["id"]}", new { defaultStaffId = Guid.NewGuid() }, 1), HttpStatusCode.BadRequest);
        Assert.Equal("defaultStaffId", badStaff["field"]!.GetValue<string>());
        var badTask = await MissionsApp.ReadProblemAsync(await Send(client, HttpMethod.Patch, $"/api/blueprints/{blueprint["id"]}", new { tasks = new[] { "ok", "" } }, 1), HttpStatusCode.BadRequest);
        Assert.Equal("tasks[1]", badTask["field"]!.GetValue<string>());
        await MissionsApp.ReadProblemAsync(await client.GetAsync($"/api/blueprints/{Guid.NewGuid()}"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_seed_comes_from_configuration_and_runs_only_on_a_fresh_database()
    {
        await using var app = await MissionsApp.StartAsync(Provider.Sqlite, new Dictionary<string, string?>
        {
            ["Missions:Seed:Staff:0:Name"] = "Strategist",
            ["Missions:Seed:Staff:0:Role"] = "Strategy",
            ["Missions:Seed:Staff:0:Instructions"] = "Think in options.",
        });
        using var client = app.CreateClient();
        var names = (await client.GetFromJsonAsync<JsonArray>("/api/staff"))!.Select(s => s!["name"]!.GetValue<string>()).ToList();
        Assert.Contains("Strategist", names);
        Assert.DoesNotContain("Researcher", names); // index 0 was overridden

        // A second start on the same database seeds nothing more.
        await using (var scope = app.Services.CreateAsyncScope())
        {
            await global::Missions.Host.Workspace.WorkspaceSeeder.SeedWorkspaceAsync(scope.ServiceProvider);
        }

        Assert.Equal(names.Count, (await client.GetFromJsonAsync<JsonArray>("/api/staff"))!.Count);
    }

    private static async Task<HttpResponseMessage> Send(HttpClient client, HttpMethod method, string path, object body, long version)
    {
        using var request = new HttpRequestMessage(method, path) { Content = JsonContent.Create(body) };
        request.Headers.IfMatch.Add(new EntityTagHeaderValue($"\"{version}\""));
        return await client.SendAsync(request);
    }
}
