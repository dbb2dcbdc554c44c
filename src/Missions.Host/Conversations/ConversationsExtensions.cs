using Missions.Host.Proposals;

namespace Missions.Host.Conversations;

public static class ConversationsExtensions
{
    public static IHostApplicationBuilder AddConversations(this IHostApplicationBuilder builder)
    {
        builder.Services.AddScoped<MissionBot>();
        builder.Services.AddSingleton<WorkspaceCache>();
        // The offline proposer is the default; a model-backed one replaces this registration when configured.
        builder.Services.AddSingleton<IProposer, OfflineProposer>();

        // Deliveries answered at once and handled after the answer (channels register their IInboxHandler).
        builder.Services.AddOptions<InboxOptions>().Bind(builder.Configuration.GetSection("Missions:Inbox"));
        builder.Services.AddSingleton<InboxSignal>();
        builder.Services.AddHostedService<InboxWorker>();
        return builder;
    }
}
