using Missions.Host.Tests.Infrastructure;

namespace Missions.Host.Tests.Api;

/// <summary>The host listens where the platform says, as a container built on the official images tells it.</summary>
public sealed class PlatformSettingsTests
{
    [Fact]
    public async Task A_host_told_its_port_by_ASPNETCORE_HTTP_PORTS_answers_on_it()
    {
        await using var database = await TestDatabase.CreateAsync(Provider.Sqlite);

        // StartAsync waits until /healthz answers on the port given only through ASPNETCORE_HTTP_PORTS.
        await using var host = await HostProcess.StartAsync(new Dictionary<string, string>
        {
            ["Missions:Database:Provider"] = database.ProviderName,
            ["ConnectionStrings:Missions"] = database.ConnectionString,
            ["Missions:Content:Path"] = Path.Combine(database.ScratchDirectory, "content"),
        }, portFromPlatform: true);

        using var http = new HttpClient { BaseAddress = host.Address };
        Assert.Equal(System.Net.HttpStatusCode.OK, (await http.GetAsync("/alive")).StatusCode);
        Assert.DoesNotContain("127.0.0.1:5280", host.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_host_whose_SQL_Server_cannot_be_reached_starts_alive_and_says_why_it_is_not_ready()
    {
        // A port nothing listens on: the SQL Server client's connection is refused.
        using var closed = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        closed.Start();
        var port = ((System.Net.IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop();
        var scratch = Directory.CreateTempSubdirectory("missions-sqlserver-");
        try
        {
            await using var host = await HostProcess.StartAsync(new Dictionary<string, string>
            {
                ["Missions:Database:Provider"] = "sqlserver",
                ["ConnectionStrings:Missions"] = $"Server=tcp:127.0.0.1,{port};Database=missions;User ID=sa;Password=unused;Encrypt=false;Connect Timeout=2",
                ["Missions:Content:Path"] = scratch.FullName,
            }, readyPath: "/alive");

            using var http = new HttpClient { BaseAddress = host.Address };
            var ready = await http.GetAsync("/health");
            Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, ready.StatusCode);
            var said = await ready.Content.ReadAsStringAsync();
            Assert.Contains("The sqlserver database could not be prepared", said, StringComparison.Ordinal);
            Assert.Contains("trying again every 10 s", said, StringComparison.Ordinal);
        }
        finally
        {
            scratch.Delete(recursive: true);
        }
    }
}
