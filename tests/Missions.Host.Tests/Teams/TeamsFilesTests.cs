using Microsoft.EntityFrameworkCore;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Missions.Host.Tests.Infrastructure;

namespace Missions.Host.Tests.Teams;

/// <summary>
/// Files sent to the bot in a one-to-one Teams chat (the manifest's <c>supportsFiles</c>): Teams keeps them in the
/// sender's OneDrive and sends a short-lived download link; "attach M-1" fetches each from there and attaches it as an
/// upload would be; a link that has expired or points anywhere but a file host is named with the reason.
/// </summary>
public sealed class TeamsFilesTests
{
    private static readonly byte[] Notes = Encoding.UTF8.GetBytes("Competitors: A, B, C.");

    private static JsonObject FileInfo(string name, Uri downloadUrl) => new()
    {
        ["contentType"] = "application/vnd.microsoft.teams.file.download.info",
        ["contentUrl"] = "https://contoso.sharepoint.com/personal/alice_contoso_com/Documents/Microsoft Teams Chat Files/" + name,
        ["name"] = name,
        ["content"] = new JsonObject { ["downloadUrl"] = downloadUrl.ToString(), ["uniqueId"] = Guid.NewGuid().ToString(), ["fileType"] = Path.GetExtension(name).TrimStart('.') },
    };

    /// <summary>The host as a Teams bot, fetching files from this machine's loopback file host as from OneDrive.</summary>
    private static async Task<(BotFrameworkCloud Cloud, MissionsApp App, HttpClient Http, TeamsChannel Teams)> StartAsync(string fetchTimeout = "00:01:00")
    {
        var cloud = await BotFrameworkCloud.StartAsync();
        var app = await MissionsApp.StartOnLoopbackAsync(Provider.Sqlite, cloud.HostSettings(new Dictionary<string, string?>
        {
            ["Missions:Attachments:ChatFileHosts:0"] = "127.0.0.1",
            ["Missions:Attachments:ChatFileTimeout"] = fetchTimeout,
        }), cloud.Configure);
        var http = new HttpClient { BaseAddress = app.BaseAddress };
        return (cloud, app, http, new TeamsChannel(cloud, http));
    }

    [Fact]
    public async Task Attach_M1_with_files_fetches_each_from_its_download_link_and_says_why_for_those_it_could_not_have()
    {
        await using var files = await FileHost.StartAsync();
        var (cloud, app, http, teams) = await StartAsync();
        await using var _ = cloud;
        await using var __ = app;
        using var ___ = http;
        await app.CreateMissionAsync(extra: new { workspace = BotFrameworkCloud.Workspace });

        files.Put("drive/notes.txt", Notes); // served as octet-stream, as OneDrive does: the type comes from the name
        var message = teams.Message(TeamsChannel.PersonalChat, "attach M-1");
        message["attachments"] = new JsonArray(
            FileInfo("notes.txt", files.Redirect("download/notes", "drive/notes.txt")),
            FileInfo("report.pdf", files.Expired("download/report")),
            FileInfo("secrets.txt", new Uri("http://10.11.12.13/download/secrets")),
            new JsonObject { ["contentType"] = "text/html", ["content"] = "<p>attach M-1</p>" });
        await teams.PostAsync(message);

        var reply = (await cloud.WaitForCallsAsync(c => c.Text?.Contains("to M-1", StringComparison.Ordinal) == true)).Single();
        Assert.Equal(
            "Attached notes.txt (21 bytes) to M-1. Not attached: report.pdf: it could not be fetched (403 Forbidden); links to files expire, so send it again. " +
            "secrets.txt: it is kept at 10.11.12.13, which is not a file host of Teams or Discord, so I did not fetch it.",
            reply.Text);

        var attached = Assert.Single((await http.GetFromJsonAsync<JsonArray>("/api/missions/M-1/attachments"))!)!;
        Assert.Equal(("notes.txt", "text/plain", "Alice"), (attached["fileName"]!.GetValue<string>(), attached["contentType"]!.GetValue<string>(), attached["uploadedBy"]!.GetValue<string>()));
        Assert.Equal(Notes, await http.GetByteArrayAsync(attached["downloadUrl"]!.GetValue<string>()));
        Assert.Empty(app.ChatUploads());
    }

    [Fact]
    public async Task Files_that_take_too_long_are_named_and_the_ones_fetched_by_then_are_attached()
    {
        await using var files = await FileHost.StartAsync();
        var (cloud, app, http, teams) = await StartAsync(fetchTimeout: "00:00:01");
        await using var _ = cloud;
        await using var __ = app;
        using var ___ = http;
        await app.CreateMissionAsync(extra: new { workspace = BotFrameworkCloud.Workspace });

        var message = teams.Message(TeamsChannel.PersonalChat, "attach M-1");
        message["attachments"] = new JsonArray(
            FileInfo("notes.txt", files.Put("drive/notes.txt", Notes)),
            FileInfo("minutes.txt", files.Slow("drive/minutes.txt", Notes, TimeSpan.FromSeconds(30))),
            FileInfo("agenda.txt", files.Put("drive/agenda.txt", Notes)));
        await teams.PostAsync(message);

        var reply = (await cloud.WaitForCallsAsync(c => c.Text?.Contains("to M-1", StringComparison.Ordinal) == true)).Single();
        Assert.Equal("Attached notes.txt (21 bytes) to M-1. Not attached: minutes.txt: fetching it took too long; send it again. " +
            "agenda.txt: fetching it took too long; send it again.", reply.Text);
        Assert.Single((await http.GetFromJsonAsync<JsonArray>("/api/missions/M-1/attachments"))!);
        Assert.Empty(app.ChatUploads());
    }

