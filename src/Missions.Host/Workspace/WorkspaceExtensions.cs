namespace Missions.Host.Workspace;

public static class WorkspaceExtensions
{
    public static IHostApplicationBuilder AddWorkspace(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<SeedOptions>().BindConfiguration(SeedOptions.Section);
        builder.Services.AddOptions<ApproverOptions>().BindConfiguration(ApproverOptions.Section);
        builder.Services.AddOptions<ReviewerOptions>().BindConfiguration(ReviewerOptions.Section);
        builder.Services.AddOptions<AdminOptions>().BindConfiguration(AdminOptions.Section);
        builder.Services.AddSingleton<AccessPolicy>();
        builder.Services.AddOptions<WorkspaceOptions>().BindConfiguration(WorkspaceOptions.Section)
            .Validate(o => o.Joined.All(g => g.All(Workspaces.IsValid)), "Missions:Workspaces:Joined: each entry is a list of workspaces such as \"local\", \"msteams:<tenant id>\" or \"discord:<server id>\".")
            .ValidateOnStart();
        builder.Services.AddSingleton<Workspaces>();
        return builder;
    }
}
