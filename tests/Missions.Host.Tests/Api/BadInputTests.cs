using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Missions.Host.Tests.Infrastructure;

namespace Missions.Host.Tests.Api;

/// <summary>Every bad input gets a problem document that names what was wrong, and changes nothing.</summary>
public sealed class BadInputTests
{
    [Theory, Sqlite, Postgres]
    public async Task Bad_bodies_are_refused_with_the_field_named_and_nothing_is_stored(Provider provider)
    {
        await using var app = await MissionsApp.StartAsync(provider);
        using var client = app.CreateClient();

        var unknown = await MissionsApp.ReadProblemAsync(await Post(client, "/api/missions", """{"title":"T","objective":"O","colour":"red"}"""), HttpStatusCode.BadRequest);
        Assert.Equal("colour", unknown["field"]!.GetValue<string>());
        Assert.Contains("not a field", unknown["detail"]!.GetValue<string>(), StringComparison.Ordinal);

        var wrongType = await MissionsApp.ReadProblemAsync(await Post(client, "/api/missions", """{"title":5,"objective":"O"}"""), HttpStatusCode.BadRequest);
        Assert.Equal("title", wrongType["field"]!.GetValue<string>());
        Assert.NotNull(wrongType["errors"]!["title"]);

        var badDate = await MissionsApp.ReadProblemAsync(await Post(client, "/api/missions", """{"title":"T","objective":"O","dueDate":"next tuesday"}"""), HttpStatusCode.BadRequest);
        Assert.Equal("dueDate", badDate["field"]!.GetValue<string>());

        var badGuid = await MissionsApp.ReadProblemAsync(await Post(client, "/api/missions", """{"title":"T","objective":"O","assigneeId":"bob"}"""), HttpStatusCode.BadRequest);
        Assert.Equal("assigneeId", badGuid["field"]!.GetValue<string>());

        var unknownStaff = await MissionsApp.ReadProblemAsync(await Post(client, "/api/missions", $$"""{"title":"T","objective":"O","assigneeId":"{{Guid.NewGuid()}}"}"""), HttpStatusCode.BadRequest);
        Assert.Equal("assigneeId", unknownStaff["field"]!.GetValue<string>());

        var malformed = await MissionsApp.ReadProblemAsync(await Post(client, "/api/missions", """{"title":"T","""), HttpStatusCode.BadRequest);
        Assert.Equal("body", malformed["field"]!.GetValue<string>());
        Assert.StartsWith("The body is not valid JSON (line 1, position", malformed["detail"]!.GetValue<string>(), StringComparison.Ordinal);

        // A field given twice (or twice in another case) is never read one way by a proxy and another by the host.
        foreach (var (body, field) in new[] { ("""{"title":"a","objective":"O","title":"b"}""", "title"), ("""{"title":"a","objective":"O","Objective":"P"}""", "Objective") })
        {
            var twice = await MissionsApp.ReadProblemAsync(await Post(client, "/api/missions", body), HttpStatusCode.BadRequest);
            Assert.Equal(field, twice["field"]!.GetValue<string>());
            Assert.Equal($"'{field}' is given more than once; send each field once.", twice["detail"]!.GetValue<string>());
        }

        var missing = await MissionsApp.ReadProblemAsync(await Post(client, "/api/missions", """{"title":"T"}"""), HttpStatusCode.BadRequest);
        Assert.Equal("objective", missing["field"]!.GetValue<string>());

        var longTitle = await MissionsApp.ReadProblemAsync(await Post(client, "/api/missions", $$"""{"title":"{{new string('x', 201)}}","objective":"O"}"""), HttpStatusCode.BadRequest);
        Assert.Equal("title", longTitle["field"]!.GetValue<string>());

        var huge = await MissionsApp.ReadProblemAsync(await Post(client, "/api/missions", $$"""{"title":"T","objective":"{{new string('x', 300_000)}}"}"""), HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal("body", huge["field"]!.GetValue<string>());

        var notJson = await client.PostAsync("/api/missions", new StringContent("title=T", Encoding.UTF8, "application/x-www-form-urlencoded"));
        Assert.Equal("Send the body as application/json.", (await MissionsApp.ReadProblemAsync(notJson, HttpStatusCode.UnsupportedMediaType))["detail"]!.GetValue<string>());

        var page = await MissionsApp.ReadProblemAsync(await client.GetAsync("/api/missions?page=0"), HttpStatusCode.BadRequest);
        Assert.Equal("page", page["field"]!.GetValue<string>());
        var pageType = await MissionsApp.ReadProblemAsync(await client.GetAsync("/api/missions?pageSize=lots"), HttpStatusCode.BadRequest);
        Assert.Equal("pageSize", pageType["field"]!.GetValue<string>());
        var status = await MissionsApp.ReadProblemAsync(await client.GetAsync("/api/missions?status=sideways"), HttpStatusCode.BadRequest);
        Assert.Equal("status", status["field"]!.GetValue<string>());

        Assert.Equal(0, await app.WithDbAsync(async db => db.Missions.Count()));
        Assert.Equal(0, await app.WithDbAsync(async db => db.ActivityEntries.Count()));
    }

    [Theory, Sqlite, Postgres]
    public async Task Unknown_missions_and_stale_versions(Provider provider)
    {
        await using var app = await MissionsApp.StartAsync(provider);
        using var client = app.CreateClient();
        await app.CreateMissionAsync();

        var unknown = await MissionsApp.ReadProblemAsync(await client.GetAsync("/api/missions/M-404"), HttpStatusCode.NotFound);
        Assert.Contains("M-404", unknown["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        await MissionsApp.ReadProblemAsync(await MissionsApp.TransitionAsync(client, "M-404", "InProgress"), HttpStatusCode.NotFound);
        await MissionsApp.ReadProblemAsync(await client.GetAsync("/api/missions/M-404/activity"), HttpStatusCode.NotFound);
        await MissionsApp.ReadProblemAsync(await client.PostAsJsonAsync("/api/missions/M-404/comments", new { text = "hi" }), HttpStatusCode.NotFound);
        var notANumber = await MissionsApp.ReadProblemAsync(await client.GetAsync("/api/missions/banana"), HttpStatusCode.BadRequest);
        Assert.Equal("number", notANumber["field"]!.GetValue<string>());

        var stale = await MissionsApp.ReadProblemAsync(await MissionsApp.TransitionAsync(client, "M-1", "InProgress", version: 7), HttpStatusCode.Conflict);
        Assert.Equal(1, stale["currentVersion"]!.GetValue<long>());
        using var badTag = new HttpRequestMessage(HttpMethod.Patch, "/api/missions/M-1") { Content = JsonContent.Create(new { title = "x" }) };
        badTag.Headers.TryAddWithoutValidation("If-Match", "\"seven\"");
        var tag = await MissionsApp.ReadProblemAsync(await client.SendAsync(badTag), HttpStatusCode.BadRequest);
        Assert.Equal("If-Match", tag["field"]!.GetValue<string>());

        var mission = await MissionsApp.ReadOkAsync(await client.GetAsync("/api/missions/M-1"));
        Assert.Equal("Backlog", mission["status"]!.GetValue<string>());
        Assert.Equal(1, mission["version"]!.GetValue<long>());
    }

    private static Task<HttpResponseMessage> Post(HttpClient client, string path, string json)
    {
        var content = new StringContent(json, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return client.PostAsync(path, content);
    }

    [Fact]
    public async Task A_page_past_what_an_offset_can_hold_is_refused_not_answered_with_page_one()
    {
        await using var app = await MissionsApp.StartAsync(Provider.Sqlite);
        using var client = app.CreateClient();
        await app.CreateMissionAsync();

        var far = await MissionsApp.ReadProblemAsync(await client.GetAsync("/api/missions?page=2147483647&pageSize=200"), HttpStatusCode.BadRequest);
        Assert.Equal("page", far["field"]!.GetValue<string>());
        // The last page an offset can reach still answers (empty, as any page past the end).
        var last = await MissionsApp.ReadOkAsync(await client.GetAsync($"/api/missions?page={int.MaxValue / 200 + 1}&pageSize=200"));
        Assert.Empty(last["items"]!.AsArray());
    }

    [Fact]
    public async Task Control_and_direction_characters_are_taken_out_of_titles_names_and_file_names()
    {
        await using var app = await MissionsApp.StartAsync(Provider.Sqlite);
        using var client = app.CreateClient();

        var created = await app.CreateMissionAsync("Pay \u202Eecivni\u202C the \u0007 vendor\u200B\u001B[31m", "Line one\nline two\u202E\u0000 kept apart");
        Assert.Equal("Pay ecivni the vendor[31m", created["title"]!.GetValue<string>());
        Assert.Equal("Line one\nline two kept apart", created["objective"]!.GetValue<string>());

        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent("notes"u8.ToArray());
        file.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("text/plain");
        form.Add(file, "file", "evil\u202Etxt.exe");
        var attached = await MissionsApp.ReadOkAsync(await client.PostAsync("/api/missions/M-1/attachments", form), HttpStatusCode.Created);
        Assert.Equal("eviltxt.exe", attached["fileName"]!.GetValue<string>());

        var staff = await MissionsApp.ReadOkAsync(await client.PostAsJsonAsync("/api/staff", new { name = "Re\u200Dsearcher\u202E 2", role = "Research" }), HttpStatusCode.Created);
        Assert.Equal("Researcher 2", staff["name"]!.GetValue<string>());
    }
}
