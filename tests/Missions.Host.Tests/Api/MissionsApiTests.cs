using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Missions.Host.Tests.Infrastructure;

namespace Missions.Host.Tests.Api;

public sealed class MissionsApiTests
{
    [Theory, Sqlite, Postgres]
    public async Task Create_get_and_list_with_filters_and_paging(Provider provider)
    {
        await using var app = await MissionsApp.StartAsync(provider);
        using var client = app.CreateClient();
        var staff = (await client.GetFromJsonAsync<JsonArray>("/api/staff"))!;
        var writer = staff.Single(s => s!["name"]!.GetValue<string>() == "Writer")!["id"]!.GetValue<Guid>();
        var project = (await client.GetFromJsonAsync<JsonArray>("/api/projects"))![0]!["id"]!.GetValue<Guid>();

        var first = await app.CreateMissionAsync("Draft the launch announcement", "An announcement ready for review.", new { assigneeId = writer, projectId = project, dueDate = "2026-12-03" });
        await app.CreateMissionAsync("Compare competitor pricing", "A pricing comparison for the deck.");
        for (var i = 0; i < 5; i++)
        {
            await app.CreateMissionAsync($"Filler {i}", "Something.");
        }

        Assert.Equal("M-1", first["number"]!.GetValue<string>());
        Assert.Equal("Backlog", first["status"]!.GetValue<string>());
        Assert.Equal("Writer", first["assigneeName"]!.GetValue<string>());
        Assert.Equal("Launch", first["projectName"]!.GetValue<string>());
        Assert.Equal("2026-12-03", first["dueDate"]!.GetValue<string>());
        Assert.Equal("local", first["requestedBy"]!["id"]!.GetValue<string>());

        var got = await client.GetAsync("/api/missions/m-1");
        var body = await MissionsApp.ReadOkAsync(got);
        Assert.Equal("Draft the launch announcement", body["title"]!.GetValue<string>());
        Assert.Equal("\"1\"", got.Headers.ETag!.Tag);

        var byText = await client.GetFromJsonAsync<JsonObject>("/api/missions?q=PRICING");
        Assert.Equal(1, byText!["total"]!.GetValue<int>());
        Assert.Equal("M-2", byText["items"]![0]!["number"]!.GetValue<string>());

        var byAssignee = await client.GetFromJsonAsync<JsonObject>($"/api/missions?assignee={writer}");
        Assert.Equal(["M-1"], byAssignee!["items"]!.AsArray().Select(m => m!["number"]!.GetValue<string>()));
        var byProject = await client.GetFromJsonAsync<JsonObject>($"/api/missions?project={project}");
        Assert.Equal(1, byProject!["total"]!.GetValue<int>());

        await MissionsApp.ReadOkAsync(await MissionsApp.TransitionAsync(client, "M-2", "InProgress"));
        var byStatus = await client.GetFromJsonAsync<JsonObject>("/api/missions?status=inprogress,review");
        Assert.Equal(["M-2"], byStatus!["items"]!.AsArray().Select(m => m!["number"]!.GetValue<string>()));

        var page2 = await client.GetFromJsonAsync<JsonObject>("/api/missions?page=2&pageSize=3");
        Assert.Equal(7, page2!["total"]!.GetValue<int>());
        Assert.Equal(["M-4", "M-5", "M-6"], page2["items"]!.AsArray().Select(m => m!["number"]!.GetValue<string>()));
    }

