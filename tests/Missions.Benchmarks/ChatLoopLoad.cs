using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Missions.Host.Cards;
using Missions.Host.Conversations;
using Missions.Host.Proposals;
using Missions.Host.Tests.Infrastructure;

namespace Missions.Benchmarks;

/// <summary>
/// Drives the Direct Line endpoint the way Web Chat does, with many conversations at once: post a request, poll until
/// the proposal card is there; press Approve (an adaptiveCard/action invoke), poll until the card shows the decision.
/// Beside it, on the same host and in the same run, a bare endpoint that returns a fixed card. With
/// <c>hostProcess</c> the host runs in a process of its own (<c>dotnet Missions.Host.dll</c>, configured as an
/// operator would), so what is measured of it — working set, CPU — is the host's alone; the bare endpoint is then not
/// measured (it is added to a host started in this process).
/// </summary>
internal sealed class ChatLoopLoad(int conversations, TimeSpan warmUp, TimeSpan duration, BenchDatabase database, bool stream = false, bool hostProcess = false)
{
    public async Task<IReadOnlyList<Result>> RunAsync()
    {
        if (hostProcess)
        {
            await using var process = await HostProcess.StartAsync(database.Settings);
            using var client = Client(process.Address);
            return await MeasureChatAsync(client, process.Process);
        }

        // The factory finds a test project's content root by itself; an executable has to say where the host is.
        await using var host = new Host(database);
        host.UseKestrel(port: 0);
        host.StartServer();
        using var http = Client(host.ClientOptions.BaseAddress);
        var results = new List<Result>();
        results.Add(await MeasureAsync("bare endpoint: fixed card", http, warmUp, duration, (client, recorder) => BareLoopAsync(client, recorder)));
        var chat = await MeasureChatAsync(http, null);
        results.AddRange(chat);
        return results;
    }

    private HttpClient Client(Uri address) => new(new SocketsHttpHandler { MaxConnectionsPerServer = conversations * 4, PooledConnectionLifetime = TimeSpan.FromMinutes(10) })
    {
        BaseAddress = address,
        Timeout = TimeSpan.FromSeconds(30),
    };

