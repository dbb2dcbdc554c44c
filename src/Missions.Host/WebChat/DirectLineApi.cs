using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Missions.Host.Conversations;
using Missions.Host.Data;
using Missions.Host.Missions;
using Missions.Host.Web;

namespace Missions.Host.WebChat;

/// <summary>
/// The Direct Line 3.0 endpoints Bot Framework Web Chat uses: tokens (generate, refresh), start conversation,
/// reconnect, get activities by watermark, post activity. Errors follow Direct Line: 401/403 for a missing, bad or
/// expired token (Web Chat reads 403 as "token expired"), 404 for an unknown conversation. The poll never runs bot
/// logic, so a bad turn cannot make it fail (one 5xx stops Web Chat polling for good).
/// </summary>
public static class DirectLineApi
{
    public const long MaxActivityBytes = 256 * 1024;

    public static IHostApplicationBuilder AddWebChat(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<WebChatOptions>().BindConfiguration(WebChatOptions.Section)
            .Validate(o => o.TokenLifetimeMinutes is > 0 and <= 24 * 60, "Missions:WebChat:TokenLifetimeMinutes must be 1 to 1440.")
            .Validate(o => o.MaxActivitiesPerPoll is > 0 and <= 1000, "Missions:WebChat:MaxActivitiesPerPoll must be 1 to 1000.")
            .Validate(o => o.PollWait >= TimeSpan.Zero && o.PollWait <= TimeSpan.FromSeconds(20), "Missions:WebChat:PollWait must be 0 to 20 seconds.")
            .Validate(o => StartupValidation.IsKeyOrEmpty(o.TokenKey), "Missions:WebChat:TokenKey must be base64 of at least 32 bytes.")
            .ValidateOnStart();
        builder.Services.AddSingleton<DirectLineTokens>();
        builder.Services.AddSingleton<WebChatTranscript>();
        builder.Services.AddSingleton<TranscriptSignals>();
        builder.Services.AddSingleton<Outbox.IOutboxTransport>(sp => sp.GetRequiredService<WebChatTranscript>());
        builder.Services.AddScoped<WebChatChannel>();
        builder.Services.AddKeyedScoped<IChannelAdapter>(WebChatTranscript.Channel, (sp, _) => sp.GetRequiredService<WebChatChannel>());
        return builder;
    }

