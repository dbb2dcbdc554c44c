namespace Missions.Host.Outbox;

public static class OutboxExtensions
{
    public static IHostApplicationBuilder AddOutbox(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<OutboxOptions>().Bind(builder.Configuration.GetSection(OutboxOptions.Section))
            .Validate(o => o.PollInterval > TimeSpan.Zero, "Missions:Outbox:PollInterval must be positive.")
            .Validate(o => o.Lease >= TimeSpan.FromSeconds(1), "Missions:Outbox:Lease must be at least one second.")
            .Validate(o => o.ShutdownGrace >= TimeSpan.Zero, "Missions:Outbox:ShutdownGrace must not be negative.")
            .Validate(o => o.MaxConversations is >= 1 and <= 1000, "Missions:Outbox:MaxConversations must be 1 to 1000.")
            .Validate(o => o.MaxAttempts >= 1, "Missions:Outbox:MaxAttempts must be 1 or more.")
            .Validate(o => o.MaxBackoff > TimeSpan.Zero, "Missions:Outbox:MaxBackoff must be positive.")
            .Validate(o => o.ProgressInterval >= TimeSpan.Zero, "Missions:Outbox:ProgressInterval must not be negative.")
            .ValidateOnStart();
        builder.Services.AddSingleton<OutboxSignal>();
        builder.Services.AddScoped<ConversationOutbox>();
        builder.Services.AddSingleton<OutboxDispatcher>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<OutboxDispatcher>());
        return builder;
    }
}