    private async Task<Result> MeasureAsync(string name, HttpClient http, TimeSpan warm, TimeSpan measure, Func<HttpClient, Recorder, Task> loop)
    {
        var recorder = new Recorder();
        using var stop = new CancellationTokenSource();
        recorder.Recording = false;
        var workers = Enumerable.Range(0, conversations).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await loop(http, recorder);
            }
        })).ToArray();
        await Task.Delay(warm);
        recorder.Start();
        await Task.Delay(measure);
        recorder.Stop();
        await stop.CancelAsync();
        await Task.WhenAll(workers);
        return recorder.Summarize(name);
    }

    /// <param name="host">The host's own process, when it has one; null when it shares this one.</param>
    private async Task<IReadOnlyList<Result>> MeasureChatAsync(HttpClient http, Process? host)
    {
        var toProposal = new Recorder();
        var toDecided = new Recorder();
        var failures = new Failures();
        using var stop = new CancellationTokenSource();
        var workers = Enumerable.Range(0, conversations).Select(i => Task.Run(async () =>
        {
            var chat = await Conversation.StartAsync(http, stream);
            var n = 0;
            while (!stop.IsCancellationRequested)
            {
                n++;
                var started = Stopwatch.GetTimestamp();
                var card = await chat.RequestAsync($"can someone draft the partner update number {i}-{n} for the Launch project by Friday?", failures);
                if (card is null)
                {
                    continue;
                }

                toProposal.Add(Stopwatch.GetElapsedTime(started));
                started = Stopwatch.GetTimestamp();
                if (await chat.ApproveAsync(card, failures))
                {
                    toDecided.Add(Stopwatch.GetElapsedTime(started));
                }
            }
        })).ToArray();

        await Task.Delay(warmUp);
        toProposal.Start();
        toDecided.Start();
        var cost = ProcessCost.Take();
        var hostCpu = host is null ? TimeSpan.Zero : Cpu(host);
        var memory = WorkingSet.WatchAsync(duration, host);
        await Task.Delay(duration);
        toProposal.Stop();
        toDecided.Stop();
        var spent = ProcessCost.Take() - cost;
        hostCpu = host is null ? TimeSpan.Zero : Cpu(host) - hostCpu;
        Console.WriteLine(await memory);
        await stop.CancelAsync();
        await Task.WhenAll(workers);

        foreach (var (text, count) in failures.Top())
        {
            Console.WriteLine($"failed turns: {count} × {text}");
        }

        var a = toProposal.Summarize("chat: request → proposal card");
        var b = toDecided.Summarize("chat: approve → decided card");
        var turns = (a.Count + b.Count) / duration.TotalSeconds;
        Console.WriteLine(host is null ? spent.Describe(a.Count + b.Count)
            : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"while measuring (the host process): CPU {hostCpu.TotalMilliseconds / Math.Max(1, a.Count + b.Count):F2} ms a turn"));
        return [a, b, new Result("chat: all turns", a.Count + b.Count, turns, double.NaN, double.NaN, double.NaN)];
    }

    private static TimeSpan Cpu(Process process)
    {
        process.Refresh();
        return process.TotalProcessorTime;
    }

    private static async Task BareLoopAsync(HttpClient http, Recorder recorder)
    {
        var started = Stopwatch.GetTimestamp();
        using var response = await http.GetAsync("/bench/fixed-card");
        response.EnsureSuccessStatusCode();
        await response.Content.ReadAsByteArrayAsync();
        recorder.Add(Stopwatch.GetElapsedTime(started));
    }

    /// <summary>One Web Chat conversation: token, post, and poll by watermark or (with <c>stream</c>) read Direct Line's stream.</summary>
    private sealed class Conversation(HttpClient http, string conversationId, string token, string userId)
    {
        private string watermark = "";
        private System.Threading.Channels.Channel<JsonObject>? streamed;

        public static async Task<Conversation> StartAsync(HttpClient http, bool stream)
        {
            using var response = await http.PostAsync("/v3/directline/tokens/generate", null);
            var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
            var chat = new Conversation(http, body["conversationId"]!.GetValue<string>(), body["token"]!.GetValue<string>(), body["userId"]!.GetValue<string>());
            if (stream)
            {
                await chat.OpenStreamAsync();
            }
            else
            {
                await chat.PollAsync();
            }

            return chat;
        }

        /// <summary>As Web Chat does by default: start the conversation, open its streamUrl, and read activity sets as they come.</summary>
        private async Task OpenStreamAsync()
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/v3/directline/conversations");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var response = await http.SendAsync(request);
            var streamUrl = (await response.Content.ReadFromJsonAsync<JsonObject>())!["streamUrl"]!.GetValue<string>();
            var socket = new System.Net.WebSockets.ClientWebSocket();
            await socket.ConnectAsync(new Uri(streamUrl), CancellationToken.None);
            streamed = System.Threading.Channels.Channel.CreateUnbounded<JsonObject>();
            _ = Task.Run(async () =>
            {
                var buffer = new byte[1 << 20];
                while (socket.State == System.Net.WebSockets.WebSocketState.Open)
                {
                    var length = 0;
                    System.Net.WebSockets.WebSocketReceiveResult received;
                    do
                    {
                        received = await socket.ReceiveAsync(new ArraySegment<byte>(buffer, length, buffer.Length - length), CancellationToken.None);
                        length += received.Count;
                    }
                    while (!received.EndOfMessage);

                    if (length > 0)
                    {
                        var set = JsonNode.Parse(Encoding.UTF8.GetString(buffer, 0, length))!.AsObject();
                        foreach (var activity in set["activities"]!.AsArray())
                        {
                            streamed.Writer.TryWrite(activity!.AsObject());
                        }
                    }
                }
            });
        }

        /// <summary>What is new: from the stream when there is one (waiting up to a second), else a poll.</summary>
        private async Task<List<JsonObject>> NextAsync()
        {
            if (streamed is null)
            {
                return await PollAsync();
            }

            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            var fresh = new List<JsonObject>();
            try
            {
                fresh.Add(await streamed.Reader.ReadAsync(wait.Token));
            }
            catch (OperationCanceledException)
            {
                return fresh;
            }

            while (streamed.Reader.TryRead(out var more))
            {
                fresh.Add(more);
            }

            return fresh;
        }

        /// <summary>The proposal card, or null when the bot answered with something else (counted as a failure).</summary>
        public async Task<JsonObject?> RequestAsync(string text, Failures failures)
        {
            var id = await PostAsync(new JsonObject
            {
                ["type"] = "message",
                ["text"] = text,
                ["from"] = new JsonObject { ["id"] = userId, ["role"] = "user" },
                ["channelData"] = new JsonObject { ["clientActivityID"] = Guid.NewGuid().ToString("N") },
            });
            var deadline = Stopwatch.GetTimestamp() + Stopwatch.Frequency * 10;
            while (Stopwatch.GetTimestamp() < deadline)
            {
                foreach (var activity in await NextAsync())
                {
                    if (activity["replyToId"]?.GetValue<string>() == id)
                    {
                        if (activity["attachments"]?[0]?["content"] is JsonObject card)
                        {
                            return card;
                        }

                        failures.Add(activity["text"]?.GetValue<string>() ?? "(no text)");
                        return null;
                    }
                }
            }

            failures.Add("no reply within 10 s");
            return null;
        }

        public async Task<bool> ApproveAsync(JsonObject card, Failures failures)
        {
            var approve = card["actions"]!.AsArray().First(a => a!["id"]?.GetValue<string>() == "approve")!;
            await PostAsync(new JsonObject
            {
                ["type"] = "invoke",
                ["name"] = "adaptiveCard/action",
                ["from"] = new JsonObject { ["id"] = userId, ["role"] = "user" },
                ["value"] = new JsonObject { ["action"] = new JsonObject { ["type"] = "Action.Execute", ["verb"] = approve["verb"]!.DeepClone(), ["data"] = approve["data"]!.DeepClone() } },
                ["channelData"] = new JsonObject { ["clientActivityID"] = Guid.NewGuid().ToString("N") },
            });
            var deadline = Stopwatch.GetTimestamp() + Stopwatch.Frequency * 10;
            while (Stopwatch.GetTimestamp() < deadline)
            {
                foreach (var activity in await NextAsync())
                {
                    var json = activity.ToJsonString();
                    if (json.Contains("Approved as M-", StringComparison.Ordinal))
                    {
                        return true;
                    }

                    if (activity["text"] is JsonNode text)
                    {
                        failures.Add(text.GetValue<string>());
                        return false;
                    }
                }
            }

            failures.Add("approval not visible within 10 s");
            return false;
        }

        private async Task<string> PostAsync(JsonObject activity)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/v3/directline/conversations/{conversationId}/activities")
            {
                Content = new StringContent(activity.ToJsonString(), Encoding.UTF8, "application/json"),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var response = await http.SendAsync(request);
            response.EnsureSuccessStatusCode();
            return (await response.Content.ReadFromJsonAsync<JsonObject>())!["id"]!.GetValue<string>();
        }

        private async Task<List<JsonObject>> PollAsync()
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/v3/directline/conversations/{conversationId}/activities?watermark={watermark}");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var response = await http.SendAsync(request);
            response.EnsureSuccessStatusCode();
            var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
            watermark = body["watermark"]!.GetValue<string>();
            return body["activities"]!.AsArray().Select(a => a!.AsObject()).ToList();
        }
    }

    /// <summary>The product host, plus one bare endpoint that answers a fixed card without touching the database.</summary>
    internal sealed class Host(BenchDatabase database) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            database.Apply(builder);
            var fixedCard = Encoding.UTF8.GetBytes(ViewCards.Render(SampleProposal()).Card!.ToJson());
            builder.ConfigureServices(services => services.AddSingleton<IStartupFilter>(new FixedCardEndpoint(fixedCard)));
        }

        private static ProposalView SampleProposal() => new(
            Guid.NewGuid(), 1, ProposalStatus.Pending, "Pull together a competitor pricing summary for the Q3 deck",
            "A competitor pricing summary, drafted and ready for review by Friday 27 November.", null, null, null, null,
            "Competitor summary", false, new DateOnly(2026, 11, 27), ["Which project is this for: Launch?"], null, "Alice", null, null, null, null, null,
            [new ChoiceOption(Guid.NewGuid().ToString(), "Researcher (Research)"), new ChoiceOption(Guid.NewGuid().ToString(), "Writer (Writing)")],
            [new ChoiceOption(Guid.NewGuid().ToString(), "Launch")]);
    }

    private sealed class FixedCardEndpoint(byte[] card) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use(async (context, following) =>
            {
                if (context.Request.Path == "/bench/fixed-card")
                {
                    context.Response.ContentType = "application/vnd.microsoft.card.adaptive+json";
                    await context.Response.Body.WriteAsync(card);
                    return;
                }

                await following();
            });
            next(app);
        };
    }
}

