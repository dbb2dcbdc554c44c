using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Missions.Host.Proposals;
using Missions.Host.Runs;

namespace Missions.Host.Ai;

public static class AiExtensions
{
    /// <summary>
    /// With <c>Missions:AI:Endpoint</c> configured, the model drafts proposals and does the staff agents' runs in
    /// place of the offline proposer and agent (registered before this); with nothing configured, nothing changes.
    /// </summary>
    public static IHostApplicationBuilder AddAi(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<AiOptions>().Bind(builder.Configuration.GetSection(AiOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<AiOptions>, AiOptionsValidator>();
        var settings = builder.Configuration.GetSection(AiOptions.Section).Get<AiOptions>() ?? new AiOptions();
        if (!settings.Enabled)
        {
            return builder;
        }

        services.AddSingleton(sp => new AiClients(sp.GetRequiredService<IOptions<AiOptions>>()));
        services.Replace(ServiceDescriptor.Singleton<IProposer, ModelProposer>());
        services.Replace(ServiceDescriptor.Singleton<IStaffAgent, ModelStaffAgent>());
        return builder;
    }

    private sealed class AiOptionsValidator : IValidateOptions<AiOptions>
    {
        public ValidateOptionsResult Validate(string? name, AiOptions options) =>
            options.Problem() is { } problem ? ValidateOptionsResult.Fail(problem) : ValidateOptionsResult.Success;
    }
}
