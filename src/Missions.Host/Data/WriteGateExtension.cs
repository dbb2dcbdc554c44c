using Microsoft.EntityFrameworkCore.Infrastructure;

namespace Missions.Host.Data;

/// <summary>
/// Carries the application's <see cref="WriteGate"/> inside the context options, so a pooled context (whose only
/// constructor argument is its options) still finds it. It adds no EF services.
/// </summary>
internal sealed class WriteGateExtension(WriteGate gate) : IDbContextOptionsExtension
{
    public WriteGate Gate { get; } = gate;

    public DbContextOptionsExtensionInfo Info => new ExtensionInfo(this);

    public void ApplyServices(IServiceCollection services)
    {
    }

    public void Validate(IDbContextOptions options)
    {
    }

    private sealed class ExtensionInfo(IDbContextOptionsExtension extension) : DbContextOptionsExtensionInfo(extension)
    {
        public override bool IsDatabaseProvider => false;

        public override string LogFragment => "";

        public override int GetServiceProviderHashCode() => 0;

        public override bool ShouldUseSameServiceProvider(DbContextOptionsExtensionInfo other) => other is ExtensionInfo;

        public override void PopulateDebugInfo(IDictionary<string, string> debugInfo)
        {
        }
    }
}
