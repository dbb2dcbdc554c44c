using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Missions.Host.Data;
using Missions.Host.Proposals;

namespace Missions.Host.Tests.Infrastructure;

/// <summary>
/// The real host in process, on a fresh database of the chosen provider, with intent methods for the tests. Only
/// configuration differs from production: the database, the content folder, and whatever a test adds.
/// </summary>
public sealed class MissionsApp : WebApplicationFactory<Program>
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly Dictionary<string, string?> settings;
    private readonly Action<IServiceCollection>? overrides;
    private bool ownsDatabase;
    private bool onKestrel;

    private MissionsApp(TestDatabase database, Dictionary<string, string?> settings, Action<IServiceCollection>? overrides = null, bool ownsDatabase = true)
    {
        Database = database;
        this.settings = settings;
        this.overrides = overrides;
        this.ownsDatabase = ownsDatabase;
    }

    /// <summary>
    /// A second host on the same database with some in-process services replaced (a seam, never the thing under
    /// test). The original keeps owning the database.
    /// </summary>
    public MissionsApp WithServices(Action<IServiceCollection> configure)
    {
        var app = new MissionsApp(Database, settings, configure, ownsDatabase: false);
        _ = app.Server;
        return app;
    }

    public TestDatabase Database { get; }

    /// <summary>Makes <paramref name="other"/> (a host on the same database) the one that drops it, so this one can stop first.</summary>
    public void GiveDatabaseTo(MissionsApp other)
    {
        other.ownsDatabase |= ownsDatabase;
        ownsDatabase = false;
    }

    /// <summary>
    /// Where in-process requests come from: loopback, as a request to a host on this machine would (the test server
    /// gives them no address at all); set to make them look as if they came from another machine, or null for none.
    /// </summary>
    public IPAddress? RemoteAddress { get; set; } = IPAddress.Loopback;

    /// <summary>The host on real Kestrel on a free loopback port, for a browser: <see cref="BaseAddress"/> is where.</summary>
    public static Task<MissionsApp> StartOnLoopbackAsync(Provider provider, IDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null) =>
        StartAsync(provider, settings, kestrel: true, services);

    /// <summary>
    /// Stops this host and starts a new one on the same database and settings (a restart), with the same service
    /// replacements unless others are given.
    /// </summary>
    public async Task<MissionsApp> RestartAsync(Action<IServiceCollection>? services = null)
    {
        var next = new MissionsApp(Database, settings, services ?? overrides, ownsDatabase: true);
        ownsDatabase = false;
        await DisposeAsync();
        next.Start(onKestrel);
        return next;
    }

    /// <summary>The real server's address when started with <see cref="StartOnLoopbackAsync"/>.</summary>
    public Uri BaseAddress => ClientOptions.BaseAddress;

    public static async Task<MissionsApp> StartAsync(Provider provider, IDictionary<string, string?>? settings = null) =>
        await StartAsync(provider, settings, kestrel: false);

    /// <summary>The host in process with some in-process services replaced (a seam, such as the clock).</summary>
    public static async Task<MissionsApp> StartAsync(Provider provider, IDictionary<string, string?>? settings, Action<IServiceCollection> services) =>
        await StartAsync(provider, settings, kestrel: false, services);

    private static async Task<MissionsApp> StartAsync(Provider provider, IDictionary<string, string?>? settings, bool kestrel, Action<IServiceCollection>? services = null) =>
        StartOn(await TestDatabase.CreateAsync(provider), settings, kestrel, services);

    /// <summary>
    /// A host with two API keys: "writer", who may ask and work, and "lead", the one approver (so also the reviewer and
    /// the admin); a client for each.
    /// </summary>
    public static async Task<(MissionsApp App, HttpClient Writer, HttpClient Lead)> StartWithWriterAndLeadAsync(Provider provider = Provider.Sqlite, IDictionary<string, string?>? settings = null)
    {
        var all = new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>())
        {
            ["Missions:Api:Keys:0:Name"] = "writer",
            ["Missions:Api:Keys:0:Key"] = "writer-key-0123456789",
            ["Missions:Api:Keys:1:Name"] = "lead",
            ["Missions:Api:Keys:1:Key"] = "lead-key-0123456789",
            ["Missions:Approvers:Allowed:0"] = "api:lead",
        };
        var app = await StartAsync(provider, all);
        var writer = app.CreateClient();
        writer.DefaultRequestHeaders.Add("X-Api-Key", "writer-key-0123456789");
        var lead = app.CreateClient();
        lead.DefaultRequestHeaders.Add("X-Api-Key", "lead-key-0123456789");
        return (app, writer, lead);
    }

    /// <summary>The host on a database the test has prepared (which it then owns and drops).</summary>
    public static MissionsApp StartOn(TestDatabase database) => StartOn(database, null, kestrel: false);

    /// <summary>The host on a database the test has prepared, with settings of its own (they win).</summary>
    public static MissionsApp StartOn(TestDatabase database, IDictionary<string, string?> settings) => StartOn(database, settings, kestrel: false);

    private static MissionsApp StartOn(TestDatabase database, IDictionary<string, string?>? settings, bool kestrel, Action<IServiceCollection>? services = null)
    {
        var all = database.HostSettings().ToDictionary(s => s.Key, s => (string?)s.Value);
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        var app = new MissionsApp(database, all, services);
        app.Start(kestrel);
        return app;
    }

    private void Start(bool kestrel)
    {
        onKestrel = kestrel;
        if (kestrel)
        {
            UseKestrel(port: 0);
            StartServer();
        }
        else
        {
            _ = Server; // start now, so a start-up failure surfaces here
        }
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureServices(services => services.AddSingleton<Microsoft.AspNetCore.Hosting.IStartupFilter>(new RemoteAddressFilter(this)));
        if (overrides is not null)
        {
            builder.ConfigureTestServices(overrides);
        }
    }

    public async Task<T> WithDbAsync<T>(Func<MissionsDbContext, Task<T>> work)
    {
        await using var scope = Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<MissionsDbContext>());
    }

    /// <summary>The channel's id of the message a proposal's card was delivered in, once it has been.</summary>
    public Task<string> CardMessageIdAsync(Guid proposalId) => WaitForAsync(db =>
        db.OutboxMessages.Where(o => o.ViewKey == Host.Conversations.ProposalView.KeyOf(proposalId) && o.SentMessageId != null)
            .Select(o => o.SentMessageId).FirstOrDefaultAsync());

    /// <summary>
    /// Shows views in a conversation through the outbox, in one transaction, as a change made elsewhere in the product
    /// would (a run's progress as a run reports it).
    /// </summary>
    public async Task ShowAsync(Guid conversation, IEnumerable<Host.Conversations.ChatView> views)
    {
        await using var scope = Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MissionsDbContext>();
        var outbox = scope.ServiceProvider.GetRequiredService<Host.Outbox.ConversationOutbox>();
        await using var write = await db.BeginWriteAsync(CancellationToken.None);
        foreach (var view in views)
        {
            await (view is Host.Conversations.RunProgressView
                ? outbox.ProgressAsync(conversation, view, CancellationToken.None)
                : outbox.PostAsync(conversation, view, null, CancellationToken.None));
        }

        await write.SaveAndCommitAsync(db, CancellationToken.None);
    }

    /// <summary>Reads until the database shows something (a background delivery, a worker's result), or fails after 20 s.</summary>
    public async Task<T> WaitForAsync<T>(Func<MissionsDbContext, Task<T?>> read)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            if (await WithDbAsync(read) is { } value)
            {
                return value;
            }

            Assert.True(DateTime.UtcNow < deadline, "Timed out waiting for the database.");
            await Task.Delay(50);
        }
    }

    /// <summary>Files sent into a chat still waiting in the content store for a turn (none should outlive their turn).</summary>
    public IEnumerable<string> ChatUploads()
    {
        var folder = Path.Combine(Database.ScratchDirectory, "content", "uploads");
        return Directory.Exists(folder) ? Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories) : [];
    }

    public async Task<JsonObject> CreateMissionAsync(string title = "Summarise competitor pricing", string objective = "A one-page pricing comparison the team can use in the Q3 deck.", object? extra = null)
    {
        var body = JsonSerializer.SerializeToNode(new { title, objective }, Json)!.AsObject();
        if (extra is not null)
        {
            foreach (var (k, v) in JsonSerializer.SerializeToNode(extra, Json)!.AsObject())
            {
                body[k] = v?.DeepClone();
            }
        }

        using var client = CreateClient();
        var response = await client.PostAsJsonAsync("/api/missions", body);
        return await ReadOkAsync(response, HttpStatusCode.Created);
    }

    /// <summary>
    /// Creates missions "Research topic 1…n" and queues a run for each in one transaction, as a burst of work would
    /// (the missions in progress while their runs wait); the run worker finds them at its next look.
    /// </summary>
    public async Task QueueRunsForNewMissionsAsync(int count)
    {
        for (var i = 1; i <= count; i++)
        {
            await CreateMissionAsync($"Research topic {i}", $"A short summary of topic {i}.");
        }

        await WithDbAsync(async db =>
        {
            var now = DateTime.UtcNow;
            await db.Missions.ExecuteUpdateAsync(u => u.SetProperty(m => m.Status, Host.Missions.MissionStatus.InProgress));
            foreach (var mission in await db.Missions.AsNoTracking().ToListAsync())
            {
                db.Runs.Add(new Host.Runs.Run { Id = Guid.CreateVersion7(), MissionId = mission.Id, Trigger = Host.Runs.RunTriggers.Requested, QueuedAt = now });
            }

            return await db.SaveChangesAsync();
        });
    }

    public static async Task<HttpResponseMessage> TransitionAsync(HttpClient client, string number, string to, long? version = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/missions/{number}/transitions") { Content = JsonContent.Create(new { to }) };
        if (version is not null)
        {
            request.Headers.IfMatch.Add(new EntityTagHeaderValue($"\"{version}\""));
        }

        return await client.SendAsync(request);
    }

    public static async Task<HttpResponseMessage> MoveAsync(HttpClient client, string number, object body, long? version = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/missions/{number}/move") { Content = JsonContent.Create(body) };
        if (version is not null)
        {
            request.Headers.IfMatch.Add(new EntityTagHeaderValue($"\"{version}\""));
        }

        return await client.SendAsync(request);
    }

    /// <summary>A pending proposal as the chat loop would store it.</summary>
    public Task<Proposal> SeedProposalAsync(string title = "Draft the launch announcement", string workspace = Host.Workspace.Workspaces.Local) => WithDbAsync(async db =>
    {
        var now = DateTime.UtcNow;
        var proposal = new Proposal
        {
            Id = Guid.CreateVersion7(),
            Title = title,
            Objective = "An announcement ready for review.",
            Description = "can someone draft the launch announcement?",
            Questions = ["Who is the audience?"],
            RequestedById = "29:alice",
            RequestedByName = "Alice",
            Workspace = workspace,
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.Proposals.Add(proposal);
        await db.SaveChangesAsync();
        return proposal;
    });

    /// <summary>
    /// A mission of <paramref name="workspace"/>, written straight into the database (as another channel or host would
    /// have made it), with a finished run waiting for review; its number and the run's id.
    /// </summary>
    public Task<(long Number, Guid RunId)> SeedMissionAsync(string title, string workspace) => WithDbAsync(async db =>
    {
        var now = DateTime.UtcNow;
        await using var write = await db.BeginWriteAsync(CancellationToken.None);
        var mission = new Host.Missions.Mission
        {
            Id = Guid.CreateVersion7(),
            Number = await Counters.NextAsync(db, Counters.MissionNumber, CancellationToken.None),
            Title = title,
            Objective = title + ", done.",
            Status = Host.Missions.MissionStatus.Review,
            Rank = Host.Missions.BoardRank.After(null),
            Workspace = workspace,
            CreatedAt = now,
            UpdatedAt = now,
        };
        var run = new Host.Runs.Run { Id = Guid.CreateVersion7(), MissionId = mission.Id, Status = Host.Runs.RunStatus.Succeeded, Trigger = "requested", Summary = "Done.", QueuedAt = now, FinishedAt = now };
        db.Missions.Add(mission);
        db.Runs.Add(run);
        await db.SaveChangesAsync();
        await write.CommitAsync(CancellationToken.None);
        return (mission.Number, run.Id);
    });

    public static async Task<JsonObject> ReadOkAsync(HttpResponseMessage response, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"Expected {(int)expected}, got {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!.AsObject();
    }

    public static async Task<JsonObject> ReadProblemAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"Expected {(int)expected}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return JsonNode.Parse(text)!.AsObject();
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (ownsDatabase)
        {
            await Database.DisposeAsync();
        }
    }

    private sealed class RemoteAddressFilter(MissionsApp app) : Microsoft.AspNetCore.Hosting.IStartupFilter
    {
        public Action<Microsoft.AspNetCore.Builder.IApplicationBuilder> Configure(Action<Microsoft.AspNetCore.Builder.IApplicationBuilder> next) => builder =>
        {
            builder.Use((context, following) =>
            {
                // Only the in-process server's requests (a real socket's address stays as it is).
                if (!app.onKestrel)
                {
                    context.Connection.RemoteIpAddress = app.RemoteAddress;
                }

                return following();
            });
            next(builder);
        };
    }
}
