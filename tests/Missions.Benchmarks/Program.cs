using System.Globalization;

namespace Missions.Benchmarks;

/// <summary>
/// Usage: dotnet run -c Release --project tests/Missions.Benchmarks -- [--postgres] [--stream] [--host-process] [conversations] [seconds] [warm-up seconds]
/// (--stream: the conversations read Direct Line's stream, as Web Chat does, instead of polling; --host-process: the
/// host in a process of its own, so its working set and CPU are measured alone),
/// or: … -- [--postgres] runs [runs] [conversations] (the run queue: runs per second and the outbox delivery delay),
/// or: … -- [--postgres] discord [senders] [seconds] [warm-up seconds] (signed slash commands: the initial answer),
/// or: … -- [--postgres] board [missions] [requests] (the board's first paint and a move's round trip with many missions),
/// or: … -- proposals [--Missions:AI:Endpoint=… --Missions:AI:Model=… …] (how well the configured proposer drafts the
/// project's request sets; the offline rules with no model settings).
/// SQLite (a fresh file, durable commits) unless --postgres (a fresh database on a local cluster, as the tests start one).
/// (An explicit entry point: top-level statements would declare a second Program beside the host's.)
/// </summary>
internal static class Bench
{
    public static async Task Main(string[] args)
    {
        var postgres = args.Contains("--postgres");
        var stream = args.Contains("--stream");
        var hostProcess = args.Contains("--host-process");
        // Host settings given as --Key=value (the proposals mode's model), as the host takes them on its command line.
        var settings = args.Where(a => a.StartsWith("--", StringComparison.Ordinal) && a.Contains('=', StringComparison.Ordinal))
            .Select(a => a[2..].Split('=', 2)).ToDictionary(kv => kv[0], kv => kv[1]);
        args = args.Where(a => a is not "--postgres" and not "--stream" and not "--host-process" && !(a.StartsWith("--", StringComparison.Ordinal) && a.Contains('=', StringComparison.Ordinal))).ToArray();
        int Arg(int index, int otherwise) => args.Length > index ? int.Parse(args[index], CultureInfo.InvariantCulture) : otherwise;
        // Every mode hosts the product in this process: its content root is the project's folder in this repository.
        Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_MISSIONS_HOST", Path.Combine(Missions.Host.Tests.Infrastructure.Repository.Root, "src", "Missions.Host"));
        await using var database = await BenchDatabase.CreateAsync(postgres);
        var machine = $"{Environment.ProcessorCount} cores, .NET {Environment.Version}";

        switch (args)
        {
            case ["runs", ..]:
                var (runs, chats) = (Arg(1, 1000), Arg(2, 50));
                Console.WriteLine($"Missions run queue: {runs} offline runs, {chats} web chat conversations, one host, {database.Description}; {machine}");
                await new RunQueueLoad(runs, chats, database).RunAsync();
                break;
            case ["board", ..]:
                var (missions, requests) = (Arg(1, 10_000), Arg(2, 100));
                Console.WriteLine($"Missions board: {missions} missions, {requests} page loads and {requests * 3} moves, one at a time, {database.Description}; {machine}");
                Print(await new BoardLoad(missions, requests, database).RunAsync());
                break;
            case ["proposals", ..]:
                Console.WriteLine($"Missions proposer accuracy: {(settings.TryGetValue("Missions:AI:Endpoint", out var endpoint) ? "the model at " + endpoint : "the offline rules (no Missions:AI:Endpoint)")}; {machine}");
                await new ProposalAccuracy(database, settings).RunAsync();
                break;
            case ["discord", ..]:
                var (senders, measured, warm) = (Arg(1, 32), Arg(2, 20), Arg(3, 20));
                Console.WriteLine($"Missions Discord interactions: {senders} concurrent signed /mission new commands, {warm} s warm-up, {measured} s measured, {database.Description}; {machine}");
                Print(await new DiscordLoad(senders, TimeSpan.FromSeconds(warm), TimeSpan.FromSeconds(measured), database).RunAsync());
                break;
            default:
                // 20 s of warm-up: the chat code is still being recompiled by the tiering JIT for ~15 s after it first
                // runs (thousands of methods, up to a third of a core), which is start-up cost, not the steady state.
                var (conversations, seconds, warmUp) = (Arg(0, 32), Arg(1, 20), Arg(2, 20));
                Console.WriteLine($"Missions chat-loop load: {conversations} concurrent Direct Line conversations ({(stream ? "reading the stream" : "polling")}), {warmUp} s warm-up, {seconds} s measured per scenario, {database.Description}");
                Console.WriteLine($"{machine}, {(hostProcess ? "the host in its own process" : "server and load generator in one process")}");
                Print(await new ChatLoopLoad(conversations, TimeSpan.FromSeconds(warmUp), TimeSpan.FromSeconds(seconds), database, stream, hostProcess).RunAsync());
                break;
        }
    }

    private static void Print(IReadOnlyList<Result> results)
    {
        Console.WriteLine();
        Console.WriteLine($"{"scenario",-34} {"count",8} {"per s",9} {"p50 ms",8} {"p99 ms",8} {"max ms",8}");
        foreach (var r in results)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{r.Name,-34} {r.Count,8} {r.PerSecond,9:F1} {r.P50,8:F1} {r.P99,8:F1} {r.Max,8:F1}"));
        }
    }
}
