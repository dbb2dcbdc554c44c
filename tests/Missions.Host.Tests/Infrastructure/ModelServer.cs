using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Missions.Host.Tests.Infrastructure;

/// <summary>
/// An OpenAI-compatible chat completions server on loopback (plain http, and https with a throw-away certificate),
/// standing in for Azure OpenAI, OpenAI or Ollama: it speaks the wire format the official client reads — JSON
/// answers, server-sent event streams with a usage chunk, tool calls, 429 with Retry-After, 5xx, slow answers — and
/// records every request. Each request takes the next scripted answer, else <see cref="Default"/>'s.
/// </summary>
public sealed class ModelServer : IAsyncDisposable
{
    public sealed record Request(string Path, IReadOnlyDictionary<string, string> Headers, JsonObject Body)
    {
        public string Header(string name) => Headers.TryGetValue(name, out var value) ? value : "";

        public IEnumerable<JsonObject> Messages => Body["messages"]!.AsArray().Select(m => m!.AsObject());

        public string Text => string.Join("\n", Messages.Select(m => m["content"] is JsonValue v ? v.GetValue<string>() : m["content"]?.ToJsonString() ?? ""));
    }

    /// <summary>One answer: content (or a tool call), or an HTTP status, after an optional delay.</summary>
    public sealed record Answer(string? Content = null, string? Tool = null, string? ToolArguments = null, int Status = 200, string? RetryAfter = null, TimeSpan Delay = default, int InputTokens = 120, int OutputTokens = 80)
    {
        public static Answer Json(JsonObject value) => new(Content: value.ToJsonString());

        public static Answer Text(string text) => new(Content: text);

        public static Answer Call(string tool, string arguments = "{}") => new(Tool: tool, ToolArguments: arguments);

        public static Answer Fail(int status, string? retryAfter = null) => new(Status: status, RetryAfter: retryAfter);
    }

    private readonly WebApplication app;
    private readonly ConcurrentQueue<Answer> script = new();
    private readonly List<Request> requests = [];

    private ModelServer(WebApplication app) => this.app = app;

    /// <summary>What a request gets when nothing is scripted.</summary>
    public Func<Request, Answer> Default { get; set; } = _ => Answer.Text("Hello.");

    public string HttpBase { get; private set; } = "";

    public string HttpsBase { get; private set; } = "";

    /// <summary>The certificate the https listener presents, for a client that trusts exactly it.</summary>
    public X509Certificate2 Certificate { get; private set; } = null!;

    public IReadOnlyList<Request> Requests
    {
        get
        {
            lock (requests)
            {
                return [.. requests];
            }
        }
    }

    public void Enqueue(params Answer[] answers)
    {
        foreach (var answer in answers)
        {
            script.Enqueue(answer);
        }
    }

    public static async Task<ModelServer> StartAsync()
    {
        var certificate = SelfSigned();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, 0);
            k.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(certificate));
        });
        var server = new ModelServer(builder.Build()) { Certificate = certificate };
        server.app.MapPost("/{**path}", server.HandleAsync);
        await server.app.StartAsync();
        var addresses = server.app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        server.HttpBase = addresses.First(a => a.StartsWith("http://", StringComparison.Ordinal));
        server.HttpsBase = addresses.First(a => a.StartsWith("https://", StringComparison.Ordinal));
        return server;
    }

    private async Task HandleAsync(HttpContext http)
    {
        var body = (await JsonNode.ParseAsync(http.Request.Body))!.AsObject();
        var request = new Request(http.Request.Path, http.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase), body);
        lock (requests)
        {
            requests.Add(request);
        }

        if (!http.Request.Path.Value!.EndsWith("/chat/completions", StringComparison.Ordinal))
        {
            http.Response.StatusCode = 404;
            return;
        }

        var answer = script.TryDequeue(out var next) ? next : Default(request);
        if (answer.Delay > TimeSpan.Zero)
        {
            try
            {
                await Task.Delay(answer.Delay, http.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }

        if (answer.Status != 200)
        {
            http.Response.StatusCode = answer.Status;
            if (answer.RetryAfter is not null)
            {
                http.Response.Headers.RetryAfter = answer.RetryAfter;
            }

            await http.Response.WriteAsJsonAsync(new JsonObject { ["error"] = new JsonObject { ["message"] = $"scripted {answer.Status}", ["type"] = answer.Status == 429 ? "requests" : "server_error" } });
            return;
        }

        var model = body["model"]?.GetValue<string>() ?? "model";
        var usage = new JsonObject { ["prompt_tokens"] = answer.InputTokens, ["completion_tokens"] = answer.OutputTokens, ["total_tokens"] = answer.InputTokens + answer.OutputTokens };
        var call = answer.Tool is null ? null : new JsonObject
        {
            ["id"] = "call_" + requests.Count, ["type"] = "function",
            ["function"] = new JsonObject { ["name"] = answer.Tool, ["arguments"] = answer.ToolArguments ?? "{}" },
        };
        if (body["stream"]?.GetValue<bool>() != true)
        {
            var message = new JsonObject { ["role"] = "assistant", ["content"] = answer.Content };
            if (call is not null)
            {
                message["tool_calls"] = new JsonArray(call);
            }

            await http.Response.WriteAsJsonAsync(new JsonObject
            {
                ["id"] = "chatcmpl-" + requests.Count, ["object"] = "chat.completion", ["created"] = 1_764_000_000, ["model"] = model,
                ["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["message"] = message, ["finish_reason"] = call is null ? "stop" : "tool_calls" }),
                ["usage"] = usage,
            });
            return;
        }

        http.Response.ContentType = "text/event-stream";
        async Task SendAsync(JsonObject chunk)
        {
            chunk["id"] = "chatcmpl-" + requests.Count;
            chunk["object"] = "chat.completion.chunk";
            chunk["created"] = 1_764_000_000;
            chunk["model"] = model;
            await http.Response.WriteAsync("data: " + chunk.ToJsonString() + "\n\n");
            await http.Response.Body.FlushAsync();
        }

        JsonObject Delta(JsonObject delta, string? finish) => new()
        {
            ["choices"] = new JsonArray(new JsonObject { ["index"] = 0, ["delta"] = delta, ["finish_reason"] = finish }),
        };

        if (call is not null)
        {
            call["index"] = 0;
            await SendAsync(Delta(new JsonObject { ["role"] = "assistant", ["tool_calls"] = new JsonArray(call) }, null));
            await SendAsync(Delta([], "tool_calls"));
        }
        else
        {
            // The content in a few pieces, as a model streams it.
            var content = answer.Content ?? "";
            var pieces = Enumerable.Range(0, 4).Select(i => content[(content.Length * i / 4)..(content.Length * (i + 1) / 4)]).ToList();
            for (var i = 0; i < pieces.Count; i++)
            {
                var delta = new JsonObject { ["content"] = pieces[i] };
                if (i == 0)
                {
                    delta["role"] = "assistant";
                }

                await SendAsync(Delta(delta, null));
            }

            await SendAsync(Delta([], "stop"));
        }

        if (body["stream_options"]?["include_usage"]?.GetValue<bool>() == true)
        {
            await SendAsync(new JsonObject { ["choices"] = new JsonArray(), ["usage"] = usage });
        }

        await http.Response.WriteAsync("data: [DONE]\n\n");
    }

    private static X509Certificate2 SelfSigned()
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pfx), null);
    }

    public async ValueTask DisposeAsync()
    {
        await app.DisposeAsync();
        Certificate.Dispose();
    }
}
