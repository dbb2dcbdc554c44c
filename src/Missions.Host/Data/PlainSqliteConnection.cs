#pragma warning disable EF1001 // Replaces one provider service; pinned EF version, covered by the whole test suite on SQLite.
using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Sqlite.Storage.Internal;
using Microsoft.EntityFrameworkCore.Storage;

namespace Missions.Host.Data;

/// <summary>
/// EF's SQLite connection without the user functions it installs for decimal arithmetic and REGEXP (ef_mod,
/// ef_add, ef_compare, …). Microsoft.Data.Sqlite installs a connection's functions again on every open, pooled or
/// not, and a request opens one at least once: that was a measurable part of each chat turn. The model has no
/// decimal columns and no query uses Regex, so none of them is ever called; a query that needed one would fail
/// with "no such function" in the tests.
/// </summary>
internal sealed class PlainSqliteConnection(
    RelationalConnectionDependencies dependencies,
    IRawSqlCommandBuilder rawSqlCommandBuilder,
    IDiagnosticsLogger<DbLoggerCategory.Infrastructure> logger)
    : SqliteRelationalConnection(dependencies, rawSqlCommandBuilder, logger)
{
    protected override DbConnection CreateDbConnection() => new SqliteConnection(GetValidatedConnectionString());
}