internal sealed class Failures
{
    private readonly Dictionary<string, int> counts = new(StringComparer.Ordinal);

    public void Add(string text)
    {
        lock (counts)
        {
            counts[text] = counts.GetValueOrDefault(text) + 1;
        }
    }

    public IEnumerable<(string Text, int Count)> Top()
    {
        lock (counts)
        {
            return counts.OrderByDescending(c => c.Value).Take(5).Select(c => (c.Key, c.Value)).ToList();
        }
    }
}

/// <summary>
/// The host's working set while the load runs, sampled every 100 ms: of its own process when it has one, else of this
/// process (host and load generator together).
/// </summary>
internal static class WorkingSet
{
    public static async Task<string> WatchAsync(TimeSpan duration, Process? host)
    {
        var peak = 0L;
        var samples = new List<long>();
        var until = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        using var current = host is null ? Process.GetCurrentProcess() : null;
        var process = host ?? current!;
        while (Stopwatch.GetTimestamp() < until)
        {
            process.Refresh();
            samples.Add(process.WorkingSet64);
            peak = Math.Max(peak, process.WorkingSet64);
            await Task.Delay(100);
        }

        samples.Sort();
        var size = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"median {samples[samples.Count / 2] / 1048576.0:F0} MB, peak {peak / 1048576.0:F0} MB");
        return host is not null
            ? $"working set while measuring (the host process alone): {size}"
            : string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"working set while measuring (host + load generator): {size}; managed heap {GC.GetGCMemoryInfo().HeapSizeBytes / 1048576.0:F0} MB after the last collection, {GC.GetGCMemoryInfo().TotalCommittedBytes / 1048576.0:F0} MB committed by the GC");
    }
}

