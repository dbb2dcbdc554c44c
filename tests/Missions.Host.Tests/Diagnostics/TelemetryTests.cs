using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Missions.Host.Tests.Infrastructure;

namespace Missions.Host.Tests.Diagnostics;

/// <summary>
/// The host as an operator runs it with <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> set: traces and metrics arrive at a local
/// OTLP/HTTP collector, named as the README says.
/// </summary>
public sealed class TelemetryTests
{
    /// <summary>An OTLP/HTTP receiver on loopback: it keeps what each signal's path received (protobuf, read as bytes).</summary>
    private sealed class Collector : IAsyncDisposable
    {
        private readonly WebApplication app;
        public ConcurrentDictionary<string, StringBuilder> Received { get; } = new();

        private Collector(WebApplication app) => this.app = app;

        public string Address { get; private set; } = "";

        public static async Task<Collector> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
            var collector = new Collector(builder.Build());
            collector.app.MapPost("/v1/{signal}", async (string signal, HttpRequest request) =>
            {
                using var body = new MemoryStream();
                await request.Body.CopyToAsync(body);
                // Names and string values in OTLP protobuf are plain UTF-8 bytes.
                var text = Encoding.UTF8.GetString(body.ToArray());
                lock (collector.Received)
                {
                    collector.Received.GetOrAdd(signal, _ => new StringBuilder()).Append(text);
                }

                return Results.Ok();
            });
            await collector.app.StartAsync();
            collector.Address = collector.app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            return collector;
        }

        public string Of(string signal)
        {
            lock (Received)
            {
                return Received.TryGetValue(signal, out var text) ? text.ToString() : "";
            }
        }

        public async ValueTask DisposeAsync() => await app.DisposeAsync();
    }

    [Fact]
    public async Task With_an_OTLP_endpoint_turns_proposals_and_outbox_traces_and_metrics_are_exported()
    {
        await using var collector = await Collector.StartAsync();
        await using var database = await TestDatabase.CreateAsync(Provider.Sqlite);
        await using var host = await HostProcess.StartAsync(database.HostSettings(new Dictionary<string, string>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = collector.Address,
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "300",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
            ["OTEL_SERVICE_NAME"] = "missions-under-test",
        }));
        using var http = new HttpClient { BaseAddress = host.Address };
        using var chat = await DirectLineClient.StartAsync(http);
        await chat.SendAsync("can someone pull together a competitor pricing summary for the Q3 deck by Friday?");
        await chat.PollAsync();

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!(collector.Of("metrics").Contains("missions.proposals", StringComparison.Ordinal) && collector.Of("traces").Contains("missions.turn", StringComparison.Ordinal)))
        {
            Assert.True(DateTime.UtcNow < deadline, $"Nothing exported in time. Metrics: {collector.Of("metrics").Length} bytes, traces: {collector.Of("traces").Length} bytes.\n{host.Output}");
            await Task.Delay(200);
        }

        var metrics = collector.Of("metrics");
        Assert.Contains("missions.turns", metrics, StringComparison.Ordinal);
        Assert.Contains("webchat", metrics, StringComparison.Ordinal);
        Assert.Contains("offline", metrics, StringComparison.Ordinal); // the path that drafted the proposal
        Assert.Contains("missions-under-test", metrics, StringComparison.Ordinal);
        Assert.Contains("http.server.request.duration", metrics, StringComparison.Ordinal);
    }
}
