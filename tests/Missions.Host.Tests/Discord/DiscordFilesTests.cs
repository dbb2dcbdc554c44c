using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Missions.Host.Tests.Infrastructure;

namespace Missions.Host.Tests.Discord;

/// <summary>
/// Files on Discord — on a message that mentions the bot with "attach M-1", or given to <c>/mission attach</c> — are
/// fetched from Discord's CDN and attached as an upload would be; one Discord says is too large is refused without
/// being fetched.
/// </summary>
public sealed class DiscordFilesTests
{
    private static readonly byte[] Notes = Encoding.UTF8.GetBytes("Competitors: A, B, C.");

    private static readonly Dictionary<string, string?> LocalCdn = new() { ["Missions:Attachments:ChatFileHosts:0"] = "127.0.0.1" };

    private static JsonObject Attachment(string id, string name, string contentType, long size, Uri url) => new()
    {
        ["id"] = id,
        ["filename"] = name,
        ["content_type"] = contentType,
        ["size"] = size,
        ["url"] = url.ToString(),
        ["proxy_url"] = url.ToString(),
    };

    [Fact]
    public async Task A_mention_saying_attach_M1_attaches_the_messages_files_from_the_CDN()
    {
        await using var cdn = await FileHost.StartAsync();
        await using var discord = await DiscordCloud.StartAsync();
        await using var app = await MissionsApp.StartAsync(Provider.Sqlite, discord.HostSettings(LocalCdn));
        await app.CreateMissionAsync(extra: new { workspace = DiscordCloud.Workspace });
        await discord.Gateway.WaitForAsync(() => discord.Gateway.Identifies.Count == 1 && discord.Gateway.Connected, "identify");

        var notes = new Uri(cdn.Put("attachments/1/2/notes.txt", Notes, "text/plain; charset=utf-8") + "?ex=6745&is=6744&hm=ab12"); // signed, as the CDN's links are
        var mention = new JsonObject
        {
            ["id"] = "1300000000000000001",
            ["channel_id"] = DiscordCloud.ChannelId,
            ["guild_id"] = DiscordCloud.GuildId,
            ["author"] = new JsonObject { ["id"] = "53908232506183680", ["username"] = "mason", ["global_name"] = "Mason" },
            ["member"] = new JsonObject { ["nick"] = null, ["roles"] = new JsonArray() },
            ["content"] = $"<@{DiscordGatewayFake.BotUserId}> attach M-1",
            ["mentions"] = new JsonArray(new JsonObject { ["id"] = DiscordGatewayFake.BotUserId, ["username"] = "Missions", ["bot"] = true }),
            ["mention_roles"] = new JsonArray(),
            ["attachments"] = new JsonArray(
                Attachment("11", "notes.txt", "text/plain; charset=utf-8", Notes.Length, notes),
                Attachment("12", "launch.mov", "video/quicktime", 50L * 1024 * 1024, cdn.Expired("attachments/1/3/launch.mov"))),
            ["type"] = 0,
        };
        await discord.Gateway.DispatchAsync("MESSAGE_CREATE", mention);

        var reply = (await discord.WaitForCallsAsync(c => c.Method == "POST" && (string?)c.Body?["message_reference"]?["message_id"] == "1300000000000000001")).Single();
        Assert.EndsWith("Attached notes.txt (21 bytes) to M-1. Not attached: launch.mov: The file is 52,428,800 bytes; attachments may be at most 10,485,760 bytes.",
            (string?)reply.Body!["content"], StringComparison.Ordinal);
        Assert.DoesNotContain(cdn.Requests, r => r.Contains("launch", StringComparison.Ordinal)); // too large by Discord's word: never fetched

        using var api = app.CreateClient();
        var attached = Assert.Single((await api.GetFromJsonAsync<JsonArray>("/api/missions/M-1/attachments"))!)!;
        Assert.Equal(("notes.txt", "Mason"), (attached["fileName"]!.GetValue<string>(), attached["uploadedBy"]!.GetValue<string>()));
        Assert.Equal(Notes, await api.GetByteArrayAsync(attached["downloadUrl"]!.GetValue<string>()));
        Assert.Empty(app.ChatUploads());
    }

    [Fact]
    public async Task Slash_mission_attach_attaches_the_file_given_to_it()
    {
        await using var cdn = await FileHost.StartAsync();
        await using var discord = await DiscordCloud.StartAsync();
        await using var app = await MissionsApp.StartAsync(Provider.Sqlite, discord.HostSettings(LocalCdn));
        using var client = app.CreateClient();
        await app.CreateMissionAsync(extra: new { workspace = DiscordCloud.Workspace });

        var command = DiscordCloud.Slash("attach", null, ("number", 4, JsonValue.Create(1)), ("file", 11, JsonValue.Create("1187")));
        command["data"]!["resolved"] = new JsonObject
        {
            ["attachments"] = new JsonObject { ["1187"] = Attachment("1187", "notes.txt", "text/plain", Notes.Length, cdn.Put("ephemeral-attachments/1/1187/notes.txt", Notes)) },
        };
        var (status, answer) = await discord.SendAsync(client, command);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(5, (int)answer!["type"]!); // deferred: the file is fetched after the answer

        var token = (string)command["token"]!;
        var edit = (await discord.WaitForCallsAsync(c => c.Method == "PATCH" && c.Path.EndsWith($"{token}/messages/@original", StringComparison.Ordinal))).Single();
        Assert.EndsWith("Attached notes.txt (21 bytes) to M-1.", (string?)edit.Body!["content"], StringComparison.Ordinal);
        Assert.Single((await client.GetFromJsonAsync<JsonArray>("/api/missions/M-1/attachments"))!);

        // Without a file (an old client, a forged interaction): said, nothing queued.
        var bare = DiscordCloud.Slash("attach", null, ("number", 4, JsonValue.Create(1)));
        var (_, refused) = await discord.SendAsync(client, bare);
        Assert.Contains("/mission attach number: 12", refused!.ToJsonString(), StringComparison.Ordinal);
    }
}
