using System.Diagnostics;
using System.Diagnostics.Metrics;
using Azure.Monitor.OpenTelemetry.AspNetCore;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Missions.Host.Diagnostics;

/// <summary>
/// What the product measures: chat turns by channel, proposals by the path that drafted them, runs by how they ended,
/// how long a message waited in the outbox, and (through Microsoft.Extensions.AI's own instrumentation) the model's
/// calls and tokens. Exported over OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set, to Azure Monitor when
/// <c>APPLICATIONINSIGHTS_CONNECTION_STRING</c> is set, and nowhere otherwise.
/// </summary>
public sealed class MissionsTelemetry : IDisposable
{
    public const string Name = "Missions";

    /// <summary>The source and meter Microsoft.Extensions.AI reports the model's calls under.</summary>
    public const string AiName = "Missions.AI";

    public static readonly ActivitySource Source = new(Name);

    private readonly Meter meter;
    private readonly Counter<long> turns;
    private readonly Counter<long> proposals;
    private readonly Counter<long> runs;
    private readonly Histogram<double> outboxDelay;

    public MissionsTelemetry(IMeterFactory meters)
    {
        meter = meters.Create(Name);
        turns = meter.CreateCounter<long>("missions.turns", "{turn}", "Chat turns handled, by channel.");
        proposals = meter.CreateCounter<long>("missions.proposals", "{proposal}", "Proposals drafted, by the path that drafted them (model, model+offline, offline).");
        runs = meter.CreateCounter<long>("missions.runs", "{run}", "Runs ended, by outcome and trigger.");
        outboxDelay = meter.CreateHistogram<double>("missions.outbox.delay", "s", "From a message's queuing to its delivery, by channel.");
    }

    public void Turn(string channel, bool button) =>
        turns.Add(1, new("channel", channel), new("kind", button ? "button" : "message"));

    public void Proposal(string draftedBy) => proposals.Add(1, new KeyValuePair<string, object?>("path", draftedBy));

    public void Run(string outcome, string trigger) => runs.Add(1, new("outcome", outcome), new("trigger", trigger));

    public void Delivered(string channel, TimeSpan waited) =>
        outboxDelay.Record(Math.Max(0, waited.TotalSeconds), new KeyValuePair<string, object?>("channel", channel));

    public void Dispose() => meter.Dispose();
}

public static class TelemetryExtensions
{
    public static IHostApplicationBuilder AddTelemetry(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<MissionsTelemetry>();
        var otlp = !string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        var azureMonitor = !string.IsNullOrWhiteSpace(builder.Configuration["APPLICATIONINSIGHTS_CONNECTION_STRING"]);
        if (!otlp && !azureMonitor)
        {
            return builder; // measured (the meters exist) but exported nowhere
        }

        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(serviceName: builder.Configuration["OTEL_SERVICE_NAME"] ?? "missions"))
            .WithTracing(t => t.AddSource(MissionsTelemetry.Name, MissionsTelemetry.AiName).AddAspNetCoreInstrumentation().AddHttpClientInstrumentation())
            .WithMetrics(m => m.AddMeter(MissionsTelemetry.Name, MissionsTelemetry.AiName).AddAspNetCoreInstrumentation().AddHttpClientInstrumentation().AddRuntimeInstrumentation());
        if (otlp)
        {
            // Endpoint, protocol, headers and intervals come from the standard OTEL_* settings.
            telemetry.UseOtlpExporter();
        }

        if (azureMonitor)
        {
            telemetry.UseAzureMonitor();
        }

        return builder;
    }
}
