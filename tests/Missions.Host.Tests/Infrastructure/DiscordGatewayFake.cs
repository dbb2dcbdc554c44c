using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Missions.Host.Tests.Infrastructure;

/// <summary>
/// Discord's Gateway on loopback (part of <see cref="DiscordCloud"/>): HELLO, READY and GUILD_CREATE on Identify,
/// the missed events and RESUMED on Resume, heartbeat ACKs; and what a test makes happen — an event, a dropped
/// connection, RECONNECT, INVALID_SESSION, a close code — with a record of what the client sent.
/// </summary>
public sealed class DiscordGatewayFake
{
    public const string BotUserId = "999000000000000001";
    public const string BotRoleId = "999000000000000002";

    private readonly object sync = new();
    private readonly List<(long Seq, JsonObject Frame)> events = [];
    private readonly ConcurrentQueue<JsonObject> received = new();
    private WebSocket? current;
    private TaskCompletionSource? closed;
    private long sequence;
    private int sessions;

    public int HeartbeatMs { get; set; } = 250;

    /// <summary>Answer heartbeats (false: a zombie connection, which the client must notice).</summary>
    public bool AckHeartbeats { get; set; } = true;

    public string SessionId { get; private set; } = "";

    /// <summary>Every payload the client sent (identify, resume, heartbeats), in order.</summary>
    public IReadOnlyList<JsonObject> Received => received.ToArray();

    public IReadOnlyList<JsonObject> Identifies => Received.Where(f => (int)f["op"]! == 2).ToList();

    public IReadOnlyList<JsonObject> Resumes => Received.Where(f => (int)f["op"]! == 6).ToList();

    public int Connections { get; private set; }

    public bool Connected => current?.State == WebSocketState.Open;

    public async Task AcceptAsync(HttpContext http, bool resumeUrl)
    {
        if (!http.WebSockets.IsWebSocketRequest)
        {
            http.Response.StatusCode = 400;
            return;
        }

        using var socket = await http.WebSockets.AcceptWebSocketAsync();
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (sync)
        {
            current = socket;
            closed = done;
            Connections++;
        }

        await SendAsync(socket, new JsonObject { ["op"] = 10, ["d"] = new JsonObject { ["heartbeat_interval"] = HeartbeatMs }, ["s"] = null, ["t"] = null });
        var receiving = ReceiveLoopAsync(socket, http.Request.Host.ToString());
        await Task.WhenAny(receiving, done.Task);
    }

    private async Task ReceiveLoopAsync(WebSocket socket, string host)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (socket.State == WebSocketState.Open)
            {
                var result = await socket.ReceiveAsync(buffer, CancellationToken.None);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }

                var frame = JsonNode.Parse(Encoding.UTF8.GetString(buffer, 0, result.Count))!.AsObject();
                received.Enqueue(frame);
                switch ((int)frame["op"]!)
                {
                    case 1 when AckHeartbeats:
                        await SendAsync(socket, new JsonObject { ["op"] = 11 });
                        break;
                    case 2:
                        lock (sync)
                        {
                            SessionId = "session-" + (++sessions);
                            events.Clear();
                        }

                        await DispatchAsync("READY", new JsonObject
                        {
                            ["v"] = 10,
                            ["user"] = new JsonObject { ["id"] = BotUserId, ["username"] = "Missions", ["bot"] = true },
                            ["guilds"] = new JsonArray(new JsonObject { ["id"] = DiscordCloud.GuildId, ["unavailable"] = true }),
                            ["session_id"] = SessionId,
                            ["resume_gateway_url"] = $"ws://{host}/gateway-resume",
                            ["application"] = new JsonObject { ["id"] = DiscordCloud.ApplicationId },
                        });
                        await DispatchAsync("GUILD_CREATE", new JsonObject
                        {
                            ["id"] = DiscordCloud.GuildId,
                            ["roles"] = new JsonArray(
                                new JsonObject { ["id"] = DiscordCloud.GuildId, ["name"] = "@everyone" },
                                new JsonObject { ["id"] = BotRoleId, ["name"] = "Missions", ["managed"] = true, ["tags"] = new JsonObject { ["bot_id"] = BotUserId } }),
                        });
                        break;
                    case 6:
                        var d = frame["d"]!;
                        if ((string?)d["session_id"] != SessionId)
                        {
                            await SendAsync(socket, new JsonObject { ["op"] = 9, ["d"] = false });
                            break;
                        }

                        var after = (long?)d["seq"] ?? 0;
                        List<JsonObject> missed;
                        lock (sync)
                        {
                            missed = events.Where(e => e.Seq > after).Select(e => e.Frame).ToList();
                        }

                        foreach (var e in missed)
                        {
                            await SendAsync(socket, e);
                        }

                        await DispatchAsync("RESUMED", new JsonObject());
                        break;
                }
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            // dropped
        }
    }

    /// <summary>An event: numbered and kept (a resume is sent what it missed), and sent now if a client is connected.</summary>
    public async Task DispatchAsync(string type, JsonObject data)
    {
        JsonObject frame;
        WebSocket? socket;
        lock (sync)
        {
            frame = new JsonObject { ["op"] = 0, ["t"] = type, ["s"] = ++sequence, ["d"] = data };
            events.Add((sequence, frame));
            socket = current;
        }

        if (socket?.State == WebSocketState.Open)
        {
            await SendAsync(socket, frame);
        }
    }

    /// <summary>The connection lost without a close (a network failure): the session stays resumable.</summary>
    public void Drop()
    {
        lock (sync)
        {
            current?.Abort();
            current = null;
            closed?.TrySetResult();
        }
    }

    public Task SendOpAsync(int op, JsonNode? data = null) =>
        current is { State: WebSocketState.Open } socket ? SendAsync(socket, new JsonObject { ["op"] = op, ["d"] = data }) : Task.CompletedTask;

    /// <summary>Discord closes the connection with a code.</summary>
    public async Task CloseAsync(int code, string reason)
    {
        if (current is { State: WebSocketState.Open } socket)
        {
            await socket.CloseOutputAsync((WebSocketCloseStatus)code, reason, CancellationToken.None);
        }
    }

    public async Task WaitForAsync(Func<bool> condition, string what, int seconds = 20)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Gateway: timed out waiting for {what}. Received ops: {string.Join(",", Received.Select(f => (int)f["op"]!))}; connections: {Connections}.");
            }

            await Task.Delay(25);
        }
    }

    private readonly SemaphoreSlim sending = new(1, 1);

    private async Task SendAsync(WebSocket socket, JsonObject frame)
    {
        await sending.WaitAsync();
        try
        {
            await socket.SendAsync(Encoding.UTF8.GetBytes(frame.ToJsonString()), WebSocketMessageType.Text, true, CancellationToken.None);
        }
        catch (Exception e) when (e is WebSocketException or ObjectDisposedException)
        {
            // the client is gone
        }
        finally
        {
            sending.Release();
        }
    }
}
