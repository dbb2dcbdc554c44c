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
}
