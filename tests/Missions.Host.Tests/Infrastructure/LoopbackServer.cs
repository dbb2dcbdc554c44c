using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace Missions.Host.Tests.Infrastructure;

/// <summary>
/// What the local stand-ins for cloud services (Entra ID, the Bot Connector, Discord, Blob storage) have in common: a
/// bare web app on a free loopback port that writes nothing to the log, and waiting for the calls they recorded.
/// </summary>
public static class LoopbackServer
{
    /// <summary>A bare web app on a free loopback port (the address is in <c>Urls</c> once it has started).</summary>
    public static WebApplication Create()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        return builder.Build();
    }

    /// <summary>
    /// Waits until at least <paramref name="count"/> recorded calls that succeeded (status below 300) match; when they do
    /// not come in time, says every call the stand-in (<paramref name="what"/>) saw.
    /// </summary>
    public static async Task<T[]> WaitForCallsAsync<T>(
        Func<IReadOnlyCollection<T>> recorded, Func<T, int> status, Func<T, bool> match, int count, TimeSpan timeout, string what, Func<T, string> describe)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var calls = recorded();
            var found = calls.Where(c => status(c) < 300 && match(c)).ToArray();
            if (found.Length >= count)
            {
                return found;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Expected {count} matching {what} calls, saw {found.Length}. All calls:\n" + string.Join("\n", calls.Select(describe)));
            }

            await Task.Delay(50);
        }
    }
}
