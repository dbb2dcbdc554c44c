using Microsoft.Extensions.DependencyInjection;
using Missions.Host.Conversations;
using Missions.Host.Data;
using Missions.Host.Workspace;

namespace Missions.Host.Tests.Infrastructure;

/// <summary>
/// The bot with no channel and no HTTP: turns go straight to <see cref="MissionBot"/> on the real host's services and
/// database, each in its own scope and write transaction, as the turn pipeline runs them. Conversations are plain
/// references of a channel no transport serves, so what the bot shows is read from its reply.
/// </summary>
public sealed class BotHarness : IAsyncDisposable
{
    public const string Channel = "test";

    private BotHarness(MissionsApp app) => App = app;

    public MissionsApp App { get; }

    public static readonly ChatUser Alice = new("user-alice", "Alice");
    public static readonly ChatUser Bob = new("user-bob", "Bob");

    public static async Task<BotHarness> StartAsync(Provider provider = Provider.Sqlite, IDictionary<string, string?>? settings = null) =>
        new(await MissionsApp.StartAsync(provider, settings));

    /// <summary>The bot on a host whose clock the test moves.</summary>
    public static async Task<BotHarness> StartAsync(Provider provider, IDictionary<string, string?>? settings, TimeProvider clock) =>
        new(await MissionsApp.StartAsync(provider, settings, services => services.AddSingleton(clock)));

    /// <summary>A new conversation the bot may answer in.</summary>
    public Task<Guid> ConversationAsync() => App.WithDbAsync(async db =>
    {
        await using var write = await db.BeginWriteAsync(CancellationToken.None);
        var reference = await ConversationStore.UpsertAsync(db, new ConversationInfo(Channel, "c-" + Guid.NewGuid().ToString("N")), DateTime.UtcNow, CancellationToken.None);
        await write.CommitAsync(CancellationToken.None);
        return reference.Id;
    });

    /// <summary>Words said in a conversation of <paramref name="workspace"/> (the local one unless said).</summary>
    public Task<BotReply> SayAsync(Guid conversation, string text, ChatUser? from = null, string workspace = Workspaces.Local) =>
        TurnAsync(new ChatTurn(Channel, conversation, workspace, from ?? Alice, text, null, null, null));

    public Task<BotReply> PressAsync(Guid conversation, ChatAction action, ChatUser? from = null, string workspace = Workspaces.Local) =>
        TurnAsync(new ChatTurn(Channel, conversation, workspace, from ?? Alice, null, action, null, null));

    /// <summary>One turn: read first, then the writes in one transaction; a refusal comes out as the exception it is.</summary>
    public async Task<BotReply> TurnAsync(ChatTurn turn)
    {
        await using var scope = App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MissionsDbContext>();
        var bot = scope.ServiceProvider.GetRequiredService<MissionBot>();
        var prepared = await bot.PrepareAsync(turn, CancellationToken.None);
        await using var write = await db.BeginWriteAsync(CancellationToken.None);
        var reply = await bot.HandleAsync(turn, prepared, CancellationToken.None);
        await write.SaveAndCommitAsync(db, CancellationToken.None);
        return reply;
    }

    /// <summary>A request, and the proposal the bot drafted for it.</summary>
    public async Task<ProposalView> ProposeAsync(Guid conversation, string text, ChatUser? from = null) =>
        Assert.IsType<ProposalView>(Assert.Single((await SayAsync(conversation, text, from)).Posts));

    public static T Only<T>(BotReply reply) where T : ChatView => Assert.IsType<T>(Assert.Single(reply.Posts));

    public ValueTask DisposeAsync() => App.DisposeAsync();
}
