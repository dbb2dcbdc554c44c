using System.Reflection;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Missions.Host.Data;

namespace Missions.Host.Tests.Data;

/// <summary>
/// Each provider keeps its own migrations and snapshot (made by dotnet-ef), and each snapshot matches the model: a
/// model change without <c>./add-migration.sh</c> fails here (and the host would refuse to migrate). No connection is
/// made, so SQL Server is covered too.
/// </summary>
public sealed class MigrationSetTests
{
    public static TheoryData<string> Providers => [DatabaseProviders.Sqlite, DatabaseProviders.Postgres, DatabaseProviders.SqlServer];

    [Theory, MemberData(nameof(Providers))]
    public void The_providers_migrations_match_the_model(string provider)
    {
        using var db = Context(provider);
        var migrations = db.GetService<IMigrationsAssembly>();

        Assert.NotNull(migrations.ModelSnapshot);
        Assert.NotEmpty(migrations.Migrations);
        var folder = db.GetType().Name.Replace("MissionsDbContext", "", StringComparison.Ordinal);
        Assert.All(migrations.Migrations.Values.Append(migrations.ModelSnapshot.GetType().GetTypeInfo()),
            type => Assert.Equal($"Missions.Host.Data.Migrations.{folder}", type.Namespace));
        Assert.False(db.Database.HasPendingModelChanges(), $"The {provider} model has changes no migration holds; run ./add-migration.sh <Name>.");
    }

    internal static MissionsDbContext Context(string provider) => provider switch
    {
        DatabaseProviders.Sqlite => new SqliteDesignTimeFactory().CreateDbContext([]),
        DatabaseProviders.Postgres => new PostgresDesignTimeFactory().CreateDbContext([]),
        _ => new SqlServerDesignTimeFactory().CreateDbContext([]),
    };
}
