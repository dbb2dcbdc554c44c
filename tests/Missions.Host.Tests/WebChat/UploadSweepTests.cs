using Missions.Host.Tests.Infrastructure;

namespace Missions.Host.Tests.WebChat;

/// <summary>
/// Files sent into a chat that no turn took (a host stopped between storing them and queuing their message) are
/// cleared when they are a day old — at the host's start and every hour — on disk and in a blob container; nothing
/// else in the store is touched.
/// </summary>
public sealed class UploadSweepTests
{
    private static readonly byte[] Bytes = "Competitors: A, B, C."u8.ToArray();

    [Fact]
    public async Task Uploads_older_than_a_day_are_deleted_from_disk_at_start_and_nothing_else()
    {
        var database = await TestDatabase.CreateAsync(Provider.Sqlite);
        var content = Path.Combine(database.ScratchDirectory, "content");
        var old = DateTime.UtcNow.AddDays(-2);
        var stale = Write(content, "uploads/dl-1/0001", old);
        var cutShort = Write(content, "uploads/dl-1/0002.partial", old);
        var waiting = Write(content, "uploads/dl-2/0003", DateTime.UtcNow.AddHours(-1));
        var attachment = Write(content, "attachments/m1/0004", old);

        await using var app = MissionsApp.StartOn(database);
        await WaitUntilAsync(() => !File.Exists(stale) && !File.Exists(cutShort), "the day-old uploads to be deleted");

        Assert.True(File.Exists(waiting), "an upload younger than a day was deleted");
        Assert.True(File.Exists(attachment), "an attachment was deleted");
    }

    [Fact]
    public async Task Uploads_older_than_a_day_are_deleted_from_the_blob_container_and_nothing_else()
    {
        await using var blobs = await BlobService.StartAsync();
        var old = DateTimeOffset.UtcNow.AddDays(-2);
        blobs.Put("uploads/dl-1/0001", Bytes, old);
        blobs.Put("uploads/dl-2/0003", Bytes, DateTimeOffset.UtcNow.AddHours(-1));
        blobs.Put("attachments/m1/0004", Bytes, old);

        await using var app = await MissionsApp.StartAsync(Provider.Sqlite, new Dictionary<string, string?> { ["Missions:Content:BlobContainerUrl"] = blobs.ContainerUrl() });
        await WaitUntilAsync(() => !blobs.Blobs.ContainsKey("uploads/dl-1/0001"), "the day-old upload to be deleted");

        Assert.Equal(["attachments/m1/0004", "uploads/dl-2/0003"], blobs.Blobs.Keys.Order(StringComparer.Ordinal));
        Assert.Contains("GET list uploads/", blobs.Requests); // only the uploads were listed
    }

    private static string Write(string root, string key, DateTime writtenAt)
    {
        var path = Path.Combine(root, key);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, Bytes);
        File.SetLastWriteTimeUtc(path, writtenAt);
        return path;
    }

    private static async Task WaitUntilAsync(Func<bool> done, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!done())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Timed out waiting for {what}.");
            await Task.Delay(50);
        }
    }
}
