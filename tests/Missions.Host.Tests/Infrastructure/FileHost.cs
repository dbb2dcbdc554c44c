using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Missions.Host.Tests.Infrastructure;

/// <summary>
/// Where a channel keeps the files people send (Teams: the sender's OneDrive behind a short-lived download link;
/// Discord: its CDN), on loopback: files served by path, an expired link (403), a redirect to another path, and a
/// server that stalls before it answers.
/// </summary>
public sealed class FileHost : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, (byte[] Bytes, string ContentType)> files = new();
    private readonly ConcurrentDictionary<string, string> redirects = new();
    private readonly ConcurrentDictionary<string, TimeSpan> stalls = new();
    private readonly ConcurrentQueue<string> requests = new();
    private WebApplication app = null!;

    public Uri Address { get; private set; } = null!;

    /// <summary>The paths asked for, in order.</summary>
    public IReadOnlyList<string> Requests => requests.ToList();

    public static async Task<FileHost> StartAsync()
    {
        var host = new FileHost { app = LoopbackServer.Create() };
        host.app.MapGet("/{**path}", async (HttpContext http, string path) =>
        {
            host.requests.Enqueue(path);
            if (host.stalls.TryGetValue(path, out var stall))
            {
                try
                {
                    await Task.Delay(stall, http.RequestAborted);
                }
                catch (OperationCanceledException)
                {
                    return Results.Empty; // the caller gave up
                }
            }

            if (host.redirects.TryGetValue(path, out var to))
            {
                return Results.Redirect(new Uri(host.Address, to).ToString());
            }

            // OneDrive serves every file as octet-stream; a link past its time is refused.
            return host.files.TryGetValue(path, out var file) ? Results.Bytes(file.Bytes, file.ContentType) : Results.StatusCode(StatusCodes.Status403Forbidden);
        });
        await host.app.StartAsync();
        host.Address = new Uri(host.app.Urls.First() + "/");
        return host;
    }

    /// <summary>Serves <paramref name="bytes"/> at <paramref name="path"/>; returns its address.</summary>
    public Uri Put(string path, byte[] bytes, string contentType = "application/octet-stream")
    {
        files[path] = (bytes, contentType);
        return new Uri(Address, path);
    }

    /// <summary>Answers <paramref name="path"/> with a redirect to <paramref name="to"/>; returns its address.</summary>
    public Uri Redirect(string path, string to)
    {
        redirects[path] = to;
        return new Uri(Address, path);
    }

    /// <summary>Serves <paramref name="bytes"/> at <paramref name="path"/> only after <paramref name="stall"/>; returns its address.</summary>
    public Uri Slow(string path, byte[] bytes, TimeSpan stall)
    {
        stalls[path] = stall;
        return Put(path, bytes);
    }

    /// <summary>An address with nothing behind it (a link that has expired).</summary>
    public Uri Expired(string path) => new(Address, path);

    public async ValueTask DisposeAsync() => await app.DisposeAsync();
}
