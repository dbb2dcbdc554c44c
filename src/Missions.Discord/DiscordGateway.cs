using System.Buffers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;

namespace Missions.Discord;

/// <summary>
/// Where a Gateway session stands: enough for any host to resume it (and be sent what it missed), with who the bot is
/// there (a resumed session gets no READY to say so again).
/// </summary>
public sealed record GatewaySession(string? SessionId = null, string? ResumeUrl = null, long? Sequence = null, string? BotUserId = null, IReadOnlyList<string>? BotRoleIds = null)
{
    public bool CanResume => SessionId is not null && ResumeUrl is not null;

    public string ToJson() => JsonSerializer.Serialize(this, DiscordJson.Options);

    public static GatewaySession FromJson(string? json)
    {
        try
        {
            return json is { Length: > 0 } ? JsonSerializer.Deserialize<GatewaySession>(json, DiscordJson.Options) ?? new() : new();
        }
        catch (JsonException)
        {
            return new();
        }
    }
}

/// <summary>An event Discord dispatched (op 0): its name (<c>MESSAGE_CREATE</c>, …) and data.</summary>
public sealed record GatewayDispatch(string Type, JsonElement Data);

/// <summary>Discord closed the connection with a code after which reconnecting cannot help (4004 authentication failed, …).</summary>
public sealed class GatewayClosedException(int code, string? reason)
    : Exception($"Discord closed the Gateway with {code}{(string.IsNullOrEmpty(reason) ? "" : $" ({reason})")}; not reconnecting.")
{
    public int Code { get; } = code;
}

/// <summary>
/// Discord's Gateway over <see cref="ClientWebSocket"/>, JSON without compression: HELLO, then a heartbeat every
/// interval (the first after a random part of it), Identify with <c>GUILDS | GUILD_MESSAGES</c> (no privileged intent)
/// or Resume at the session's <c>resume_gateway_url</c> with its id and last sequence. A heartbeat not acknowledged
/// before the next one is due, RECONNECT, INVALID_SESSION and a dropped connection end the connection with a code
/// other than 1000/1001 (the session stays resumable) and connect again; INVALID_SESSION(false), 4007 and 4009 start a
/// new session after 1–5 s; 4004, 4010–4014 stop for good. Identify respects the session start limit.
/// </summary>
public sealed partial class DiscordGateway(DiscordRestClient rest, DiscordRestOptions options, ILogger logger)
{
    public const int Guilds = 1 << 0;
    public const int GuildMessages = 1 << 9;

    /// <summary>Close codes after which Discord says not to reconnect.</summary>
    private static readonly int[] Fatal = [4004, 4010, 4011, 4012, 4013, 4014];

    private GatewaySession session = new();

    public int Intents { get; init; } = Guilds | GuildMessages;

    /// <summary>The session as it stands now (changes with every event).</summary>
    public GatewaySession Session => Volatile.Read(ref session);

    /// <summary>The bot's own user id, from READY.</summary>
    public string? BotUserId => Session.BotUserId;

    /// <summary>The bot's managed roles in the guilds it is in (a mention of one is a mention of the bot).</summary>
    public IReadOnlyList<string> BotRoleIds => Session.BotRoleIds ?? [];

    private enum Next
    {
        Resume,
        Identify,
    }

