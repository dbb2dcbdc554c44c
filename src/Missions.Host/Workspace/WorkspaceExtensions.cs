namespace Missions.Host.Workspace;

public static class WorkspaceExtensions
{
    public static IHostApplicationBuilder AddWorkspace(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<SeedOptions>().BindConfiguration(SeedOptions.Section);
        builder.Services.AddOptions<ApproverOptions>().BindConfiguration(ApproverOptions.Section);
        builder.Services.AddSingleton<ApproverPolicy>();
        return builder;
    }
}
