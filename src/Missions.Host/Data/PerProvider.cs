using System.Collections.Concurrent;

namespace Missions.Host.Data;

/// <summary>
/// One instance of a set of compiled queries per database provider: a compiled query binds to the provider it first
/// runs with, and one process may use several (the tests do).
/// </summary>
internal static class PerProvider<T>
    where T : new()
{
    private static readonly ConcurrentDictionary<string, T> ByProvider = new(StringComparer.Ordinal);

    public static T For(MissionsDbContext db) => ByProvider.GetOrAdd(db.Database.ProviderName ?? "", _ => new T());
}
