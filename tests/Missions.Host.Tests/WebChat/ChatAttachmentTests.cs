using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Missions.Host.Data;
using Missions.Host.Tests.Infrastructure;

namespace Missions.Host.Tests.WebChat;

/// <summary>
/// Files sent into the chat with a message (Web Chat's paperclip, Direct Line's upload): attached to a mission when the
/// message says "attach M-1", each checked as the API checks an upload; otherwise not kept, and said so. Nothing is
/// left behind in the content store either way.
/// </summary>
public sealed class ChatAttachmentTests
{
    private static readonly byte[] Notes = Encoding.UTF8.GetBytes("Competitors: A, B, C.");

    [Theory, Sqlite, Postgres]
    public async Task Attach_M1_with_files_attaches_each_file_that_passes_and_says_why_for_the_others(Provider provider)
    {
        await using var app = await MissionsApp.StartAsync(provider);
        using var api = app.CreateClient();
        (await api.PostAsJsonAsync("/api/missions", new { title = "Competitor pricing", objective = "A pricing summary." })).EnsureSuccessStatusCode();
        using var chat = await DirectLineClient.StartAsync(app.CreateClient());

        var sent = await chat.SendWithFilesAsync("attach M-1", ("notes.txt", "text/plain", Notes), ("tool.exe", "application/x-msdownload", [0x4D, 0x5A, 0x90]));
        await chat.PollAsync();
        Assert.StartsWith("Attached notes.txt (21 bytes) to M-1. Not attached: tool.exe: 'application/x-msdownload' files cannot be attached. Accepted: ",
            chat.LastText(), StringComparison.Ordinal);

        // The person's message names its files in the transcript.
        Assert.Equal(["notes.txt", "tool.exe"], chat.Activity(sent)["attachments"]!.AsArray().Select(a => a!["name"]!.GetValue<string>()));

        var attachments = (await api.GetFromJsonAsync<JsonArray>("/api/missions/M-1/attachments"))!;
        var attached = Assert.Single(attachments)!;
        Assert.Equal(("notes.txt", "Alice"), (attached["fileName"]!.GetValue<string>(), attached["uploadedBy"]!.GetValue<string>()));
        Assert.Equal(Notes, await api.GetByteArrayAsync(attached["downloadUrl"]!.GetValue<string>()));
        Assert.Empty(app.ChatUploads());
    }

    [Theory, Sqlite, Postgres]
    public async Task Files_sent_with_a_request_stay_with_its_proposal_become_the_missions_when_approved_and_go_when_rejected(Provider provider)
    {
        await using var app = await MissionsApp.StartAsync(provider);
        using var chat = await DirectLineClient.StartAsync(app.CreateClient());
        using var api = app.CreateClient();

        await chat.SendWithFilesAsync("draft the partner newsletter", ("notes.txt", "text/plain", Notes));
        await chat.PollAsync();
        var card = chat.LastCard();
        Assert.Contains(DirectLineClient.Texts(card), t => t.StartsWith("Files sent with the request: notes.txt (", StringComparison.Ordinal));
        Assert.DoesNotContain(chat.Transcript, a => a["text"]?.GetValue<string>()?.StartsWith("I did not keep", StringComparison.Ordinal) == true);
        Assert.Empty(app.ChatUploads());
        await chat.ClickAsync(card, "approve");
        var attached = Assert.Single((await api.GetFromJsonAsync<JsonArray>("/api/missions/M-1/attachments"))!)!;
        Assert.Equal(("notes.txt", "Alice"), (attached["fileName"]!.GetValue<string>(), attached["uploadedBy"]!.GetValue<string>()));
        Assert.Equal(Notes, await api.GetByteArrayAsync(attached["downloadUrl"]!.GetValue<string>()));

        // Rejected: the files kept with the proposal go with it.
        await chat.SendWithFilesAsync("draft the partner newsletter for the reseller channel", ("brief.txt", "text/plain", Notes));
        await chat.PollAsync();
        var kept = await app.WithDbAsync(db => db.Attachments.AsNoTracking().SingleAsync(a => a.FileName == "brief.txt"));
        Assert.Null(kept.MissionId);
        (await api.PostAsJsonAsync($"/api/proposals/{kept.ProposalId}/reject", new { reason = "Not now" })).EnsureSuccessStatusCode();
        Assert.Equal(0, await app.WithDbAsync(db => db.Attachments.CountAsync(a => a.FileName == "brief.txt")));
        var store = app.Services.GetRequiredService<IContentStore>();
        for (var deadline = DateTime.UtcNow.AddSeconds(10); await store.OpenReadAsync(kept.StorageKey, CancellationToken.None) is { } still;)
        {
            await still.DisposeAsync();
            Assert.True(DateTime.UtcNow < deadline, "The rejected proposal's file is still stored.");
            await Task.Delay(20);
        }
    }

