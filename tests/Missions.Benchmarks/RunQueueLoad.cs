using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Missions.Host.Conversations;
using Missions.Host.Data;
using Missions.Host.Missions;
using Missions.Host.Runs;
using Missions.Host.Tests.Infrastructure;

namespace Missions.Benchmarks;

/// <summary>
/// A thousand offline runs queued at once on one host (SQLite): how many runs finish per second, and how long the
/// outbox takes to deliver what they write (progress cards and review prompts into web chat conversations): from when
/// each message was due to when it was sent, and the dispatcher's own lag beyond the conversation's order and the
/// spacing of its progress cards.
/// </summary>
internal sealed class RunQueueLoad(int runs, int conversations, BenchDatabase database)
{
    public async Task RunAsync()
    {
        await using var host = new ChatLoopLoad.Host(database);
        host.UseKestrel(port: 0);
        host.StartServer();
        using var http = new HttpClient { BaseAddress = host.ClientOptions.BaseAddress };

        for (var i = 0; i < conversations; i++)
        {
            (await http.PostAsync("/v3/directline/tokens/generate", null)).EnsureSuccessStatusCode();
        }

        for (var i = 1; i <= runs; i++)
        {
            (await http.PostAsJsonAsync("/api/missions", new { title = $"Research topic {i}", objective = $"A short comparison of the options for topic {i}." })).EnsureSuccessStatusCode();
        }

        await using var scope = host.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MissionsDbContext>();
        var references = await db.ConversationReferences.Where(c => c.Channel == "webchat").Select(c => c.Id).ToListAsync();
        var missions = await db.Missions.AsNoTracking().OrderBy(m => m.Number).Select(m => m.Id).ToListAsync();
        var queuedAt = DateTime.UtcNow;
        for (var i = 0; i < missions.Count; i++)
        {
            var id = missions[i];
            var conversation = references[i % references.Count];
            await db.Missions.Where(m => m.Id == id).ExecuteUpdateAsync(s => s.SetProperty(m => m.ConversationReferenceId, conversation).SetProperty(m => m.Status, MissionStatus.InProgress));
            db.Runs.Add(new Run { Id = Guid.CreateVersion7(), MissionId = id, Trigger = RunTriggers.Requested, QueuedAt = queuedAt });
        }

        var started = Stopwatch.StartNew();
        queuedAt = DateTime.UtcNow;
        await db.Runs.Where(r => r.Status == RunStatus.Queued).ExecuteUpdateAsync(s => s.SetProperty(r => r.QueuedAt, queuedAt));
        await db.SaveChangesAsync();
        host.Services.GetRequiredService<RunSignal>().Pulse();
        Console.WriteLine($"Queued {runs} runs for {references.Count} conversations at {queuedAt:HH:mm:ss.fff}; waiting…");

        while (await db.Runs.CountAsync(r => r.Status == RunStatus.Queued || r.Status == RunStatus.Running) > 0)
        {
            await Task.Delay(100);
        }

        var runsDone = started.Elapsed;
        while (await db.OutboxMessages.CountAsync(o => o.Status == OutboxStatus.Pending) > 0)
        {
            await Task.Delay(100);
        }

        var allDelivered = started.Elapsed;
        var finished = await db.Runs.AsNoTracking().Select(r => new { r.Status, r.StartedAt, r.FinishedAt }).ToListAsync();
        var messages = await db.OutboxMessages.AsNoTracking().OrderBy(o => o.Id).Select(o => new { o.ConversationReferenceId, o.Kind, o.CreatedAt, o.NextAttemptAt, o.SentAt }).ToListAsync();
        var delays = messages.Where(m => m.SentAt is not null)
            .Select(m => (m.SentAt!.Value - (m.NextAttemptAt > m.CreatedAt ? m.NextAttemptAt : m.CreatedAt)).TotalMilliseconds).Order().ToArray();
        var reviews = messages.Where(m => m.Kind == "post" && m.SentAt is not null).Select(m => (m.SentAt!.Value - m.CreatedAt).TotalMilliseconds).Order().ToArray();
        // The dispatcher's own lag: from when a message could have gone out — written, the message before it in its
        // conversation sent (order), and for progress the spacing after the conversation's last progress message — to
        // when it did.
        var spacing = host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Missions.Host.Outbox.OutboxOptions>>().Value.ProgressInterval;
        var lags = new List<double>();
        foreach (var conversation in messages.Where(m => m.SentAt is not null).GroupBy(m => m.ConversationReferenceId))
        {
            DateTime? previous = null, lastProgress = null;
            foreach (var m in conversation)
            {
                var ready = m.CreatedAt;
                if (previous is { } before && before > ready)
                {
                    ready = before;
                }

                if (m.Kind == "progress" && lastProgress is { } last && last + spacing > ready)
                {
                    ready = last + spacing;
                }

                lags.Add(Math.Max(0, (m.SentAt!.Value - ready).TotalMilliseconds));
                previous = m.SentAt;
                lastProgress = m.Kind == "progress" ? m.SentAt : lastProgress;
            }
        }

        var lag = lags.Order().ToArray();
        var runTimes = finished.Where(r => r.FinishedAt is not null && r.StartedAt is not null).Select(r => (r.FinishedAt!.Value - r.StartedAt!.Value).TotalMilliseconds).Order().ToArray();

        static double At(double[] sorted, double q) => sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"runs: {finished.Count(r => r.Status == RunStatus.Succeeded)} succeeded, {finished.Count(r => r.Status != RunStatus.Succeeded)} other, all finished in {runsDone.TotalSeconds:F1} s → {runs / runsDone.TotalSeconds:F1} runs/s"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"one run (claim → finished): p50 {At(runTimes, 0.5):F0} ms, p99 {At(runTimes, 0.99):F0} ms"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"outbox: {messages.Count} messages ({messages.Count(m => m.Kind == "progress")} progress, {messages.Count(m => m.Kind == "post")} review prompts), all delivered {allDelivered.TotalSeconds:F1} s after queueing"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"outbox delivery delay (due → sent): p50 {At(delays, 0.5):F0} ms, p99 {At(delays, 0.99):F0} ms, max {delays.LastOrDefault():F0} ms"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"outbox lag beyond order and the {spacing.TotalSeconds:0} s progress spacing (could go → sent): p50 {At(lag, 0.5):F0} ms, p99 {At(lag, 0.99):F0} ms, max {lag.LastOrDefault():F0} ms"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"review prompt delay (written → sent, includes waiting behind the conversation's spaced progress): p50 {At(reviews, 0.5):F0} ms, p99 {At(reviews, 0.99):F0} ms"));
    }
}
