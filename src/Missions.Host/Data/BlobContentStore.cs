using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using Azure.Core;

namespace Missions.Host.Data;

/// <summary>
/// Content in an Azure Blob Storage container, over the Blob service's REST protocol (Put Blob, Get Blob, Delete
/// Blob; block blobs): the Azure SDK's storage packages do not restore here, and these three calls are all the store
/// needs. Authorized by the SAS in the container URL, or by an Azure.Identity token for https://storage.azure.com.
/// Failures are <see cref="IOException"/>s (a run treats them as passing and tries again).
/// </summary>
internal sealed class BlobContentStore(HttpClient http, ContentStoreOptions options, TokenCredential? credential, TimeProvider clock) : IContentStore
{
    /// <summary>The Blob service version these requests are written for.</summary>
    public const string ServiceVersion = "2023-11-03";

    private static readonly string[] Scopes = ["https://storage.azure.com/.default"];
    private readonly Uri container = new(options.BlobContainerUrl!.TrimEnd('/'));

    public async Task<StoredContent> SaveAsync(string key, Stream content, CancellationToken cancellationToken)
    {
        // Put Blob needs the length up front; contents here are bounded (attachments by their limit, artifacts small).
        using var buffer = new MemoryStream();
        await content.CopyToAsync(buffer, cancellationToken);
        var bytes = buffer.ToArray();
        using var request = await RequestAsync(HttpMethod.Put, key, cancellationToken);
        request.Headers.Add("x-ms-blob-type", "BlockBlob");
        request.Content = new ByteArrayContent(bytes);
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
#pragma warning disable CA5351 // Content-MD5 is the Blob service's transfer integrity check (it refuses a mismatch), not a security use.
        request.Content.Headers.ContentMD5 = MD5.HashData(bytes);
#pragma warning restore CA5351
        using var response = await SendAsync(request, cancellationToken);
        await EnsureAsync(response, "store", key, HttpStatusCode.Created);
        return new StoredContent(key, bytes.Length, Convert.ToHexStringLower(SHA256.HashData(bytes)));
    }

    public async Task<Stream?> OpenReadAsync(string key, CancellationToken cancellationToken)
    {
        using var request = await RequestAsync(HttpMethod.Get, key, cancellationToken);
        var response = await SendAsync(request, cancellationToken, HttpCompletionOption.ResponseHeadersRead);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            response.Dispose();
            return null;
        }

        try
        {
            await EnsureAsync(response, "read", key, HttpStatusCode.OK);
            return new ResponseStream(await response.Content.ReadAsStreamAsync(cancellationToken), response);
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    public async Task DeleteAsync(string key, CancellationToken cancellationToken)
    {
        using var request = await RequestAsync(HttpMethod.Delete, key, cancellationToken);
        using var response = await SendAsync(request, cancellationToken);
        if (response.StatusCode != HttpStatusCode.NotFound)
        {
            await EnsureAsync(response, "delete", key, HttpStatusCode.Accepted);
        }
    }

    private async Task<HttpRequestMessage> RequestAsync(HttpMethod method, string key, CancellationToken cancellationToken)
    {
        // Each segment of the key escaped; the container URL's own query (a SAS) carried over.
        var name = string.Join('/', key.Split('/').Select(Uri.EscapeDataString));
        var uri = new UriBuilder(container) { Path = container.AbsolutePath.TrimEnd('/') + "/" + name }.Uri;
        var request = new HttpRequestMessage(method, uri);
        request.Headers.Add("x-ms-version", ServiceVersion);
        request.Headers.Add("x-ms-date", clock.GetUtcNow().ToString("R", System.Globalization.CultureInfo.InvariantCulture));
        if (credential is not null)
        {
            var token = await credential.GetTokenAsync(new TokenRequestContext(Scopes), cancellationToken);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token.Token);
        }

        return request;
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken, HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead)
    {
        try
        {
            return await http.SendAsync(request, completion, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            throw new IOException($"The blob store could not be reached: {e.Message}", e);
        }
    }

    private static async Task EnsureAsync(HttpResponseMessage response, string what, string key, HttpStatusCode expected)
    {
        if (response.StatusCode == expected)
        {
            return;
        }

        var code = response.Headers.TryGetValues("x-ms-error-code", out var values) ? values.FirstOrDefault() : null;
        var body = await response.Content.ReadAsStringAsync();
        throw new IOException($"The blob store refused to {what} '{key}': {(int)response.StatusCode} {code ?? response.ReasonPhrase} {(body.Length > 300 ? body[..300] : body)}".TrimEnd());
    }

    /// <summary>The blob's body, which owns the response it came from.</summary>
    private sealed class ResponseStream(Stream inner, HttpResponseMessage response) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => response.Content.Headers.ContentLength ?? throw new NotSupportedException();
        public override long Position { get => inner.Position; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => inner.ReadAsync(buffer, cancellationToken);
        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => inner.ReadAsync(buffer, offset, count, cancellationToken);
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
                response.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
