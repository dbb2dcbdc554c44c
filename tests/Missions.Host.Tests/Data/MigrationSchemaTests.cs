using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Missions.Host.Data;
using Missions.Host.Tests.Infrastructure;

namespace Missions.Host.Tests.Data;

/// <summary>
/// Each provider's migrations must build exactly the schema the model would: one empty database is migrated, another
/// is created from the model, and their catalogs (tables, columns, types, nullability, keys, identity, indexes,
/// foreign keys) are read back and compared.
/// </summary>
public sealed class MigrationSchemaTests
{
    [Theory, Sqlite, Postgres]
    public async Task Migrations_build_the_same_schema_as_the_model(Provider provider)
    {
        await using var migrated = await TestDatabase.CreateAsync(provider);
        await using var created = await TestDatabase.CreateAsync(provider);

        await using (var db = migrated.CreateContext())
        {
            await db.Database.MigrateAsync();
            Assert.Empty(await db.Database.GetPendingMigrationsAsync());
            // Applying again is a no-op, as it is at every start-up.
            await db.Database.MigrateAsync();
        }

        await using (var db = created.CreateContext())
        {
            await db.Database.EnsureCreatedAsync();
        }

        var fromMigrations = await DescribeAsync(migrated);
        var fromModel = await DescribeAsync(created);

        // The description is real: every table of the model is in it, with its keys and indexes.
        Assert.Contains("table Missions", fromModel);
        Assert.Contains(fromModel, line => line.StartsWith("index Missions IX_Missions_Number unique", StringComparison.Ordinal));
        Assert.Contains(fromModel, line => line.StartsWith("fk RunLogEntries", StringComparison.Ordinal));
        Assert.Equal(19, fromModel.Count(line => line.StartsWith("table ", StringComparison.Ordinal)));

        var missing = fromModel.Except(fromMigrations).ToList();
        var extra = fromMigrations.Except(fromModel).ToList();
        Assert.True(missing.Count == 0 && extra.Count == 0,
            $"Schema differs on {provider}.\nIn the model but not the migrations:\n  {string.Join("\n  ", missing)}\nIn the migrations but not the model:\n  {string.Join("\n  ", extra)}");
    }

    private static async Task<List<string>> DescribeAsync(TestDatabase database)
    {
        await using var db = database.CreateContext();
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync();
        var lines = database.Provider == Provider.Sqlite ? await DescribeSqliteAsync(connection) : await DescribePostgresAsync(connection);
        lines.Sort(StringComparer.Ordinal);
        return lines;
    }

    private static async Task<List<string>> DescribeSqliteAsync(DbConnection connection)
    {
        var lines = new List<string>();
        var tables = await QueryAsync(connection,
            "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '__EFMigrations%'");
        foreach (var table in tables)
        {
            var name = table[0]!;
            lines.Add($"table {name}");
            if (table[1]!.Contains("AUTOINCREMENT", StringComparison.OrdinalIgnoreCase))
            {
                lines.Add($"autoincrement {name}");
            }

            foreach (var c in await QueryAsync(connection, $"SELECT name, type, \"notnull\", pk, dflt_value FROM pragma_table_info('{name}')"))
            {
                lines.Add($"column {name}.{c[0]} {c[1]} notnull={c[2]} pk={c[3]} default={c[4]}");
            }

            foreach (var i in await QueryAsync(connection, $"SELECT name, \"unique\", origin, partial FROM pragma_index_list('{name}')"))
            {
                var columns = await QueryAsync(connection, $"SELECT name FROM pragma_index_info('{i[0]}') ORDER BY seqno");
                // Automatic indexes behind PRIMARY KEY constraints are named by SQLite, not by us: describe them by shape.
                var indexName = i[2] == "pk" ? "(pk)" : i[0];
                lines.Add($"index {name} {indexName} {(i[1] == "1" ? "unique" : "plain")} origin={i[2]} partial={i[3]} ({string.Join(",", columns.Select(x => x[0]))})");
            }

            foreach (var f in await QueryAsync(connection, $"SELECT \"from\", \"table\", \"to\", on_delete, on_update FROM pragma_foreign_key_list('{name}')"))
            {
                lines.Add($"fk {name}.{f[0]} -> {f[1]}.{f[2]} delete={f[3]} update={f[4]}");
            }
        }

        return lines;
    }

    private static async Task<List<string>> DescribePostgresAsync(DbConnection connection)
    {
        var lines = new List<string>();
        foreach (var t in await QueryAsync(connection,
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name NOT LIKE '__EFMigrations%'"))
        {
            lines.Add($"table {t[0]}");
        }

        foreach (var c in await QueryAsync(connection, """
            SELECT table_name, column_name, data_type, character_maximum_length, is_nullable, column_default, is_identity, identity_generation
            FROM information_schema.columns
            WHERE table_schema = 'public' AND table_name NOT LIKE '__EFMigrations%'
            """))
        {
            lines.Add($"column {c[0]}.{c[1]} {c[2]}({c[3]}) nullable={c[4]} default={c[5]} identity={c[6]}/{c[7]}");
        }

        foreach (var i in await QueryAsync(connection,
            "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename NOT LIKE '__EFMigrations%'"))
        {
            var unique = i[2]!.StartsWith("CREATE UNIQUE", StringComparison.Ordinal) ? "unique" : "plain";
            lines.Add($"index {i[0]} {i[1]} {unique} {i[2]}");
        }

        foreach (var k in await QueryAsync(connection, """
            SELECT rel.relname, con.conname, pg_get_constraintdef(con.oid)
            FROM pg_constraint con JOIN pg_class rel ON rel.oid = con.conrelid JOIN pg_namespace ns ON ns.oid = rel.relnamespace
            WHERE ns.nspname = 'public' AND rel.relname NOT LIKE '__EFMigrations%'
            """))
        {
            lines.Add($"{(k[2]!.StartsWith("FOREIGN KEY", StringComparison.Ordinal) ? "fk" : "constraint")} {k[0]} {k[1]} {k[2]}");
        }

        return lines;
    }

    private static async Task<List<string?[]>> QueryAsync(DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string?[]>();
        while (await reader.ReadAsync())
        {
            var row = new string?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = reader.IsDBNull(i) ? null : Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture);
            }

            rows.Add(row);
        }

        return rows;
    }
}
