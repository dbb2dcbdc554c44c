namespace Missions.Host.Data;

/// <summary>
/// The data half of the migration that gave missions and proposals a workspace: each takes the workspace of the
/// conversation it came from (<see cref="Workspace.Workspaces.OfTeams"/>, <see cref="Workspace.Workspaces.OfDiscord"/>,
/// said in SQL), and one from the web chat, or with no conversation, is local. Each
/// provider's migration runs it with its own way of joining strings.
/// </summary>
internal static class WorkspaceBackfill
{
    private static readonly string[] Tables = ["Missions", "Proposals"];

    public static IEnumerable<string> Statements(Func<string[], string> concat)
    {
        string Of(string table) => $"""
            (SELECT CASE c."Channel"
                WHEN 'msteams' THEN {concat(["'msteams:'", "COALESCE(c.\"TenantId\", '')"])}
                WHEN 'discord' THEN CASE WHEN COALESCE(c."TenantId", '') = '' THEN {concat(["'discord:dm:'", "c.\"ConversationId\""])} ELSE {concat(["'discord:'", "c.\"TenantId\""])} END
                ELSE 'local' END
             FROM "ConversationReferences" c WHERE c."Id" = "{table}"."ConversationReferenceId")
            """;
        return Tables.Select(table =>
            $"""UPDATE "{table}" SET "Workspace" = COALESCE({Of(table)}, 'local') WHERE "ConversationReferenceId" IS NOT NULL;""");
    }

    /// <summary>SQLite and PostgreSQL join strings with <c>||</c>.</summary>
    public static string Pipes(string[] parts) => string.Join(" || ", parts);

    /// <summary>SQL Server joins them with <c>+</c>.</summary>
    public static string Plus(string[] parts) => string.Join(" + ", parts);
}