/// <summary>What the whole process (host and load generator together) spent over a stretch: allocations, collections, JIT, CPU.</summary>
internal sealed record ProcessCost(long Allocated, int Gen0, int Gen1, int Gen2, TimeSpan Paused, long Jitted, TimeSpan JitTime, TimeSpan Cpu)
{
    public static ProcessCost Take() => new(GC.GetTotalAllocatedBytes(precise: false), GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2), GC.GetTotalPauseDuration(),
        System.Runtime.JitInfo.GetCompiledMethodCount(), System.Runtime.JitInfo.GetCompilationTime(), System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime);

    public static ProcessCost operator -(ProcessCost after, ProcessCost before) =>
        new(after.Allocated - before.Allocated, after.Gen0 - before.Gen0, after.Gen1 - before.Gen1, after.Gen2 - before.Gen2, after.Paused - before.Paused,
            after.Jitted - before.Jitted, after.JitTime - before.JitTime, after.Cpu - before.Cpu);

    public string Describe(int turns) => string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"while measuring (host + load generator): {Allocated / 1048576.0:F0} MB allocated ({(turns == 0 ? 0 : Allocated / 1024.0 / turns):F0} KB a turn), collections gen0/1/2 {Gen0}/{Gen1}/{Gen2}, paused {Paused.TotalMilliseconds:F0} ms; JIT compiled {Jitted} methods in {JitTime.TotalMilliseconds:F0} ms; CPU {(turns == 0 ? 0 : Cpu.TotalMilliseconds / turns):F2} ms a turn");
}

internal sealed record Result(string Name, int Count, double PerSecond, double P50, double P99, double Max);

internal sealed class Recorder
{
    private readonly List<double> samples = [];
    private readonly Stopwatch clock = new();

    public bool Recording { get; set; }

    public void Start()
    {
        lock (samples)
        {
            samples.Clear();
            Recording = true;
            clock.Restart();
        }
    }

    public void Stop()
    {
        lock (samples)
        {
            Recording = false;
            clock.Stop();
        }
    }

    public void Add(TimeSpan latency)
    {
        lock (samples)
        {
            if (Recording)
            {
                samples.Add(latency.TotalMilliseconds);
            }
        }
    }

    public Result Summarize(string name)
    {
        lock (samples)
        {
            var sorted = samples.Order().ToArray();
            double At(double q) => sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];
            return new Result(name, sorted.Length, sorted.Length / clock.Elapsed.TotalSeconds, At(0.50), At(0.99), sorted.Length == 0 ? double.NaN : sorted[^1]);
        }
    }
}
