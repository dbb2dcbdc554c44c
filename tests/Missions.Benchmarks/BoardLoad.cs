using System.Diagnostics;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Missions.Host.Data;
using Missions.Host.Missions;
using Missions.E2E;
using Missions.Host.Tests.Infrastructure;

namespace Missions.Benchmarks;

/// <summary>
/// The board with many missions: the page's first paint (the server's first rendering of <c>/board</c>, which the
/// browser paints before the page connects) and a move's round trip (<c>POST /api/missions/{n}/move</c>, the operation
/// a drag on the board performs), on a database seeded with <c>missions</c> missions across the four columns; then the
/// page in Chromium (where installed): its first contentful paint and the moment it is live.
/// </summary>
internal sealed class BoardLoad(int missions, int requests, BenchDatabase database)
{
    public async Task<IReadOnlyList<Result>> RunAsync()
    {
        await using var host = new Host(database);
        host.UseKestrel(port: 0);
        host.StartServer();
        await SeedAsync(host.Services);
        using var http = new HttpClient { BaseAddress = host.ClientOptions.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };

        var paint = new Recorder();
        long bytes = 0;
        for (var i = 0; i < requests + 5; i++)
        {
            if (i == 5)
            {
                paint.Start();
            }

            var started = Stopwatch.GetTimestamp();
            var html = await http.GetStringAsync("/board");
            paint.Add(Stopwatch.GetElapsedTime(started));
            bytes = html.Length;
        }

        paint.Stop();
        var moves = new Recorder();
        var refused = 0;
        var random = new Random(7);
        for (var i = 0; i < requests * 3 + 10; i++)
        {
            if (i == 10)
            {
                moves.Start();
            }

            // Within its column, after another card of that column (seeded in a repeating pattern of ten).
            var number = random.Next(1, missions + 1);
            var after = number;
            while (after == number)
            {
                after = ((random.Next(0, missions / 10) * 10) + ((number - 1) % 10)) + 1;
            }

            var started = Stopwatch.GetTimestamp();
            var response = await http.PostAsJsonAsync($"/api/missions/M-{number}/move", new { after = $"M-{after}" });
            moves.Add(Stopwatch.GetElapsedTime(started));
            refused += response.IsSuccessStatusCode ? 0 : 1;
        }

        moves.Stop();
        Console.WriteLine($"moves refused: {refused}");
        Console.WriteLine($"/board first rendering: {bytes / 1024} KB of HTML");
        IReadOnlyList<Result> browser = [];
        if (Browser.Missing is { } missing)
        {
            Console.WriteLine($"not measured in a browser: {missing}");
        }
        else
        {
            browser = await InChromiumAsync(host.ClientOptions.BaseAddress, Math.Max(10, requests / 5));
        }

        return [paint.Summarize($"board: first rendering, {missions} missions"), moves.Summarize("board: a move's round trip"), .. browser];
    }

    /// <summary>
    /// The board as a person opens it: Chromium loads <c>/board</c> in a new context each time (nothing cached) and
    /// reports its first contentful paint, then the time at which the page has connected to the server (live, ready
    /// for a drag), both from the start of the navigation.
    /// </summary>
    private static async Task<IReadOnlyList<Result>> InChromiumAsync(Uri address, int loads)
    {
        var (playwright, browser) = await Browser.LaunchAsync();
        using var driver = playwright;
        await using var chromium = browser;
        var paint = new Recorder();
        var connected = new Recorder();
        for (var i = 0; i < loads + 2; i++)
        {
            if (i == 2)
            {
                paint.Start();
                connected.Start();
            }

            await using var context = await browser.NewContextAsync(new() { ViewportSize = new() { Width = 1400, Height = 900 } });
            var page = await context.NewPageAsync();
            await page.GotoAsync(new Uri(address, "/board").ToString());
            await page.Locator("[data-interactive='true']").WaitForAsync(new() { Timeout = 30_000 });
            var times = await page.EvaluateAsync<double[]>("() => [performance.getEntriesByType('paint').find(e => e.name === 'first-contentful-paint')?.startTime ?? -1, performance.now()]");
            paint.Add(TimeSpan.FromMilliseconds(times[0]));
            connected.Add(TimeSpan.FromMilliseconds(times[1]));
        }

        paint.Stop();
        connected.Stop();
        return [paint.Summarize("Chromium: first contentful paint"), connected.Summarize("Chromium: connected (live)")];
    }

    /// <summary>Missions straight into the database (the operations would take minutes for ten thousand): spread over the columns, ranked.</summary>
    private async Task SeedAsync(IServiceProvider services)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MissionsDbContext>();
        var staff = await db.Staff.Select(s => s.Id).ToListAsync();
        var projects = await db.Projects.Select(p => p.Id).ToListAsync();
        MissionStatus[] spread = [MissionStatus.Backlog, MissionStatus.Backlog, MissionStatus.Backlog, MissionStatus.InProgress, MissionStatus.InProgress, MissionStatus.Review, MissionStatus.Done, MissionStatus.Done, MissionStatus.Done, MissionStatus.Done];
        var ranks = BoardRank.Spread(missions);
        var now = DateTime.UtcNow;
        for (var start = 0; start < missions; start += 1000)
        {
            for (var i = start; i < Math.Min(missions, start + 1000); i++)
            {
                db.Missions.Add(new Mission
                {
                    Id = Guid.CreateVersion7(),
                    Number = i + 1,
                    Title = $"Mission number {i + 1}: draft the partner update for the launch",
                    Objective = "A partner update the team can send.",
                    Status = spread[i % spread.Length],
                    Rank = ranks[i],
                    AssigneeId = staff.Count == 0 ? null : staff[i % staff.Count],
                    ProjectId = projects.Count == 0 ? null : projects[i % projects.Count],
                    DueDate = DateOnly.FromDateTime(now).AddDays(i % 30 - 10),
                    RequestedById = "local",
                    RequestedByName = "Local user",
                    CreatedAt = now,
                    UpdatedAt = now,
                });
            }

            await db.SaveChangesAsync();
            db.ChangeTracker.Clear();
        }

        await db.Counters.Where(c => c.Name == Counters.MissionNumber).ExecuteUpdateAsync(s => s.SetProperty(c => c.Value, missions));
    }

    private sealed class Host(BenchDatabase database) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder) => database.Apply(builder);
    }
}
