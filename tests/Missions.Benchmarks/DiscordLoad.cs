using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Missions.Host.Tests.Infrastructure;
using NSec.Cryptography;

namespace Missions.Benchmarks;

/// <summary>
/// Many people using <c>/mission new</c> at once: signed slash commands POSTed to the interactions endpoint by
/// <c>concurrency</c> senders, each in a channel of its own, each sending its next command once the last one's proposal
/// has been edited into its response on a local Discord that answers at once. Measures the initial answer (what
/// Discord waits at most 3 s for) and the time until the proposal is there.
/// </summary>
internal sealed class DiscordLoad(int concurrency, TimeSpan warmUp, TimeSpan duration, BenchDatabase database)
{
    private readonly Key key = Key.Create(SignatureAlgorithm.Ed25519, new KeyCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport });
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, TaskCompletionSource> waiting = new();

    public async Task<IReadOnlyList<Result>> RunAsync()
    {
        await using var discord = await StartDiscordAsync();
        await using var host = new Host(database, Convert.ToHexString(key.Export(KeyBlobFormat.RawPublicKey)), discord.Urls.First() + "/api/v10");
        host.UseKestrel(port: 0);
        host.StartServer();
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = concurrency * 2 }) { BaseAddress = host.ClientOptions.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };

        var answers = new Recorder();
        var proposals = new Recorder();
        var failures = new Failures();
        using var stop = new CancellationTokenSource();
        var senders = Enumerable.Range(0, concurrency).Select(i => Task.Run(async () =>
        {
            var n = 0;
            while (!stop.IsCancellationRequested)
            {
                // One channel per sender, as one conversation per person in the chat loop: a channel's turns are handled in order.
                var token = "tok-" + Guid.NewGuid().ToString("N");
                var edited = waiting[token] = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                var body = Interaction($"can someone draft the partner update number {i}-{++n} for the Launch project by Friday?", (772908445358620702 + i).ToString(System.Globalization.CultureInfo.InvariantCulture), token);
                var timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
                using var request = new HttpRequestMessage(HttpMethod.Post, "/api/discord/interactions") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
                request.Headers.Add("X-Signature-Ed25519", Convert.ToHexString(SignatureAlgorithm.Ed25519.Sign(key, Encoding.UTF8.GetBytes(timestamp + body))));
                request.Headers.Add("X-Signature-Timestamp", timestamp);
                var started = Stopwatch.GetTimestamp();
                using var response = await http.SendAsync(request);
                var text = await response.Content.ReadAsStringAsync();
                if (response.IsSuccessStatusCode && text.Contains("\"type\":5", StringComparison.Ordinal))
                {
                    answers.Add(Stopwatch.GetElapsedTime(started));
                    if (await Task.WhenAny(edited.Task, Task.Delay(TimeSpan.FromSeconds(30))) == edited.Task)
                    {
                        proposals.Add(Stopwatch.GetElapsedTime(started));
                    }
                    else
                    {
                        failures.Add("no proposal within 30 s");
                    }
                }
                else
                {
                    failures.Add($"{(int)response.StatusCode} {text[..Math.Min(80, text.Length)]}");
                }
            }
        })).ToArray();

        await Task.Delay(warmUp);
        answers.Start();
        proposals.Start();
        var cost = ProcessCost.Take();
        await Task.Delay(duration);
        answers.Stop();
        proposals.Stop();
        var spent = ProcessCost.Take() - cost;
        await stop.CancelAsync();
        await Task.WhenAll(senders);

        foreach (var (text, count) in failures.Top())
        {
            Console.WriteLine($"failed: {count} × {text}");
        }

        var result = answers.Summarize("discord: slash command → answer");
        Console.WriteLine(spent.Describe(result.Count));
        return [result, proposals.Summarize("discord: slash command → proposal")];
    }

    private static string Interaction(string text, string channel, string token) => new JsonObject
    {
        ["id"] = Random.Shared.NextInt64(100_000_000_000_000_000, 999_999_999_999_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["application_id"] = "845027738276462632",
        ["type"] = 2,
        ["token"] = token,
        ["version"] = 1,
        ["guild_id"] = "772904309264089089",
        ["channel_id"] = channel,
        ["app_permissions"] = "442368",
        ["member"] = new JsonObject
        {
            ["user"] = new JsonObject { ["id"] = "53908232506183680", ["username"] = "mason", ["global_name"] = "Mason" },
            ["roles"] = new JsonArray(),
            ["permissions"] = "1024",
        },
        ["data"] = new JsonObject
        {
            ["id"] = "866818195033292850",
            ["name"] = "mission",
            ["type"] = 1,
            ["options"] = new JsonArray(new JsonObject
            {
                ["name"] = "new",
                ["type"] = 1,
                ["options"] = new JsonArray(new JsonObject { ["name"] = "text", ["type"] = 3, ["value"] = text }),
            }),
        },
    }.ToJsonString();

    /// <summary>Discord's side, answering at once: the deferred response "thinking…", then edited.</summary>
    private async Task<WebApplication> StartDiscordAsync()
    {
        var app = Missions.Host.Tests.Infrastructure.LoopbackServer.Create();
        app.Map("/api/v10/{**path}", (HttpContext http) =>
        {
            if (HttpMethods.IsPatch(http.Request.Method) && http.Request.Path.Value!.EndsWith("/@original", StringComparison.Ordinal)
                && waiting.TryRemove(http.Request.Path.Value.Split('/')[^3], out var edited))
            {
                edited.TrySetResult();
            }

            return Results.Json(new JsonObject { ["id"] = "1", ["channel_id"] = "772908445358620702", ["flags"] = HttpMethods.IsGet(http.Request.Method) ? 128 : 0 });
        });
        await app.StartAsync();
        return app;
    }

    private sealed class Host(BenchDatabase database, string publicKey, string discordApi) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            database.Apply(builder);
            builder.UseSetting("Missions:Discord:ApplicationId", "845027738276462632");
            builder.UseSetting("Missions:Discord:PublicKey", publicKey);
            builder.UseSetting("Missions:Discord:BotToken", "bench-token");
            builder.UseSetting("Missions:Discord:ApiBaseUrl", discordApi);
            builder.UseSetting("Missions:Outbox:PollInterval", "00:00:00.100");
        }
    }
}