    [Fact]
    public async Task Files_with_anything_else_are_not_kept_and_the_message_is_handled_as_without_them()
    {
        await using var app = await MissionsApp.StartAsync(Provider.Sqlite);
        using var chat = await DirectLineClient.StartAsync(app.CreateClient());

        // A command with a file: its answer, and a word that the file was not kept.
        await chat.SendWithFilesAsync("board", ("notes.txt", "text/plain", Notes));
        await chat.PollAsync();
        Assert.Equal("I did not keep notes.txt: to attach files to a mission, send them with “attach M-12”.", chat.LastText());

        // A file sent alone: only that it was not kept (not the help an empty message gets).
        var alone = await chat.SendWithFilesAsync("", ("notes.txt", "text/plain", Notes));
        await chat.PollAsync();
        var answers = chat.Transcript.SkipWhile(a => a["id"]!.GetValue<string>() != alone).Where(a => a["from"]!["role"]!.GetValue<string>() == "bot").ToList();
        Assert.Equal("I did not keep notes.txt: to attach files to a mission, send them with “attach M-12”.", Assert.Single(answers)["text"]!.GetValue<string>());

        // "attach" a mission that does not exist: said so, nothing kept.
        await chat.SendWithFilesAsync("attach M-9", ("notes.txt", "text/plain", Notes));
        await chat.PollAsync();
        Assert.Equal("There is no mission M-9.", chat.LastText());

        // "attach M-1" with no file: where files can be added.
        (await app.CreateClient().PostAsJsonAsync("/api/missions", new { title = "Onboarding guide", objective = "A guide." })).EnsureSuccessStatusCode();
        await chat.SendAsync("attach M-1");
        await chat.PollAsync();
        Assert.StartsWith("No file came with that message.", chat.LastText(), StringComparison.Ordinal);
        Assert.EndsWith("/missions/M-1", chat.LastText(), StringComparison.Ordinal);

        Assert.Equal(0, await app.WithDbAsync(db => Task.FromResult(db.Attachments.Count())));
        Assert.Empty(app.ChatUploads());
    }

    [Fact]
    public async Task A_retried_upload_is_taken_once_and_its_second_copy_is_not_kept()
    {
        await using var app = await MissionsApp.StartAsync(Provider.Sqlite);
        (await app.CreateClient().PostAsJsonAsync("/api/missions", new { title = "Competitor pricing", objective = "A pricing summary." })).EnsureSuccessStatusCode();
        using var chat = await DirectLineClient.StartAsync(app.CreateClient());

        // Web Chat sends a post again, with the same clientActivityID, when it did not hear the answer.
        var first = (await MissionsApp.ReadOkAsync(await chat.UploadRawAsync("attach M-1", [("notes.txt", "text/plain", Notes)], clientActivityId: "c-1")))["id"]!.GetValue<string>();
        await chat.WaitForReplyAsync(first);
        var again = (await MissionsApp.ReadOkAsync(await chat.UploadRawAsync("attach M-1", [("notes.txt", "text/plain", Notes)], clientActivityId: "c-1")))["id"]!.GetValue<string>();

        Assert.Equal(first, again);
        Assert.Single(await app.CreateClient().GetFromJsonAsync<JsonArray>("/api/missions/M-1/attachments") ?? []);
        Assert.Empty(app.ChatUploads());
        await chat.PollAsync();
        Assert.Single(chat.Transcript, a => a["text"]?.GetValue<string>().StartsWith("Attached notes.txt", StringComparison.Ordinal) == true);
    }

    [Fact]
    public async Task An_upload_that_is_too_large_malformed_or_not_theirs_is_refused_and_nothing_is_stored()
    {
        await using var app = await MissionsApp.StartAsync(Provider.Sqlite, new Dictionary<string, string?> { ["Missions:Attachments:MaxBytes"] = "1000" });
        using var chat = await DirectLineClient.StartAsync(app.CreateClient());

        var large = await MissionsApp.ReadProblemAsync(await chat.UploadRawAsync("attach M-1", [("big.txt", "text/plain", new byte[1001])]), HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal("big.txt is 1,001 bytes; attachments may be at most 1,000 bytes.", large["detail"]!.GetValue<string>());

        await MissionsApp.ReadProblemAsync(await chat.UploadRawAsync("attach M-1", []), HttpStatusCode.BadRequest);

        // The message part must be a message, and not a card's submit (sent here as a plain form field, which is read too).
        using (var form = new MultipartFormDataContent())
        {
            form.Add(new StringContent("""{"type":"message","text":"attach M-1","value":{"verb":"approveProposal"}}"""), "activity");
            form.Add(new ByteArrayContent(Notes) { Headers = { ContentType = new("text/plain") } }, "file", "notes.txt");
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/v3/directline/conversations/{chat.ConversationId}/upload") { Content = form };
            request.Headers.Authorization = new("Bearer", chat.Token);
            var submit = await MissionsApp.ReadProblemAsync(await app.CreateClient().SendAsync(request), HttpStatusCode.BadRequest);
            Assert.Equal("activity", submit["field"]!.GetValue<string>());
        }

        using var other = await DirectLineClient.StartAsync(app.CreateClient(), "Mallory");
        var notTheirs = await chat.UploadRawAsync("attach M-1", [("notes.txt", "text/plain", Notes)], token: other.Token);
        Assert.Equal(HttpStatusCode.Forbidden, notTheirs.StatusCode);

        var notForm = await chat.SendRawAsync(HttpMethod.Post, $"/v3/directline/conversations/{chat.ConversationId}/upload", null);
        await MissionsApp.ReadProblemAsync(notForm, HttpStatusCode.UnsupportedMediaType);

        Assert.Empty(app.ChatUploads());
        Assert.DoesNotContain(await chat.PollAsync(), a => a["from"]!["role"]!.GetValue<string>() == "user"); // no message was taken
    }
}
