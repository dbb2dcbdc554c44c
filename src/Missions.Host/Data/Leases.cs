namespace Missions.Host.Data;

/// <summary>Leases in the database: how a host names itself on the rows it has claimed.</summary>
public static class Leases
{
    /// <summary>A fresh owner name for this host instance: machine, process, and a random id (fits a name column).</summary>
    public static string NewOwner()
    {
        var owner = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";
        return owner.Length > MissionsDbContext.NameLength ? owner[^MissionsDbContext.NameLength..] : owner;
    }
}