    [Fact]
    public async Task An_image_pasted_into_attach_M1_is_read_from_the_Connector_with_the_bots_token()
    {
        var (cloud, app, http, teams) = await StartAsync();
        await using var _ = cloud;
        await using var __ = app;
        using var ___ = http;
        await app.CreateMissionAsync(extra: new { workspace = BotFrameworkCloud.Workspace });

        byte[] png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52];
        var message = teams.Message(TeamsChannel.PersonalChat, "attach M-1");
        var contentUrl = cloud.PutAttachment("0-eus-d1-5c2f", png, "image/png");
        message["attachments"] = new JsonArray(
            new JsonObject { ["contentType"] = "image/*", ["contentUrl"] = contentUrl.ToString() }, // Teams says no more than that
            new JsonObject { ["contentType"] = "text/html", ["content"] = $"<div><div>attach M-1</div><div><img src=\"{contentUrl}\"></div></div>" });
        await teams.PostAsync(message);

        var reply = (await cloud.WaitForCallsAsync(c => c.Text?.Contains("to M-1", StringComparison.Ordinal) == true)).Single();
        Assert.Equal("Attached image.png (16 bytes) to M-1.", reply.Text);
        var fetch = Assert.Single(cloud.Calls, c => c.Path.Contains("/v3/attachments/", StringComparison.Ordinal));
        Assert.StartsWith("Bearer connector-token-", fetch.Authorization, StringComparison.Ordinal);
        var attached = Assert.Single((await http.GetFromJsonAsync<JsonArray>("/api/missions/M-1/attachments"))!)!;
        Assert.Equal("image/png", attached["contentType"]!.GetValue<string>());
        Assert.Equal(png, await http.GetByteArrayAsync(attached["downloadUrl"]!.GetValue<string>()));
    }

    [Fact]
    public async Task A_pasted_image_kept_anywhere_but_the_conversations_own_Connector_gets_no_token()
    {
        await using var elsewhere = await FileHost.StartAsync();
        var (cloud, app, http, teams) = await StartAsync();
        await using var _ = cloud;
        await using var __ = app;
        using var ___ = http;
        await app.CreateMissionAsync(extra: new { workspace = BotFrameworkCloud.Workspace });

        // Another conversation's service URL, which the host trusts: an activity came from it with a valid token.
        var other = teams.Message("a:1another-conversation", "hello");
        other["serviceUrl"] = elsewhere.Address.ToString();
        Assert.Equal(System.Net.HttpStatusCode.OK, (await teams.PostAsync(other)).StatusCode);

        // An "image" in this conversation's message that is kept there, not by this conversation's Connector.
        byte[] png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52];
        var message = teams.Message(TeamsChannel.PersonalChat, "attach M-1");
        message["attachments"] = new JsonArray(new JsonObject { ["contentType"] = "image/*", ["contentUrl"] = elsewhere.Put("v3/attachments/x/views/original", png, "image/png").ToString() });
        await teams.PostAsync(message);

        var reply = (await cloud.WaitForCallsAsync(c => c.Text?.Contains("to M-1", StringComparison.Ordinal) == true)).Single();
        Assert.StartsWith("Nothing was attached to M-1.", reply.Text, StringComparison.Ordinal);
        Assert.Contains("not by this conversation's Bot Connector", reply.Text, StringComparison.Ordinal);
        Assert.Empty(elsewhere.Requests); // the bot's token never went there
        Assert.Empty((await http.GetFromJsonAsync<JsonArray>("/api/missions/M-1/attachments"))!);
    }

    [Fact]
    public async Task Files_sent_with_a_request_are_kept_with_its_proposal_and_with_anything_else_are_not_fetched()
    {
        await using var files = await FileHost.StartAsync();
        var (cloud, app, http, teams) = await StartAsync();
        await using var _ = cloud;
        await using var __ = app;
        using var ___ = http;

        // With a request: fetched, and kept with the proposal (its card names it).
        var request = teams.Message(TeamsChannel.PersonalChat, "draft the partner newsletter");
        request["attachments"] = new JsonArray(FileInfo("notes.txt", files.Put("drive/notes.txt", Notes)));
        await teams.PostAsync(request);
        var card = Assert.Single(await cloud.WaitForCallsAsync(c => c.Card is not null));
        Assert.Contains("Files sent with the request: notes.txt (", card.Card!.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal("notes.txt", await app.WithDbAsync(db => db.Attachments.Where(a => a.ProposalId != null).Select(a => a.FileName).SingleAsync()));
        var fetched = files.Requests.Count;
        Assert.True(fetched > 0);

        // With any other command: not fetched, and said so.
        var other = teams.Message(TeamsChannel.PersonalChat, "board");
        other["attachments"] = new JsonArray(FileInfo("other.txt", files.Put("drive/other.txt", Notes)));
        await teams.PostAsync(other);
        var said = (await cloud.WaitForCallsAsync(c => c.Text?.StartsWith("I did not keep", StringComparison.Ordinal) == true)).Single();
        Assert.Equal("I did not keep other.txt: to attach files to a mission, send them with “attach M-12”.", said.Text);
        Assert.Equal(fetched, files.Requests.Count);
    }
}
