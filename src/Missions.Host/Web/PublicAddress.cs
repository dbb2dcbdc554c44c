using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;
using Missions.Host.Runs;

namespace Missions.Host.Web;

/// <summary>
/// Where people reach this host, for links that leave it (a chat message needs an absolute URL; Teams an https one):
/// <c>Missions:Artifacts:PublicUrl</c> when set, else the address the host listens on.
/// </summary>
public sealed class PublicAddress(IOptions<ArtifactLinkOptions> options, IServer server)
{
    /// <summary>The address without a trailing slash, e.g. <c>https://missions.example.com</c>.</summary>
    public string Root
    {
        get
        {
            if (options.Value.PublicUrl is { Length: > 0 } configured)
            {
                return configured.TrimEnd('/');
            }

            var listening = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? "http://localhost";
            // A wildcard listener is not an address a person can open.
            return listening.Replace("://+", "://localhost", StringComparison.Ordinal).Replace("://*", "://localhost", StringComparison.Ordinal)
                .Replace("://0.0.0.0", "://localhost", StringComparison.Ordinal).Replace("://[::]", "://localhost", StringComparison.Ordinal).TrimEnd('/');
        }
    }

    /// <summary>The mission's page.</summary>
    public string Mission(long number) => $"{Root}/missions/{Missions.Mission.FormatNumber(number)}";

    /// <summary>The board page.</summary>
    public string Board => $"{Root}/board";
}
