using Microsoft.Extensions.Options;
using Missions.Host.Proposals;

namespace Missions.Host.Conversations;

public static class ConversationsExtensions
{
    public static IHostApplicationBuilder AddConversations(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddScoped<TurnPipeline>();
        services.AddScoped<MissionBot>();
        services.AddScoped<ChatViews>();
        services.AddScoped<LinkedFiles>();
        // Redirects are followed by LinkedFiles itself, each hop checked against the file hosts.
        services.AddHttpClient(LinkedFiles.HttpClientName, c => c.Timeout = TimeSpan.FromSeconds(60))
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false });
        services.AddSingleton<WorkspaceCache>();
        // The offline proposer is the default; a model-backed one replaces this registration when configured.
        services.AddSingleton<IProposer, OfflineProposer>();
        services.AddScoped<IOpenWork, OpenWork>();

        // Deliveries answered at once and handled after the answer, by the channel adapter registered under the
        // channel's name (services.AddKeyedScoped<IChannelAdapter>("msteams", …)).
        services.AddOptions<InboxOptions>().Bind(builder.Configuration.GetSection(InboxOptions.Section))
            .Validate(o => o.PollInterval > TimeSpan.Zero, "Missions:Inbox:PollInterval must be positive.")
            .Validate(o => o.Lease >= TimeSpan.FromSeconds(1), "Missions:Inbox:Lease must be at least one second.")
            .Validate(o => o.MaxConversations is >= 1 and <= 1000, "Missions:Inbox:MaxConversations must be 1 to 1000.")
            .Validate(o => o.MaxAttempts >= 1, "Missions:Inbox:MaxAttempts must be 1 or more.")
            .ValidateOnStart();
        services.AddSingleton<InboxSignal>();
        services.AddSingleton<InboxWrites>();
        services.AddHostedService(sp => sp.GetRequiredService<InboxWrites>());
        services.AddSingleton<InboxWorker>();
        services.AddHostedService(sp => sp.GetRequiredService<InboxWorker>());
        return builder;
    }
}