    /// <summary>Connects (resuming <paramref name="from"/> when it can) and stays connected until stopped or closed for good.</summary>
    public async Task RunAsync(GatewaySession? from, Func<GatewayDispatch, CancellationToken, Task> onDispatch, CancellationToken stop)
    {
        Volatile.Write(ref session, from ?? new GatewaySession());
        Uri? gateway = null;
        var failures = 0;
        while (!stop.IsCancellationRequested)
        {
            var resuming = Session.CanResume;
            Next next;
            try
            {
                if (!resuming && gateway is null)
                {
                    gateway = await GatewayUrlAsync(stop);
                }

                var url = new Uri((resuming ? Session.ResumeUrl! : gateway!.ToString()).TrimEnd('/') + "/?v=10&encoding=json");
                (next, var established) = await ConnectionAsync(url, resuming, onDispatch, stop);
                failures = established ? 0 : failures + 1;
            }
            catch (Exception e) when (!stop.IsCancellationRequested && e is WebSocketException or IOException or HttpRequestException or JsonException or InvalidOperationException
                or DiscordApiException { Transient: true } or OperationCanceledException)
            {
                LogConnectionLost(logger, e.GetType().Name, e.Message);
                next = Next.Resume;
                failures++;
            }

            if (stop.IsCancellationRequested)
            {
                return;
            }

            if (next == Next.Identify)
            {
                Volatile.Write(ref session, new GatewaySession());
                // A random 1–5 s before identifying again, as Discord's guide once asked.
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(1000, 5000)), stop);
            }
            else if (failures > 0)
            {
                await Task.Delay(TimeSpan.FromSeconds(Math.Min(30, Math.Pow(2, failures - 1))), stop);
            }
        }
    }

    /// <summary>The Gateway's address from <c>GET /gateway/bot</c>, waiting first when no identify is left for now.</summary>
    private async Task<Uri> GatewayUrlAsync(CancellationToken stop)
    {
        var info = await rest.GetGatewayBotAsync(stop);
        var limit = info["session_start_limit"];
        if ((int?)limit?["remaining"] == 0 && (double?)limit?["reset_after"] is { } resetAfter)
        {
            LogIdentifyLimit(logger, resetAfter / 1000);
            await Task.Delay(TimeSpan.FromMilliseconds(resetAfter), stop);
        }

        return new Uri((string?)info["url"] ?? throw new JsonException("GET /gateway/bot gave no url."));
    }

    /// <summary>One connection, from HELLO to its end: what to do next, and whether the session got going (READY or RESUMED).</summary>
    private async Task<(Next Next, bool Established)> ConnectionAsync(Uri url, bool resuming, Func<GatewayDispatch, CancellationToken, Task> onDispatch, CancellationToken stop)
    {
        using var socket = new ClientWebSocket();
        await socket.ConnectAsync(url, stop);
        using var connection = CancellationTokenSource.CreateLinkedTokenSource(stop);
        using var sending = new SemaphoreSlim(1, 1);
        var established = false;

        async Task SendAsync(JsonObject payload)
        {
            var bytes = Encoding.UTF8.GetBytes(payload.ToJsonString());
            await sending.WaitAsync(connection.Token);
            try
            {
                await socket.SendAsync(bytes, WebSocketMessageType.Text, endOfMessage: true, connection.Token);
            }
            finally
            {
                sending.Release();
            }
        }

        // HELLO comes first and at once; a server that says nothing is not waited on for ever.
        Frame? hello;
        using (var helloWait = CancellationTokenSource.CreateLinkedTokenSource(connection.Token))
        {
            helloWait.CancelAfter(TimeSpan.FromSeconds(20));
            hello = await ReceiveAsync(socket, helloWait.Token);
        }

        if (hello?.Op != 10 || !hello.Value.Data.TryGetProperty("heartbeat_interval", out var intervalMs))
        {
            await CloseAsync(socket, "expected HELLO");
            return (Next.Resume, false);
        }

        var interval = TimeSpan.FromMilliseconds(intervalMs.GetDouble());
        var acked = 1;
        var heartbeat = Task.Run(async () =>
        {
            try
            {
                await Task.Delay(interval * Random.Shared.NextDouble(), connection.Token);
                while (!connection.IsCancellationRequested)
                {
                    if (Interlocked.Exchange(ref acked, 0) == 0)
                    {
                        // No ACK since the last heartbeat: the connection is a zombie. Close it (not 1000/1001) and resume.
                        LogZombie(logger);
                        await CloseAsync(socket, "heartbeat not acknowledged");
                        // A zombie will not answer the close either: end the connection here.
                        socket.Abort();
                        return;
                    }

                    await SendAsync(new JsonObject { ["op"] = 1, ["d"] = Session.Sequence });
                    await Task.Delay(interval, connection.Token);
                }
            }
            catch (Exception e) when (e is OperationCanceledException or WebSocketException or ObjectDisposedException)
            {
                // The connection ended.
            }
        }, CancellationToken.None);

        try
        {
            var current = Session;
            await SendAsync(resuming
                ? new JsonObject { ["op"] = 6, ["d"] = new JsonObject { ["token"] = options.BotToken, ["session_id"] = current.SessionId, ["seq"] = current.Sequence } }
                : new JsonObject
                {
                    ["op"] = 2,
                    ["d"] = new JsonObject
                    {
                        ["token"] = options.BotToken,
                        ["intents"] = Intents,
                        ["properties"] = new JsonObject { ["os"] = Environment.OSVersion.Platform.ToString().ToLowerInvariant(), ["browser"] = "Missions", ["device"] = "Missions" },
                    },
                });

            while (true)
            {
                var frame = await ReceiveAsync(socket, connection.Token);
                if (frame is not { } payload)
                {
                    var code = (int?)socket.CloseStatus ?? 0;
                    LogClosed(logger, code, socket.CloseStatusDescription);
                    if (Fatal.Contains(code))
                    {
                        throw new GatewayClosedException(code, socket.CloseStatusDescription);
                    }

                    return (code is 4007 or 4009 ? Next.Identify : Next.Resume, established);
                }

                if (payload.Sequence is { } sequence)
                {
                    Volatile.Write(ref session, Session with { Sequence = sequence });
                }

                switch (payload.Op)
                {
                    case 0:
                        established |= payload.Type is "READY" or "RESUMED";
                        Observe(payload.Type!, payload.Data);
                        try
                        {
                            await onDispatch(new GatewayDispatch(payload.Type!, payload.Data), stop);
                        }
                        catch (Exception e) when (e is not OperationCanceledException)
                        {
                            LogDispatchFailed(logger, e, payload.Type);
                        }

                        break;
                    case 1:
                        await SendAsync(new JsonObject { ["op"] = 1, ["d"] = Session.Sequence });
                        break;
                    case 7:
                        LogReconnect(logger);
                        await CloseAsync(socket, "reconnect requested");
                        return (Next.Resume, established);
                    case 9:
                        var resumable = payload.Data.ValueKind == JsonValueKind.True;
                        LogInvalidSession(logger, resumable);
                        await CloseAsync(socket, "invalid session");
                        return (resumable ? Next.Resume : Next.Identify, established);
                    case 11:
                        Interlocked.Exchange(ref acked, 1);
                        break;
                }
            }
        }
        finally
        {
            await connection.CancelAsync();
            await heartbeat;
        }
    }

    /// <summary>What the client itself keeps from events: the session (READY), the bot's id and its managed roles.</summary>
    private void Observe(string type, JsonElement data)
    {
        switch (type)
        {
            case "READY":
                Volatile.Write(ref session, Session with
                {
                    SessionId = data.GetProperty("session_id").GetString(),
                    ResumeUrl = data.GetProperty("resume_gateway_url").GetString(),
                    BotUserId = data.GetProperty("user").GetProperty("id").GetString(),
                });
                LogReady(logger, BotUserId);
                break;
            case "GUILD_CREATE" or "GUILD_ROLE_CREATE" or "GUILD_ROLE_UPDATE":
                var roles = type == "GUILD_CREATE" && data.TryGetProperty("roles", out var all) ? all.EnumerateArray().ToList()
                    : data.TryGetProperty("role", out var one) ? [one] : [];
                var mine = roles.Where(r => r.TryGetProperty("tags", out var tags) && tags.TryGetProperty("bot_id", out var bot) && bot.GetString() == BotUserId)
                    .Select(r => r.GetProperty("id").GetString()!).ToList();
                if (mine.Count > 0)
                {
                    Volatile.Write(ref session, Session with { BotRoleIds = [.. BotRoleIds.Union(mine, StringComparer.Ordinal)] });
                }

                break;
        }
    }

    private readonly record struct Frame(int Op, JsonElement Data, long? Sequence, string? Type);

    /// <summary>The next whole message (fragments put together), or null when the connection closed.</summary>
    private static async Task<Frame?> ReceiveAsync(ClientWebSocket socket, CancellationToken cancellationToken)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer.GetMemory(4096), cancellationToken);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return null;
            }

            buffer.Advance(result.Count);
            if (result.EndOfMessage)
            {
                break;
            }
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        var root = document.RootElement;
        return new Frame(
            root.GetProperty("op").GetInt32(),
            root.TryGetProperty("d", out var d) ? d.Clone() : default,
            root.TryGetProperty("s", out var s) && s.ValueKind == JsonValueKind.Number ? s.GetInt64() : null,
            root.TryGetProperty("t", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null);
    }

    /// <summary>Closes with 4000, never 1000/1001 (which would end the session); gives up waiting after a moment.</summary>
    private static async Task CloseAsync(ClientWebSocket socket, string why)
    {
        if (socket.State is not (WebSocketState.Open or WebSocketState.CloseReceived))
        {
            return;
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        try
        {
            await socket.CloseOutputAsync((WebSocketCloseStatus)4000, why, timeout.Token);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
        {
            socket.Abort();
        }
    }

    [LoggerMessage(EventId = 710, Level = LogLevel.Information, Message = "Discord Gateway ready as bot {BotUserId}")]
    private static partial void LogReady(ILogger logger, string? botUserId);

    [LoggerMessage(EventId = 711, Level = LogLevel.Warning, Message = "Discord Gateway connection lost ({Kind}: {Message}); resuming")]
    private static partial void LogConnectionLost(ILogger logger, string kind, string message);

    [LoggerMessage(EventId = 712, Level = LogLevel.Warning, Message = "Discord Gateway heartbeat not acknowledged; reconnecting")]
    private static partial void LogZombie(ILogger logger);

    [LoggerMessage(EventId = 713, Level = LogLevel.Information, Message = "Discord Gateway closed with {Code} ({Reason})")]
    private static partial void LogClosed(ILogger logger, int code, string? reason);

    [LoggerMessage(EventId = 714, Level = LogLevel.Information, Message = "Discord asked the Gateway to reconnect")]
    private static partial void LogReconnect(ILogger logger);

    [LoggerMessage(EventId = 715, Level = LogLevel.Information, Message = "Discord Gateway session invalid (resumable: {Resumable})")]
    private static partial void LogInvalidSession(ILogger logger, bool resumable);

    [LoggerMessage(EventId = 716, Level = LogLevel.Warning, Message = "No Discord Gateway identify left for now; waiting {Seconds} s")]
    private static partial void LogIdentifyLimit(ILogger logger, double seconds);

    [LoggerMessage(EventId = 717, Level = LogLevel.Error, Message = "Handling the Discord event {Type} failed")]
    private static partial void LogDispatchFailed(ILogger logger, Exception exception, string? type);
}
