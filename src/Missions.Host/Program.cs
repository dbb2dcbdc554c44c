using Missions.Host.Ai;
using Missions.Host.Board;
using Missions.Host.Conversations;
using Missions.Host.Data;
using Missions.Host.Diagnostics;
using Missions.Host.Discord;
using Missions.Host.Missions;
using Missions.Host.Outbox;
using Missions.Host.Proposals;
using Missions.Host.Runs;
using Missions.Host.Teams;
using Missions.Host.Web;
using Missions.Host.WebChat;
using Missions.Host.Workspace;

if (args is ["teams-package", ..])
{
    return TeamsAppPackage.Run(args);
}

if (args is ["discord-commands", ..])
{
    return await DiscordCommands.RunAsync(args, Console.Out);
}

if (args is ["health"])
{
    return await HealthProbe.RunAsync();
}

var builder = WebApplication.CreateBuilder(args);

// Where to listen: what the platform says (Urls, ASPNETCORE_URLS, ASPNETCORE_HTTP_PORTS as the official container
// images set it, Kestrel endpoints); with nothing said, this machine only, on a fixed port.
if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["http_ports"])
    && string.IsNullOrEmpty(builder.Configuration["https_ports"]) && !builder.Configuration.GetSection("Kestrel:Endpoints").Exists())
{
    builder.WebHost.UseUrls("http://127.0.0.1:5280");
}

builder.AddMissionsData();
builder.AddWorkspace();
builder.AddMissions();
builder.AddProposals();
builder.AddConversations();
builder.AddWebChat();
builder.AddTeams();
builder.AddDiscord();
builder.AddOutbox();
builder.AddRuns();
builder.AddAi();
builder.AddTelemetry();
builder.AddMissionsApi();
builder.AddBoardPages();

var app = builder.Build();

await app.StartMissionsDatabaseAsync((services, ct) => services.SeedWorkspaceAsync(ct), TimeSpan.FromSeconds(10));

app.UseSecurityHeaders();

app.MapMissionsApi();
app.MapWebChat();
app.MapTeams();
app.MapDiscord();
app.MapBoardPages();
app.MapArtifacts();

await app.RunAsync();
return 0;

/// <summary>The entry point, public so integration tests can host it through WebApplicationFactory.</summary>
public partial class Program;