    [Theory, Sqlite, Postgres]
    public async Task Edit_needs_the_current_version(Provider provider)
    {
        await using var app = await MissionsApp.StartAsync(provider);
        using var client = app.CreateClient();
        await app.CreateMissionAsync();

        var missing = await client.PatchAsJsonAsync("/api/missions/M-1", new { title = "New title" });
        var precondition = await MissionsApp.ReadProblemAsync(missing, HttpStatusCode.PreconditionRequired);
        Assert.Equal("If-Match", precondition["field"]!.GetValue<string>());

        var edited = await MissionsApp.ReadOkAsync(await Patch(client, "M-1", new { title = "  New title  ", dueDate = "2026-12-24" }, 1));
        Assert.Equal("New title", edited["title"]!.GetValue<string>());
        Assert.Equal(2, edited["version"]!.GetValue<long>());

        // Someone still holding version 1 cannot overwrite the edit.
        var stale = await MissionsApp.ReadProblemAsync(await Patch(client, "M-1", new { title = "Old view" }, 1), HttpStatusCode.Conflict);
        Assert.Equal(2, stale["currentVersion"]!.GetValue<long>());
        Assert.Contains("stale-version", stale["type"]!.GetValue<string>(), StringComparison.Ordinal);

        // Null clears a nullable field; an absent field stays as it was.
        var cleared = await MissionsApp.ReadOkAsync(await Patch(client, "M-1", new { dueDate = (string?)null }, 2));
        Assert.Null(cleared["dueDate"]);
        Assert.Equal("New title", cleared["title"]!.GetValue<string>());

        var empty = await MissionsApp.ReadProblemAsync(await Patch(client, "M-1", new { title = "   " }, 3), HttpStatusCode.BadRequest);
        Assert.Equal("title", empty["field"]!.GetValue<string>());

        var activity = (await client.GetFromJsonAsync<JsonArray>("/api/missions/M-1/activity"))!;
        Assert.Equal(["created", "edited", "edited"], activity.Select(a => a!["action"]!.GetValue<string>()));
        Assert.Contains("title", activity[1]!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Theory, Sqlite, Postgres]
    public async Task Transitions_follow_the_lifecycle_and_refusals_say_why(Provider provider)
    {
        await using var app = await MissionsApp.StartAsync(provider);
        using var client = app.CreateClient();
        await app.CreateMissionAsync();

        var refused = await MissionsApp.ReadProblemAsync(await MissionsApp.TransitionAsync(client, "M-1", "Done"), HttpStatusCode.Conflict);
        Assert.Contains("invalid-transition", refused["type"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("must be started", refused["detail"]!.GetValue<string>(), StringComparison.Ordinal);

        foreach (var to in new[] { "InProgress", "Review", "InProgress", "Review", "Done", "Backlog" })
        {
            var moved = await MissionsApp.ReadOkAsync(await MissionsApp.TransitionAsync(client, "M-1", to));
            Assert.Equal(to, moved["status"]!.GetValue<string>());
        }

        await MissionsApp.ReadOkAsync(await MissionsApp.TransitionAsync(client, "M-1", "Cancelled"));
        var afterCancel = await MissionsApp.ReadProblemAsync(await MissionsApp.TransitionAsync(client, "M-1", "Backlog"), HttpStatusCode.Conflict);
        Assert.Contains("stays cancelled", afterCancel["detail"]!.GetValue<string>(), StringComparison.Ordinal);

        var noTarget = await MissionsApp.ReadProblemAsync(await client.PostAsJsonAsync("/api/missions/M-1/transitions", new { }), HttpStatusCode.BadRequest);
        Assert.Equal("to", noTarget["field"]!.GetValue<string>());
        var badTarget = await MissionsApp.ReadProblemAsync(await MissionsApp.TransitionAsync(client, "M-1", "Sideways"), HttpStatusCode.BadRequest);
        Assert.Equal("to", badTarget["field"]!.GetValue<string>());
    }

    [Theory, Sqlite, Postgres]
    public async Task Moving_on_the_board_changes_only_the_moved_missions_rank(Provider provider)
    {
        await using var app = await MissionsApp.StartAsync(provider);
        using var client = app.CreateClient();
        for (var i = 1; i <= 4; i++)
        {
            await app.CreateMissionAsync($"Mission {i}");
        }

        var before = await RanksAsync(client);
        Assert.Equal(["M-1", "M-2", "M-3", "M-4"], await ColumnAsync(client, "Backlog"));

        // M-4 to the top, then M-1 between M-2 and M-3.
        await MissionsApp.ReadOkAsync(await MissionsApp.MoveAsync(client, "M-4", new { before = "M-1" }));
        await MissionsApp.ReadOkAsync(await MissionsApp.MoveAsync(client, "M-1", new { after = "M-2", before = "M-3" }));
        Assert.Equal(["M-4", "M-2", "M-1", "M-3"], await ColumnAsync(client, "Backlog"));
        var after = await RanksAsync(client);
        Assert.Equal(before["M-2"], after["M-2"]);
        Assert.Equal(before["M-3"], after["M-3"]);

        // Into another column (a lifecycle move) and placed at a position there.
        await MissionsApp.ReadOkAsync(await MissionsApp.TransitionAsync(client, "M-3", "InProgress"));
        await MissionsApp.ReadOkAsync(await MissionsApp.MoveAsync(client, "M-2", new { status = "InProgress", before = "M-3" }));
        Assert.Equal(["M-2", "M-3"], await ColumnAsync(client, "InProgress"));
        Assert.Equal(["M-4", "M-1"], await ColumnAsync(client, "Backlog"));

        var wrongColumn = await MissionsApp.ReadProblemAsync(await MissionsApp.MoveAsync(client, "M-1", new { after = "M-3" }), HttpStatusCode.BadRequest);
        Assert.Equal("after", wrongColumn["field"]!.GetValue<string>());
        var illegal = await MissionsApp.ReadProblemAsync(await MissionsApp.MoveAsync(client, "M-1", new { status = "Done" }), HttpStatusCode.Conflict);
        Assert.Contains("invalid-transition", illegal["type"]!.GetValue<string>(), StringComparison.Ordinal);
        var self = await MissionsApp.ReadProblemAsync(await MissionsApp.MoveAsync(client, "M-1", new { after = "M-1" }), HttpStatusCode.BadRequest);
        Assert.Equal("after", self["field"]!.GetValue<string>());
        var stale = await MissionsApp.MoveAsync(client, "M-1", new { before = "M-4" }, version: 1);
        await MissionsApp.ReadProblemAsync(stale, HttpStatusCode.Conflict);
    }

    [Theory, Sqlite, Postgres]
    public async Task Comments_are_listed_in_order_and_recorded_in_the_trail(Provider provider)
    {
        await using var app = await MissionsApp.StartAsync(provider);
        using var client = app.CreateClient();
        await app.CreateMissionAsync();

        await MissionsApp.ReadOkAsync(await client.PostAsJsonAsync("/api/missions/M-1/comments", new { text = "Use the Q3 numbers." }), HttpStatusCode.Created);
        await MissionsApp.ReadOkAsync(await client.PostAsJsonAsync("/api/missions/M-1/comments", new { text = "And cite sources." }), HttpStatusCode.Created);
        var empty = await MissionsApp.ReadProblemAsync(await client.PostAsJsonAsync("/api/missions/M-1/comments", new { text = "" }), HttpStatusCode.BadRequest);
        Assert.Equal("text", empty["field"]!.GetValue<string>());

        var comments = (await client.GetFromJsonAsync<JsonArray>("/api/missions/M-1/comments"))!;
        Assert.Equal(["Use the Q3 numbers.", "And cite sources."], comments.Select(c => c!["text"]!.GetValue<string>()));
        Assert.Equal("Human", comments[0]!["authorKind"]!.GetValue<string>());
        var activity = (await client.GetFromJsonAsync<JsonArray>("/api/missions/M-1/activity"))!;
        Assert.Equal(2, activity.Count(a => a!["action"]!.GetValue<string>() == "commented"));
    }

    [Theory, Sqlite, Postgres]
    public async Task Attachments_upload_download_and_refuse_what_does_not_fit(Provider provider)
    {
        await using var app = await MissionsApp.StartAsync(provider, new Dictionary<string, string?> { ["Missions:Attachments:MaxBytes"] = "2048" });
        using var client = app.CreateClient();
        await app.CreateMissionAsync();

        var notes = Encoding.UTF8.GetBytes("# Notes\nPricing: €12 per seat.\n");
        var uploaded = await MissionsApp.ReadOkAsync(await Upload(client, "M-1", notes, "text/markdown", "../../etc/notes.md"), HttpStatusCode.Created);
        Assert.Equal("notes.md", uploaded["fileName"]!.GetValue<string>());
        Assert.Equal(notes.Length, uploaded["size"]!.GetValue<long>());
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(notes)), uploaded["sha256"]!.GetValue<string>());

        var download = await client.GetAsync(uploaded["downloadUrl"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal("text/markdown", download.Content.Headers.ContentType!.MediaType);
        Assert.Equal(notes, await download.Content.ReadAsByteArrayAsync());

        var png = new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3 };
        await MissionsApp.ReadOkAsync(await Upload(client, "M-1", png, "image/png", "chart.png"), HttpStatusCode.Created);

        var tooBig = await MissionsApp.ReadProblemAsync(await Upload(client, "M-1", new byte[4096], "text/plain", "big.txt"), HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal("file", tooBig["field"]!.GetValue<string>());
        var exe = await MissionsApp.ReadProblemAsync(await Upload(client, "M-1", [0x4D, 0x5A, 0x90], "application/x-msdownload", "tool.exe"), HttpStatusCode.UnsupportedMediaType);
        Assert.Equal("file", exe["field"]!.GetValue<string>());
        var fakePdf = await MissionsApp.ReadProblemAsync(await Upload(client, "M-1", Encoding.UTF8.GetBytes("not a pdf"), "application/pdf", "x.pdf"), HttpStatusCode.UnsupportedMediaType);
        Assert.Contains("does not look like", fakePdf["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        var binaryText = await MissionsApp.ReadProblemAsync(await Upload(client, "M-1", [0x41, 0x00, 0x42], "text/plain", "x.txt"), HttpStatusCode.UnsupportedMediaType);
        Assert.Contains("binary", binaryText["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        var noFile = await MissionsApp.ReadProblemAsync(await client.PostAsync("/api/missions/M-1/attachments", new MultipartFormDataContent()), HttpStatusCode.BadRequest);
        Assert.Equal("file", noFile["field"]!.GetValue<string>());
        await MissionsApp.ReadProblemAsync(await Upload(client, "M-99", notes, "text/plain", "a.txt"), HttpStatusCode.NotFound);

        var list = (await client.GetFromJsonAsync<JsonArray>("/api/missions/M-1/attachments"))!;
        Assert.Equal(["notes.md", "chart.png"], list.Select(a => a!["fileName"]!.GetValue<string>()));
        await MissionsApp.ReadProblemAsync(await client.GetAsync($"/api/missions/M-1/attachments/{Guid.NewGuid()}"), HttpStatusCode.NotFound);
    }

    [Theory, Sqlite, Postgres]
    public async Task The_board_shows_columns_in_rank_order_without_cancelled_missions(Provider provider)
    {
        await using var app = await MissionsApp.StartAsync(provider);
        using var client = app.CreateClient();
        for (var i = 1; i <= 3; i++)
        {
            await app.CreateMissionAsync($"Mission {i}");
        }

        await MissionsApp.TransitionAsync(client, "M-2", "InProgress");
        await MissionsApp.TransitionAsync(client, "M-3", "Cancelled");

        var board = (await client.GetFromJsonAsync<JsonObject>("/api/board"))!;
        var columns = board["columns"]!.AsArray();
        Assert.Equal(["Backlog", "InProgress", "Review", "Done"], columns.Select(c => c!["status"]!.GetValue<string>()));
        Assert.Equal(["In progress"], columns.Where(c => c!["status"]!.GetValue<string>() == "InProgress").Select(c => c!["title"]!.GetValue<string>()));
        Assert.Equal(["M-1"], columns[0]!["missions"]!.AsArray().Select(m => m!["number"]!.GetValue<string>()));
        Assert.Equal(["M-2"], columns[1]!["missions"]!.AsArray().Select(m => m!["number"]!.GetValue<string>()));
        Assert.DoesNotContain(columns.SelectMany(c => c!["missions"]!.AsArray()), m => m!["number"]!.GetValue<string>() == "M-3");
    }

    private static async Task<HttpResponseMessage> Patch(HttpClient client, string number, object body, long version)
    {
        using var request = new HttpRequestMessage(HttpMethod.Patch, $"/api/missions/{number}") { Content = JsonContent.Create(body) };
        request.Headers.IfMatch.Add(new EntityTagHeaderValue($"\"{version}\""));
        return await client.SendAsync(request);
    }

    private static async Task<HttpResponseMessage> Upload(HttpClient client, string number, byte[] bytes, string contentType, string fileName)
    {
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        form.Add(file, "file", fileName);
        return await client.PostAsync($"/api/missions/{number}/attachments", form);
    }

    private static async Task<List<string>> ColumnAsync(HttpClient client, string status)
    {
        var board = (await client.GetFromJsonAsync<JsonObject>("/api/board"))!;
        return board["columns"]!.AsArray().Single(c => c!["status"]!.GetValue<string>() == status)!["missions"]!.AsArray()
            .Select(m => m!["number"]!.GetValue<string>()).ToList();
    }

    private static async Task<Dictionary<string, string>> RanksAsync(HttpClient client)
    {
        var page = (await client.GetFromJsonAsync<JsonObject>("/api/missions?pageSize=200"))!;
        return page["items"]!.AsArray().ToDictionary(m => m!["number"]!.GetValue<string>(), m => m!["rank"]!.GetValue<string>());
    }
}
