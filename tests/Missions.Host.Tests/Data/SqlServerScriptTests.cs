using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Migrations;
using Missions.Host.Data;

namespace Missions.Host.Tests.Data;

/// <summary>
/// SQL Server with no engine here: its migrations' idempotent script for SQL Server is generated (no connection is
/// made) and every table, column, key, index and foreign key of the model is in it. What this does not prove: that
/// SQL Server runs the script, and that the queries behave there as on SQLite and PostgreSQL.
/// </summary>
public sealed class SqlServerScriptTests
{
    [Fact]
    public void The_idempotent_SQL_Server_script_has_every_table_column_key_and_index_of_the_model()
    {
        using var db = MigrationSetTests.Context(DatabaseProviders.SqlServer);

        var script = db.GetService<IMigrator>().GenerateScript(options: MigrationsSqlGenerationOptions.Idempotent);

        Assert.Contains("IF NOT EXISTS", script, StringComparison.Ordinal);
        // Every migration of the SQL Server set is recorded once applied.
        Assert.All(db.Database.GetMigrations(), id => Assert.Contains($"N'{id}'", script, StringComparison.Ordinal));
        var missing = new List<string>();
        var tables = db.Model.GetEntityTypes().Where(e => e.GetTableName() is not null).ToList();
        Assert.Equal(19, tables.Select(e => e.GetTableName()).Distinct().Count());
        foreach (var entity in tables)
        {
            var table = entity.GetTableName()!;
            var store = StoreObjectIdentifier.Table(table, entity.GetSchema());
            var created = Statement(script, $"CREATE TABLE [{table}]");
            if (created is null)
            {
                missing.Add($"table {table}");
                continue;
            }

            foreach (var property in entity.GetProperties())
            {
                var column = property.GetColumnName(store)!;
                if (!created.Contains($"[{column}]", StringComparison.Ordinal) && !script.Contains($"ALTER TABLE [{table}] ADD [{column}]", StringComparison.Ordinal))
                {
                    missing.Add($"column {table}.{column}");
                }
            }

            if (entity.FindPrimaryKey()?.GetName() is { } pk && !script.Contains($"CONSTRAINT [{pk}] PRIMARY KEY", StringComparison.Ordinal))
            {
                missing.Add($"key {pk}");
            }

            missing.AddRange(entity.GetIndexes().Select(i => i.GetDatabaseName()!).Where(name => !script.Contains($"INDEX [{name}]", StringComparison.Ordinal)).Select(name => $"index {name}"));
            missing.AddRange(entity.GetForeignKeys().Select(f => f.GetConstraintName()!).Where(name => !script.Contains($"CONSTRAINT [{name}] FOREIGN KEY", StringComparison.Ordinal)).Select(name => $"foreign key {name}"));
        }

        Assert.True(missing.Count == 0, "Not in the SQL Server script:\n  " + string.Join("\n  ", missing));
    }

    /// <summary>The statement that starts with <paramref name="start"/>, up to the end of its batch.</summary>
    private static string? Statement(string script, string start)
    {
        var at = script.IndexOf(start, StringComparison.Ordinal);
        if (at < 0)
        {
            return null;
        }

        var end = script.IndexOf("\nEND;", at, StringComparison.Ordinal);
        return end < 0 ? script[at..] : script[at..end];
    }
}
