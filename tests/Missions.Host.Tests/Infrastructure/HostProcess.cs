using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Missions.Host.Tests.Infrastructure;

/// <summary>
/// The host as a real process (<c>dotnet Missions.Host.dll</c>), configured through environment variables the way an
/// operator would, on a free loopback port: for tests that kill it, and for the benchmark that measures the host alone.
/// </summary>
public sealed class HostProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly List<string> output = [];

    private HostProcess(Process process, Uri address)
    {
        this.process = process;
        Address = address;
    }

    public Uri Address { get; }

    /// <summary>The running process (its working set and CPU time, for the benchmark).</summary>
    public Process Process => process;

    public string Output
    {
        get
        {
            lock (output)
            {
                return string.Join('\n', output.TakeLast(80));
            }
        }
    }

    /// <param name="portFromPlatform">Say the port as the official container images do (ASPNETCORE_HTTP_PORTS), not with --urls.</param>
    /// <param name="readyPath">What must answer 200 before the host counts as started (readiness by default; liveness for a host expected not to be ready).</param>
    public static async Task<HostProcess> StartAsync(IReadOnlyDictionary<string, string> settings, bool portFromPlatform = false, string readyPath = "/healthz")
    {
        var port = LocalProcess.FreePort();
        var address = new Uri($"http://127.0.0.1:{port}");
        var dll = Path.Combine(AppContext.BaseDirectory, "Missions.Host.dll");
        var start = LocalProcess.StartInfo("dotnet", [dll, "--contentRoot", Path.Combine(Repository.Root, "src", "Missions.Host")], AppContext.BaseDirectory);
        if (portFromPlatform)
        {
            start.Environment["ASPNETCORE_HTTP_PORTS"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        else
        {
            start.ArgumentList.Add("--urls");
            start.ArgumentList.Add(address.ToString().TrimEnd('/'));
        }

        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        foreach (var (key, value) in settings)
        {
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("The host process did not start.");
        var host = new HostProcess(process, address);
        process.OutputDataReceived += (_, e) => host.Record(e.Data);
        process.ErrorDataReceived += (_, e) => host.Record(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException("The host process exited while starting:\n" + host.Output);
            }

            try
            {
                if ((await http.GetAsync(readyPath)).StatusCode == HttpStatusCode.OK)
                {
                    return host;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            if (DateTime.UtcNow >= deadline)
            {
                throw new InvalidOperationException("The host process did not become healthy:\n" + host.Output);
            }

            await Task.Delay(200);
        }
    }

    /// <summary>Kills the process outright, as a crash or a power cut would: no shutdown, no cleanup.</summary>
    public async Task KillAsync()
    {
        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
    }

    private void Record(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.Add(line);
        }
    }


    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            await KillAsync();
        }

        process.Dispose();
    }
}
