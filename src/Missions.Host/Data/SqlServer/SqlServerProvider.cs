#if MISSIONS_SQLSERVER
using Microsoft.EntityFrameworkCore;

namespace Missions.Host.Data;

// Compiled only with -p:EnableSqlServer=true (see Missions.Host.csproj). The model and the hand-written migrations
// carry what SQL Server needs (identity annotations, bounded key strings, the filtered unique index on ProposalId).
internal static partial class SqlServerProvider
{
    static partial void UseSqlServer(DbContextOptionsBuilder db, string? connectionString, ref bool used)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new InvalidOperationException("The sqlserver provider needs ConnectionStrings:Missions.");
        }

        // No EnableRetryOnFailure: the domain opens its own transactions, which a retrying strategy would refuse.
        db.UseSqlServer(connectionString);
        used = true;
    }
}
#endif
