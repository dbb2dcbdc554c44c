using System.Globalization;

namespace Missions.Benchmarks;

/// <summary>
/// Usage: dotnet run -c Release --project tests/Missions.Benchmarks -- [conversations] [seconds] [warm-up seconds]
/// or: … -- runs [runs] [conversations] (the run queue: runs per second and the outbox delivery delay),
/// or: … -- discord [senders] [seconds] [warm-up seconds] (signed slash commands: the initial answer),
/// or: … -- board [missions] [requests] (the board's first paint and a move's round trip with many missions).
/// (An explicit entry point: top-level statements would declare a second Program beside the host's.)
/// </summary>
internal static class Bench
{
    public static async Task Main(string[] args)
    {
        if (args is ["runs", ..])
        {
            // dotnet run -c Release --project tests/Missions.Benchmarks -- runs [runs] [conversations]
            var count = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1000;
            var chats = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 50;
            var runFolder = Path.Combine(Path.GetTempPath(), "missions-bench-" + Guid.NewGuid().ToString("N")[..8]);
            Directory.CreateDirectory(runFolder);
            try
            {
                Console.WriteLine($"Missions run queue: {count} offline runs, {chats} web chat conversations, one host, SQLite (WAL) at {runFolder}; {Environment.ProcessorCount} cores, .NET {Environment.Version}");
                await new RunQueueLoad(count, chats, Path.Combine(runFolder, "missions.db")).RunAsync();
            }
            finally
            {
                Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
                Directory.Delete(runFolder, recursive: true);
            }

            return;
        }

        if (args is ["board", ..])
        {
            // dotnet run -c Release --project tests/Missions.Benchmarks -- board [missions] [requests]
            var count = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 10_000;
            var requests = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 100;
            var boardFolder = Path.Combine(Path.GetTempPath(), "missions-bench-" + Guid.NewGuid().ToString("N")[..8]);
            Directory.CreateDirectory(boardFolder);
            try
            {
                Console.WriteLine($"Missions board: {count} missions, {requests} page loads and {requests * 3} moves, one at a time, SQLite (WAL) at {boardFolder}; {Environment.ProcessorCount} cores, .NET {Environment.Version}");
                Print(await new BoardLoad(count, requests, Path.Combine(boardFolder, "missions.db")).RunAsync());
            }
            finally
            {
                Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
                Directory.Delete(boardFolder, recursive: true);
            }

            return;
        }

        if (args is ["discord", ..])
        {
            // dotnet run -c Release --project tests/Missions.Benchmarks -- discord [senders] [seconds] [warm-up seconds]
            var senders = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 32;
            var measured = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 20;
            var warm = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 20;
            var discordFolder = Path.Combine(Path.GetTempPath(), "missions-bench-" + Guid.NewGuid().ToString("N")[..8]);
            Directory.CreateDirectory(discordFolder);
            try
            {
                Console.WriteLine($"Missions Discord interactions: {senders} concurrent signed /mission new commands, {warm} s warm-up, {measured} s measured, SQLite (WAL) at {discordFolder}; {Environment.ProcessorCount} cores, .NET {Environment.Version}");
                Print(await new DiscordLoad(senders, TimeSpan.FromSeconds(warm), TimeSpan.FromSeconds(measured), Path.Combine(discordFolder, "missions.db")).RunAsync());
            }
            finally
            {
                Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
                Directory.Delete(discordFolder, recursive: true);
            }

            return;
        }

        var conversations = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 32;
        var seconds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 20;
        // 20 s: the chat code is still being recompiled by the tiering JIT for ~15 s after it first runs (thousands of
        // methods, up to a third of a core), which is start-up cost, not the steady state this measures.
        var warmUp = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 20;

        var folder = Path.Combine(Path.GetTempPath(), "missions-bench-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(folder);
        try
        {
            Console.WriteLine($"Missions chat-loop load: {conversations} concurrent Direct Line conversations, {warmUp} s warm-up, {seconds} s measured per scenario, SQLite (WAL) at {folder}");
            Console.WriteLine($"{Environment.ProcessorCount} cores, .NET {Environment.Version}, server and load generator in one process");
            Print(await new ChatLoopLoad(conversations, TimeSpan.FromSeconds(warmUp), TimeSpan.FromSeconds(seconds), Path.Combine(folder, "missions.db")).RunAsync());
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
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