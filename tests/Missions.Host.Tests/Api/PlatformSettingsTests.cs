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
        await using var host = await HostProcess.StartAsync(database.HostSettings(), portFromPlatform: true);

        using var http = new HttpClient { BaseAddress = host.Address };
        Assert.Equal(System.Net.HttpStatusCode.OK, (await http.GetAsync("/alive")).StatusCode);
        Assert.DoesNotContain("127.0.0.1:5280", host.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_host_whose_SQL_Server_cannot_be_reached_starts_alive_and_says_why_it_is_not_ready()
    {
        // A port nothing listens on: the SQL Server client's connection is refused.
        var port = LocalProcess.FreePort();
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

    /// <summary>
    /// What the Dockerfile does, without an image (none can be pulled here): the host published as the image publishes
    /// it, started from the publish folder as its working directory with the image's environment, answers on the port
    /// it was given, and the image's health command says so.
    /// </summary>
    [Fact]
    public async Task The_published_host_runs_as_the_container_runs_it()
    {
#if DEBUG
        const string configuration = "Debug";
#else
        const string configuration = "Release";
#endif
        var output = Directory.CreateTempSubdirectory("missions-publish-");
        try
        {
            var project = Path.Combine(Repository.Root, "src", "Missions.Host", "Missions.Host.csproj");
            var (published, log, errors) = await LocalProcess.RunAsync("dotnet", ["publish", project, "-c", configuration, "--no-build", "-o", output.FullName], Repository.Root);
            Assert.True(published == 0, "dotnet publish failed:\n" + log + errors);
            Assert.True(File.Exists(Path.Combine(output.FullName, "wwwroot", "index.html")) || File.Exists(Path.Combine(output.FullName, "WebChat", "Page", "index.html")), "the chat page is not in the publish output");
            Assert.True(Directory.GetFiles(output.FullName, "webchat.js", SearchOption.AllDirectories).Length > 0, "the web chat bundle is not in the publish output");
            // The sign-in page and the Teams tab's teams-js bundle travel too (used when sign-in is configured).
            Assert.True(File.Exists(Path.Combine(output.FullName, "Web", "SignInPage", "signin.js")), "the sign-in page is not in the publish output");
            Assert.True(Directory.GetFiles(output.FullName, "MicrosoftTeams.min.js", SearchOption.AllDirectories).Length > 0, "the teams-js bundle is not in the publish output");

            var port = LocalProcess.FreePort();
            var environment = new Dictionary<string, string> { ["ASPNETCORE_HTTP_PORTS"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture), ["DOTNET_ENVIRONMENT"] = "Production" };
            using var host = System.Diagnostics.Process.Start(LocalProcess.StartInfo("dotnet", ["Missions.Host.dll"], output.FullName, environment))!;
            try
            {
                using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(5) };
                var deadline = DateTime.UtcNow.AddSeconds(60);
                while (true)
                {
                    try
                    {
                        if ((await http.GetAsync("/health")).IsSuccessStatusCode)
                        {
                            break;
                        }
                    }
                    catch (HttpRequestException)
                    {
                        // not listening yet
                    }

                    Assert.False(host.HasExited, "the published host exited");
                    Assert.True(DateTime.UtcNow < deadline, "the published host did not become ready on its port");
                    await Task.Delay(200);
                }

                // The board's page and the files it loads are served from the published output (from 127.0.0.1 only).
                using var local = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(5) };
                var board = await local.GetStringAsync("/board");
                Assert.Contains("Backlog", board, StringComparison.Ordinal);
                foreach (var asset in new[] { "/_framework/blazor.web.js", "/Missions.Host.styles.css", "/_content/Microsoft.FluentUI.AspNetCore.Components/css/reboot.css" })
                {
                    Assert.True((await local.GetByteArrayAsync(asset)).Length > 100, $"{asset} is empty in the published host");
                }

                // The data folder beside it is where the SQLite file went; the health command answers 0.
                Assert.True(File.Exists(Path.Combine(output.FullName, "data", "missions.db")));
                var (healthy, healthLog, healthErrors) = await LocalProcess.RunAsync("dotnet", ["Missions.Host.dll", "health"], output.FullName, environment);
                Assert.True(healthy == 0, healthLog + healthErrors);
            }
            finally
            {
                host.Kill(entireProcessTree: true);
                await host.WaitForExitAsync();
            }

            var (dead, _, _) = await LocalProcess.RunAsync("dotnet", ["Missions.Host.dll", "health"], output.FullName, environment);
            Assert.Equal(1, dead);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            output.Delete(recursive: true);
        }
    }
}