    public static WebApplication MapWebChat(this WebApplication app)
    {
        if (!app.Services.GetRequiredService<IOptions<WebChatOptions>>().Value.Enabled)
        {
            return app;
        }

        WebChatPage.Map(app);
        // Direct Line's stream (streamUrl): Web Chat's default transport, the activities pushed as they are written.
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(30) });
        var directLine = app.MapGroup("/v3/directline")
            .WithTags("Direct Line")
            .WithMetadata(new RequestSizeLimitAttribute(MaxActivityBytes))
            .UseOneConnectionPerRequest();

        directLine.MapPost("/tokens/generate", async (HttpContext http, DirectLineTokens tokens, WebChatChannel turns, IOptions<WebChatOptions> options, [FromQuery] string? resume, CancellationToken ct) =>
        {
            if (!MaySecretCall(http, options.Value))
            {
                return Error(StatusCodes.Status403Forbidden, "Forbidden", "Send the Direct Line secret as a bearer token (callers on this machine need none when no secret is set).");
            }

            // The caller vouches for the user (it holds the secret, or is on this machine): { "user": { "id", "name" } }.
            var (user, problem) = await UserOfAsync(http, ct);
            if (problem is not null)
            {
                return problem;
            }

            // The local page keeps its conversation across reloads and restarts by asking to resume it.
            var conversationId = resume is not null && await turns.ConversationExistsAsync(resume, ct)
                ? resume
                : await turns.StartConversationAsync(ct);
            var userId = user?.Id ?? UserFor(conversationId);
            var userName = user?.Name ?? DefaultUserName;
            return Results.Json(new { conversationId, token = tokens.Issue(conversationId, userId, userName), expires_in = tokens.LifetimeSeconds, userId });
        });

        directLine.MapPost("/tokens/refresh", (HttpContext http, DirectLineTokens tokens) =>
        {
            var (claims, failure) = Authenticate(http, tokens);
            return failure ?? TokenResponse(tokens, claims!);
        });

        directLine.MapPost("/conversations", async (HttpContext http, DirectLineTokens tokens, WebChatChannel turns, IOptions<WebChatOptions> options, CancellationToken ct) =>
        {
            if (IsSecret(http, options.Value))
            {
                // Started with the secret (a page's own server, as Direct Line allows): the conversation's token and its stream.
                var started = await turns.StartConversationAsync(ct);
                return StreamResponse(http, tokens, new DirectLineClaims(started, UserFor(started), DefaultUserName, default), null, StatusCodes.Status201Created);
            }

            var (claims, failure) = Authenticate(http, tokens);
            if (failure is not null)
            {
                return failure;
            }

            if (!await turns.ConversationExistsAsync(claims!.ConversationId, ct))
            {
                return Error(StatusCodes.Status404NotFound, "Not found", "The conversation has ended or never existed.");
            }

            return StreamResponse(http, tokens, claims, null, StatusCodes.Status201Created);
        });

        // Reconnecting (a dropped stream): a fresh token and the stream from the watermark the client has.
        directLine.MapGet("/conversations/{conversationId}", async (string conversationId, [FromQuery] string? watermark, HttpContext http, DirectLineTokens tokens, WebChatChannel turns, CancellationToken ct) =>
        {
            var (claims, failure) = Authenticate(http, tokens, conversationId);
            if (failure is not null)
            {
                return failure;
            }

            return await turns.ConversationExistsAsync(conversationId, ct)
                ? StreamResponse(http, tokens, claims!, watermark, StatusCodes.Status200OK)
                : Error(StatusCodes.Status404NotFound, "Not found", "The conversation has ended or never existed.");
        });

        // The stream is outside the group: it must not hold the request's database connection for its whole life.
        app.Map("/v3/directline/conversations/{conversationId}/stream", async (string conversationId, [FromQuery] string? watermark, HttpContext http, DirectLineTokens tokens, WebChatChannel turns, TranscriptSignals signals, IOptions<WebChatOptions> options, IHostApplicationLifetime lifetime) =>
        {
            var (_, failure) = Authenticate(http, tokens, conversationId, tokenInQuery: true);
            if (failure is not null)
            {
                return failure;
            }

            if (!http.WebSockets.IsWebSocketRequest)
            {
                return Error(StatusCodes.Status400BadRequest, "WebSocket expected", "Open the streamUrl with a WebSocket.");
            }

            if (!await turns.ConversationExistsAsync(conversationId, http.RequestAborted))
            {
                return Error(StatusCodes.Status404NotFound, "Not found", "The conversation has ended or never existed.");
            }

            var after = long.TryParse(watermark, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var w) ? w : 0;
            using var socket = await http.WebSockets.AcceptWebSocketAsync();
            using var stopping = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, lifetime.ApplicationStopping);
            await StreamAsync(socket, conversationId, after, turns, signals, options.Value.MaxActivitiesPerPoll, stopping.Token);
            return Results.Empty;
        }).ExcludeFromDescription();

        directLine.MapGet("/conversations/{conversationId}/activities", async (string conversationId, [FromQuery] string? watermark, HttpContext http, DirectLineTokens tokens, WebChatChannel turns, TranscriptSignals signals, IOptions<WebChatOptions> options, MissionsDbContext db, CancellationToken ct) =>
        {
            var (_, failure) = Authenticate(http, tokens, conversationId);
            if (failure is not null)
            {
                return failure;
            }

            // A watermark we did not issue is read as "from the start", as Direct Line does; never a 5xx.
            var after = long.TryParse(watermark, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var w) ? w : 0;
            List<DirectLineQueries.TranscriptRow> rows;
            using (var written = signals.Watch(conversationId))
            {
                rows = await turns.TranscriptAsync(conversationId, after, options.Value.MaxActivitiesPerPoll, ct);
                if (rows.Count == 0 && after > 0 && options.Value.PollWait > TimeSpan.Zero && await WaitForAnswerAsync(db, written, options.Value.PollWait, ct))
                {
                    // The bot's answer was just written: return it now rather than at the next poll.
                    rows = await turns.TranscriptAsync(conversationId, after, options.Value.MaxActivitiesPerPoll, ct);
                }
            }

            if (rows.Count == 0 && after == 0 && !await turns.ConversationExistsAsync(conversationId, ct))
            {
                return Error(StatusCodes.Status404NotFound, "Not found", "The conversation has ended or never existed.");
            }

            // The activities are stored as the JSON that was sent: written as they are, without parsing them again.
            return Results.Text(ActivitySet(rows, after), "application/json; charset=utf-8");
        });

        directLine.MapPost("/conversations/{conversationId}/activities", async (string conversationId, HttpContext http, DirectLineTokens tokens, WebChatChannel turns, CancellationToken ct) =>
        {
            var (claims, failure) = Authenticate(http, tokens, conversationId);
            if (failure is not null)
            {
                return failure;
            }

            var (activity, problem) = await JsonInput.ReadObjectAsync(http.Request.Body, ct);
            if (activity is null)
            {
                return Error(StatusCodes.Status400BadRequest, "Invalid activity", problem + " Send one activity as a JSON object.", "body");
            }

            if (activity["type"] is not JsonValue type || type.GetValueKind() != JsonValueKind.String)
            {
                return Error(StatusCodes.Status400BadRequest, "Invalid activity", "The activity needs a \"type\".", "type");
            }

            if (activity["text"] is JsonNode text && text.GetValueKind() != JsonValueKind.String)
            {
                return Error(StatusCodes.Status400BadRequest, "Invalid activity", "\"text\" must be a string.", "text");
            }

            return await turns.PostAsync(conversationId, claims!, activity, ct) is { } id
                ? Results.Json(new { id })
                : Error(StatusCodes.Status404NotFound, "Not found", "The conversation has ended or never existed.");
        });

        // A message with files (Web Chat's paperclip): the form's "activity" part is the message, every other part a
        // file. The files are kept until the message's turn attaches them to a mission ("attach M-12") or discards them.
        directLine.MapPost("/conversations/{conversationId}/upload", async (string conversationId, HttpContext http, DirectLineTokens tokens, WebChatChannel turns, AttachmentService attachments, IContentStore store, CancellationToken ct) =>
        {
            var (claims, failure) = Authenticate(http, tokens, conversationId);
            if (failure is not null)
            {
                return failure;
            }

            if (!http.Request.HasFormContentType)
            {
                return Error(StatusCodes.Status415UnsupportedMediaType, "Unsupported Media Type", "Send the message and its files as multipart/form-data.", "body");
            }

            var form = await http.Request.ReadFormAsync(ct);
            var activity = new JsonObject { ["type"] = "message" };
            // Web Chat sends the activity as a part of its own (a blob); a plain form field is read the same way.
            var part = form.Files.GetFile("activity");
            var field = form.TryGetValue("activity", out var value) ? value.ToString() : null;
            if (part is not null || field is not null)
            {
                await using var json = part?.OpenReadStream() ?? new MemoryStream(Encoding.UTF8.GetBytes(field!));
                var (read, problem) = await JsonInput.ReadObjectAsync(json, ct);
                if (read is null || (read["type"] as JsonValue)?.ToString() != "message" || read["text"] is JsonNode t && t.GetValueKind() != JsonValueKind.String || read["value"] is not null)
                {
                    return Error(StatusCodes.Status400BadRequest, "Invalid activity",
                        (problem ?? "The \"activity\" part must be a message (no card submit) whose \"text\" is a string.") + " Send one message activity as JSON.", "activity");
                }

                activity = read;
            }

            var parts = form.Files.Where(f => f.Name != "activity").ToList();
            if (parts.Count is 0 or > MaxFilesPerMessage)
            {
                return Error(StatusCodes.Status400BadRequest, "Invalid upload", $"Send 1 to {MaxFilesPerMessage} files with the message.", "file");
            }

            if (parts.Select(f => attachments.SizeProblem(AttachmentService.SafeFileName(f.FileName), f.Length)).FirstOrDefault(p => p is not null) is { } tooLarge)
            {
                return Error(StatusCodes.Status413PayloadTooLarge, "Too large", tooLarge, "file");
            }

            var files = new List<ChatFile>();
            try
            {
                foreach (var file in parts)
                {
                    var key = AttachmentService.UploadKey(conversationId);
                    await using var content = file.OpenReadStream();
                    var stored = await store.SaveAsync(key, content, ct);
                    files.Add(new ChatFile(AttachmentService.SafeFileName(file.FileName), file.ContentType ?? "", stored.Size, key));
                }

                return await turns.PostAsync(conversationId, claims!, activity, ct, files) is { } id
                    ? Results.Json(new { id })
                    : Error(StatusCodes.Status404NotFound, "Not found", "The conversation has ended or never existed.");
            }
            catch
            {
                await attachments.DiscardAsync(files);
                throw;
            }
        })
            .DisableAntiforgery()
            .WithMetadata(new RequestSizeLimitAttribute(MaxUploadBytes));

        return app;
    }

    /// <summary>Files one message may carry.</summary>
    public const int MaxFilesPerMessage = 10;

    /// <summary>The largest upload (a message and its files) read at all; each file is also held to the attachment limit.</summary>
    private const long MaxUploadBytes = 64L * 1024 * 1024;

    /// <summary>The name a user goes by when whoever asked for the token did not say.</summary>
    public const string DefaultUserName = "Web chat user";

    /// <summary>Direct Line's conversation answer: the conversation and a fresh token for it, for the same user.</summary>
    /// <summary>
    /// Waits for the bot's answer to be written. On a database server the connection goes back to the pool meanwhile:
    /// every waiting poll would otherwise hold one of the server's connections for up to PollWait, and a few dozen
    /// open conversations would leave none for the turns they are waiting for. SQLite's are in-process and cheap to
    /// keep, and dear to open again.
    /// </summary>
    private static async Task<bool> WaitForAnswerAsync(MissionsDbContext db, TranscriptSignals.Registration written, TimeSpan wait, CancellationToken cancellationToken)
    {
        if (db.Database.IsSqlite())
        {
            return await written.WaitAsync(wait, cancellationToken);
        }

        await db.Database.CloseConnectionAsync();
        try
        {
            return await written.WaitAsync(wait, cancellationToken);
        }
        finally
        {
            await db.Database.OpenConnectionAsync(CancellationToken.None);
        }
    }

    private static IResult TokenResponse(DirectLineTokens tokens, DirectLineClaims claims) =>
        Results.Json(new { conversationId = claims.ConversationId, token = tokens.Issue(claims.ConversationId, claims.UserId, claims.UserName), expires_in = tokens.LifetimeSeconds });

    /// <summary>
    /// Direct Line's answer to starting or reconnecting to a conversation: the token, and the <c>streamUrl</c> where the
    /// conversation's activities are pushed over a WebSocket from <paramref name="watermark"/> on.
    /// </summary>
    private static IResult StreamResponse(HttpContext http, DirectLineTokens tokens, DirectLineClaims claims, string? watermark, int status)
    {
        var token = tokens.Issue(claims.ConversationId, claims.UserId, claims.UserName);
        var scheme = http.Request.IsHttps ? "wss" : "ws";
        var streamUrl = $"{scheme}://{http.Request.Host}{http.Request.PathBase}/v3/directline/conversations/{Uri.EscapeDataString(claims.ConversationId)}/stream"
            + $"?watermark={Uri.EscapeDataString(watermark ?? "")}&t={Uri.EscapeDataString(token)}";
        return Results.Json(new { conversationId = claims.ConversationId, token, expires_in = tokens.LifetimeSeconds, streamUrl }, statusCode: status);
    }

    /// <summary>Direct Line's ActivitySet: the activities as they were stored (not parsed again) and the next watermark.</summary>
    private static string ActivitySet(List<DirectLineQueries.TranscriptRow> rows, long after)
    {
        var next = (rows.Count == 0 ? after : rows[^1].Id).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var body = new StringBuilder("{\"activities\":[", 256 + rows.Sum(r => r.Json.Length));
        for (var i = 0; i < rows.Count; i++)
        {
            body.Append(i == 0 ? "" : ",").Append(rows[i].Json);
        }

        return body.Append("],\"watermark\":\"").Append(next).Append("\"}").ToString();
    }

    /// <summary>
    /// The stream: what the polls would return, pushed as it is written. Looks again every few seconds even without a
    /// signal (another host may have written), sends an empty message now and then so that proxies keep an idle
    /// socket open, and holds no database connection between looks.
    /// </summary>
    private static async Task StreamAsync(WebSocket socket, string conversationId, long after, WebChatChannel turns, TranscriptSignals signals, int maxPerSet, CancellationToken cancellationToken)
    {
        using var closing = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        // The client says nothing on the stream; reading finds out when it goes (or closes it).
        var listening = Task.Run(async () =>
        {
            var buffer = new byte[1024];
            try
            {
                while (socket.State == WebSocketState.Open && !(await socket.ReceiveAsync(buffer, closing.Token)).CloseStatus.HasValue)
                {
                }
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException)
            {
            }
            finally
            {
                await closing.CancelAsync();
            }
        }, CancellationToken.None);

        var quiet = 0;
        try
        {
            while (!closing.IsCancellationRequested)
            {
                List<DirectLineQueries.TranscriptRow> rows;
                using (var written = signals.Watch(conversationId))
                {
                    rows = await turns.TranscriptAsync(conversationId, after, maxPerSet, closing.Token);
                    if (rows.Count == 0)
                    {
                        if (!await written.WaitAsync(StreamRecheck, closing.Token) && ++quiet * StreamRecheck >= StreamKeepAlive)
                        {
                            quiet = 0;
                            await socket.SendAsync(ReadOnlyMemory<byte>.Empty, WebSocketMessageType.Text, endOfMessage: true, closing.Token);
                        }

                        continue;
                    }
                }

                quiet = 0;
                await socket.SendAsync(Encoding.UTF8.GetBytes(ActivitySet(rows, after)), WebSocketMessageType.Text, endOfMessage: true, closing.Token);
                after = rows[^1].Id;
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
            // The client went, or the host is stopping.
        }

        // The closing handshake: answering the client's close, or saying the host is going.
        if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
        {
            try
            {
                using var bye = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, socket.State == WebSocketState.Open ? "The host is stopping." : null, bye.Token);
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException)
            {
            }
        }

        await closing.CancelAsync();
        await listening;
    }

    /// <summary>How long the stream waits for this host's signal before looking anyway (another host may have written).</summary>
    private static readonly TimeSpan StreamRecheck = TimeSpan.FromSeconds(3);

    /// <summary>How long a stream stays silent before an empty message (idle sockets are closed by proxies).</summary>
    private static readonly TimeSpan StreamKeepAlive = TimeSpan.FromSeconds(30);

    private sealed record TokenUser(string? Id, string Name);

    /// <summary>
    /// The user a token request names, if it names one: Direct Line's <c>{ "user": { "id": "dl_…", "name": "…" } }</c>.
    /// An id must start with <c>dl_</c>, as Direct Line requires; the name is shown on cards as the person's.
    /// </summary>
    private static async Task<(TokenUser? User, IResult? Problem)> UserOfAsync(HttpContext http, CancellationToken ct)
    {
        if (http.Request.ContentLength is null or 0 && http.Request.Headers.TransferEncoding.Count == 0)
        {
            return (null, null);
        }

        var (body, problem) = await JsonInput.ReadObjectAsync(http.Request.Body, ct);
        if (body is null)
        {
            return (null, Error(StatusCodes.Status400BadRequest, "Invalid request", problem!, "body"));
        }

        if (body["user"] is not JsonObject user)
        {
            return (null, null);
        }

        var id = (user["id"] as JsonValue)?.ToString();
        if (id is not null && (!id.StartsWith("dl_", StringComparison.Ordinal) || id.Length > 128 || CleanText.Line(id) != id))
        {
            return (null, Error(StatusCodes.Status400BadRequest, "Invalid request", "user.id must start with \"dl_\" and be at most 128 plain characters.", "user.id"));
        }

        var name = CleanText.Line((user["name"] as JsonValue)?.ToString() ?? "");
        return (new TokenUser(id, name.Length is > 0 and <= 100 ? name : DefaultUserName), null);
    }

    /// <summary>The user a conversation's token speaks for: one person per local conversation.</summary>
    private static string UserFor(string conversationId) => "user-" + conversationId[3..Math.Min(conversationId.Length, 15)];

    private static (DirectLineClaims? Claims, IResult? Failure) Authenticate(HttpContext http, DirectLineTokens tokens, string? conversationId = null, bool tokenInQuery = false)
    {
        // A WebSocket cannot send headers from a browser: the stream's address carries the token (t=), as Direct Line's does.
        var token = tokenInQuery ? http.Request.Query["t"].ToString() is { Length: > 0 } t ? t : null : Bearer(http);
        if (token is null)
        {
            return (null, Error(StatusCodes.Status401Unauthorized, "Unauthorized", "Send the conversation token as a bearer token."));
        }

        switch (tokens.Validate(token, out var claims))
        {
            case DirectLineTokens.Verdict.Expired:
                return (null, Error(StatusCodes.Status403Forbidden, "Token expired", "The token has expired; ask for a new one."));
            case DirectLineTokens.Verdict.Invalid:
                return (null, Error(StatusCodes.Status403Forbidden, "Forbidden", "The token is not valid."));
        }

        if (conversationId is not null && claims!.ConversationId != conversationId)
        {
            return (null, Error(StatusCodes.Status403Forbidden, "Forbidden", "The token is for another conversation."));
        }

        return (claims, null);
    }

    private static bool MaySecretCall(HttpContext http, WebChatOptions options) =>
        string.IsNullOrEmpty(options.Secret) ? ApiAccess.IsLocal(http) : IsSecret(http, options);

    private static bool IsSecret(HttpContext http, WebChatOptions options) =>
        !string.IsNullOrEmpty(options.Secret) && Bearer(http) is { } presented
        && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), Encoding.UTF8.GetBytes(options.Secret));

    private static string? Bearer(HttpContext http)
    {
        var header = http.Request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header[7..].Trim() : null;
    }

    private static IResult Error(int status, string title, string detail, string? field = null)
    {
        var problem = new Microsoft.AspNetCore.Mvc.ProblemDetails { Status = status, Title = title, Detail = detail };
        if (field is not null)
        {
            problem.Extensions["field"] = field;
        }

        // Direct Line clients also look for { error: { code, message } }.
        problem.Extensions["error"] = new { code = title.Replace(" ", "", StringComparison.Ordinal), message = detail };
        return Results.Problem(problem);
    }
}
