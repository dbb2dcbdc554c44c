using System.Globalization;

namespace Missions.Host.Web;

/// <summary>
/// <c>dotnet Missions.Host.dll health</c>: asks the running host on this machine whether it is alive, for a container
/// health check in an image that has no curl. Exit code 0 when <c>/alive</c> answers 200.
/// </summary>
public static class HealthProbe
{
    public static async Task<int> RunAsync(string path = "/alive")
    {
        var port = (Environment.GetEnvironmentVariable("ASPNETCORE_HTTP_PORTS") ?? "8080").Split(';', ',')[0].Trim();
        if (!int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            await Console.Error.WriteLineAsync($"ASPNETCORE_HTTP_PORTS '{port}' is not a port.");
            return 2;
        }

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            using var response = await http.GetAsync(new Uri($"http://127.0.0.1:{number}{path}"));
            return response.IsSuccessStatusCode ? 0 : 1;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            await Console.Error.WriteLineAsync($"The host does not answer on port {number}: {e.Message}");
            return 1;
        }
    }
}
