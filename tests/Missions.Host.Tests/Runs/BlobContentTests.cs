using System.Net;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Missions.Host.Tests.Infrastructure;

namespace Missions.Host.Tests.Runs;

/// <summary>With a Blob Storage container configured, attachments and artifacts live there, behind the same links.</summary>
public sealed class BlobContentTests
{
    [Fact]
    public async Task Attachments_and_artifacts_are_stored_in_the_blob_container_and_served_through_signed_links()
    {
        await using var blobs = await BlobService.StartAsync();
        await using var app = await MissionsApp.StartOnLoopbackAsync(Provider.Sqlite, new Dictionary<string, string?> { ["Missions:Content:BlobContainerUrl"] = blobs.ContainerUrl() });
        using var api = new HttpClient { BaseAddress = app.BaseAddress };
        await app.CreateMissionAsync();
        using (var form = new MultipartFormDataContent())
        {
            form.Add(new ByteArrayContent(Encoding.UTF8.GetBytes("Competitor A: 10 per seat.")) { Headers = { ContentType = new("text/plain") } }, "file", "prices.txt");
            Assert.Equal(HttpStatusCode.Created, (await api.PostAsync("/api/missions/M-1/attachments", form)).StatusCode);
        }

        var run = await ArtifactLinkTests.RunToEndAsync(api, "M-1");
        Assert.Equal("Succeeded", run["status"]!.GetValue<string>());

        var artifacts = await app.WithDbAsync(db => db.Artifacts.AsNoTracking().OrderBy(a => a.Name).ToListAsync());
        Assert.Equal(2, artifacts.Count);
        foreach (var artifact in artifacts)
        {
            Assert.True(blobs.Blobs.ContainsKey(artifact.StorageKey), $"{artifact.StorageKey} is not in the container");
            Assert.Equal(artifact.Size, blobs.Blobs[artifact.StorageKey].Length);
        }

        var attachment = await app.WithDbAsync(db => db.Attachments.AsNoTracking().SingleAsync());
        Assert.Equal("Competitor A: 10 per seat.", Encoding.UTF8.GetString(blobs.Blobs[attachment.StorageKey]));
        Assert.Contains(blobs.Requests, r => r.StartsWith("GET " + attachment.StorageKey, StringComparison.Ordinal)); // read back for the run's context

        // The PDF through its signed link: the bytes come from the container.
        using var browser = new HttpClient();
        var pdf = await browser.GetAsync(run["artifacts"]![1]!["url"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, pdf.StatusCode);
        Assert.Equal(blobs.Blobs[artifacts[1].StorageKey], await pdf.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task A_container_that_refuses_the_signature_fails_the_run_with_the_reason()
    {
        await using var blobs = await BlobService.StartAsync();
        await using var app = await MissionsApp.StartOnLoopbackAsync(Provider.Sqlite, new Dictionary<string, string?>
        {
            ["Missions:Content:BlobContainerUrl"] = blobs.ContainerUrl("expired-signature"),
            ["Missions:Runs:MaxAttempts"] = "1",
        });
        using var api = new HttpClient { BaseAddress = app.BaseAddress };
        await app.CreateMissionAsync();

        var run = await ArtifactLinkTests.RunToEndAsync(api, "M-1");
        Assert.Equal("Failed", run["status"]!.GetValue<string>());
        Assert.Contains("403 AuthenticationFailed", run["error"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Empty(blobs.Blobs);
        Assert.Equal(0, await app.WithDbAsync(db => db.Artifacts.CountAsync()));
    }
}
