using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Xml.Linq;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Missions.Host.Tests.Infrastructure;

/// <summary>
/// A local server speaking the part of the Azure Blob service protocol the product uses — Put Blob (block blobs),
/// Get Blob, Delete Blob, List Blobs (by prefix, in one page) — with a SAS signature it checks, the headers the service
/// requires and its error codes.
/// </summary>
public sealed class BlobService : IAsyncDisposable
{
    public const string Account = "devstoreaccount1";
    public const string Container = "missions";
    public const string Signature = "test-signature";

    private readonly ConcurrentDictionary<string, byte[]> blobs = new();
    private readonly ConcurrentDictionary<string, DateTimeOffset> written = new();
    private readonly ConcurrentQueue<string> requests = new();
    private WebApplication? app;

    public Uri Address { get; private set; } = null!;

    /// <summary>The container URL as an operator would configure it: with its SAS.</summary>
    public string ContainerUrl(string signature = Signature) => $"{Address}{Account}/{Container}?sv=2023-11-03&sr=c&sp=rcwd&sig={signature}";

    public IReadOnlyDictionary<string, byte[]> Blobs => blobs;

    /// <summary>"METHOD path" of every request, in order.</summary>
    public IReadOnlyList<string> Requests => requests.ToList();

    public static async Task<BlobService> StartAsync()
    {
        var service = new BlobService();
        service.app = LoopbackServer.Create();
        service.app.Map($"/{Account}/{Container}/{{**name}}", service.HandleAsync);
        service.app.MapGet($"/{Account}/{Container}", service.ListAsync);
        await service.app.StartAsync();
        service.Address = new Uri(service.app.Urls.First() + "/");
        return service;
    }

    /// <summary>A blob as if written at <paramref name="at"/> (as the account holds it after that long).</summary>
    public void Put(string name, byte[] bytes, DateTimeOffset at)
    {
        blobs[name] = bytes;
        written[name] = at;
    }

    /// <summary>Refuses a request without the SAS or the headers the service requires; true when it did.</summary>
    private async Task<bool> RefusedAsync(HttpContext http, string what)
    {
        var request = http.Request;
        requests.Enqueue($"{request.Method} {what}");
        if (request.Query["sig"] != Signature)
        {
            await ErrorAsync(http, 403, "AuthenticationFailed");
            return true;
        }

        // x-ms-version always; a date only with Shared Key authorization (a SAS request carries its own validity).
        if (string.IsNullOrEmpty(request.Headers["x-ms-version"])
            || (request.Headers.Authorization.ToString().StartsWith("SharedKey", StringComparison.Ordinal) && string.IsNullOrEmpty(request.Headers["x-ms-date"])))
        {
            await ErrorAsync(http, 400, "MissingRequiredHeader");
            return true;
        }

        return false;
    }

    /// <summary>List Blobs: <c>?restype=container&amp;comp=list&amp;prefix=…</c>, answered in one page.</summary>
    private async Task ListAsync(HttpContext http)
    {
        if (await RefusedAsync(http, "list " + http.Request.Query["prefix"]))
        {
            return;
        }

        if (http.Request.Query["restype"] != "container" || http.Request.Query["comp"] != "list")
        {
            await ErrorAsync(http, 400, "InvalidQueryParameterValue");
            return;
        }

        var prefix = http.Request.Query["prefix"].ToString();
        var listed = new XElement("Blobs", blobs.Keys.Where(n => n.StartsWith(prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal).Select(name =>
            new XElement("Blob",
                new XElement("Name", name),
                new XElement("Properties",
                    new XElement("Last-Modified", written.GetValueOrDefault(name, DateTimeOffset.UtcNow).ToString("R", CultureInfo.InvariantCulture)),
                    new XElement("Etag", "0x8D0000000000000"),
                    new XElement("Content-Length", blobs.TryGetValue(name, out var b) ? b.Length : 0),
                    new XElement("BlobType", "BlockBlob")))));
        var answer = new XElement("EnumerationResults", new XAttribute("ServiceEndpoint", Address.ToString()), new XAttribute("ContainerName", Container),
            new XElement("Prefix", prefix), listed, new XElement("NextMarker"));
        http.Response.ContentType = "application/xml";
        await http.Response.WriteAsync("<?xml version=\"1.0\" encoding=\"utf-8\"?>" + answer.ToString(SaveOptions.DisableFormatting));
    }

    private async Task HandleAsync(HttpContext http, string name)
    {
        var request = http.Request;
        if (await RefusedAsync(http, name))
        {
            return;
        }

        switch (request.Method)
        {
            case "PUT":
                if (request.Headers["x-ms-blob-type"] != "BlockBlob")
                {
                    await ErrorAsync(http, 400, "MissingRequiredHeader");
                    return;
                }

                using (var buffer = new MemoryStream())
                {
                    await request.Body.CopyToAsync(buffer);
                    var bytes = buffer.ToArray();
#pragma warning disable CA5351 // the protocol's integrity check, as the service does it
                    if (request.Headers.ContentMD5 is { Count: > 0 } md5 && md5.ToString() != Convert.ToBase64String(MD5.HashData(bytes)))
#pragma warning restore CA5351
                    {
                        await ErrorAsync(http, 400, "Md5Mismatch");
                        return;
                    }

                    Put(name, bytes, DateTimeOffset.UtcNow);
                }

                http.Response.StatusCode = 201;
                return;
            case "GET":
                if (!blobs.TryGetValue(name, out var blob))
                {
                    await ErrorAsync(http, 404, "BlobNotFound");
                    return;
                }

                http.Response.ContentType = "application/octet-stream";
                http.Response.ContentLength = blob.Length;
                await http.Response.Body.WriteAsync(blob);
                return;
            case "DELETE":
                written.TryRemove(name, out _);
                if (!blobs.TryRemove(name, out _))
                {
                    await ErrorAsync(http, 404, "BlobNotFound");
                    return;
                }

                http.Response.StatusCode = 202;
                return;
            default:
                await ErrorAsync(http, 405, "UnsupportedHttpVerb");
                return;
        }
    }

    private static async Task ErrorAsync(HttpContext http, int status, string code)
    {
        http.Response.StatusCode = status;
        http.Response.Headers["x-ms-error-code"] = code;
        http.Response.ContentType = "application/xml";
        await http.Response.WriteAsync($"<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>{code}</Code><Message>{code}</Message></Error>");
    }

    public async ValueTask DisposeAsync()
    {
        if (app is not null)
        {
            await app.DisposeAsync();
        }
    }
}
