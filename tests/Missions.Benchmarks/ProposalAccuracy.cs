using System.Diagnostics;
using System.Globalization;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Missions.Host.Proposals;
using Missions.Host.Tests.Proposals;

namespace Missions.Benchmarks;

/// <summary>
/// How well the proposer the host is configured with drafts the project's request sets (<see cref="RequestSets"/>):
/// title, assignee and due date all right, each of them, how many drafts the model made (the rest fell back to the
/// offline rules: a timeout, a refusal), and how long a draft took. With no <c>Missions:AI:*</c> settings this is the
/// offline proposer (the held-out tests' figures); with them, the model — the measure issue 13's 90% asks for.
/// </summary>
internal sealed class ProposalAccuracy(BenchDatabase database, IReadOnlyDictionary<string, string> settings)
{
    public async Task RunAsync()
    {
        await using var host = new Host(database, settings);
        var proposer = host.Services.GetRequiredService<IProposer>();
        Console.WriteLine($"{"set",-24} {"requests",8} {"all right",10} {"title",7} {"assignee",9} {"due",6} {"by model",9} {"p50 ms",8} {"max ms",8}");
        foreach (var file in RequestSets.Files)
        {
            var cases = RequestSets.Load(file);
            var scores = new List<RequestSets.Score>();
            var times = new List<double>();
            var byModel = 0;
            foreach (var expected in cases)
            {
                var started = Stopwatch.GetTimestamp();
                var draft = await proposer.DraftAsync(expected.Request, CancellationToken.None);
                times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                byModel += draft.DraftedBy == DraftPaths.Offline ? 0 : 1;
                scores.Add(RequestSets.ScoreOf(expected, draft));
            }

            string Share(Func<RequestSets.Score, bool> right) => (scores.Count(right) / (double)scores.Count).ToString("P0", CultureInfo.InvariantCulture);
            times.Sort();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{file,-24} {cases.Count,8} {Share(s => s.AllRight),10} {Share(s => s.Title),7} {Share(s => s.Assignee),9} {Share(s => s.Due),6} {byModel,9} {times[times.Count / 2],8:F1} {times[^1],8:F1}"));
        }
    }

    private sealed class Host(BenchDatabase database, IReadOnlyDictionary<string, string> settings) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            database.Apply(builder);
            foreach (var (key, value) in settings)
            {
                builder.UseSetting(key, value);
            }
        }
    }
}
