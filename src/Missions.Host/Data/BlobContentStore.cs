using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using Azure;
using Azure.Core;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace Missions.Host.Data;

/// <summary>
/// Content in an Azure Blob Storage container through the official SDK (Azure.Storage.Blobs): block blobs, written
/// whole, read as a stream, deleted if they exist. Authorized by the SAS in the container URL, or by an Azure.Identity
/// credential. The SDK's own retries are the only ones; what still fails is an <see cref="IOException"/> (a run treats
/// it as passing and tries again).
/// </summary>
internal sealed class BlobContentStore(BlobContainerClient container) : IContentStore
{
    public static BlobContentStore Create(ContentStoreOptions options, TokenCredential? credential, BlobClientOptions? clientOptions = null)
    {
        var address = new Uri(options.BlobContainerUrl!.TrimEnd('/'));
        return new BlobContentStore(credential is null ? new BlobContainerClient(address, clientOptions) : new BlobContainerClient(address, credential, clientOptions));
    }

    public async Task<StoredContent> SaveAsync(string key, Stream content, CancellationToken cancellationToken)
    {
        // Contents here are bounded (attachments by their limit, artifacts small): hashed and sent in one request.
        using var buffer = new MemoryStream();
        await content.CopyToAsync(buffer, cancellationToken);
        var bytes = buffer.ToArray();
        try
        {
            await container.GetBlobClient(key).UploadAsync(new BinaryData(bytes), overwrite: true, cancellationToken);
        }
        catch (RequestFailedException e)
        {
            throw Failure("store", key, e);
        }

        return new StoredContent(key, bytes.Length, Convert.ToHexStringLower(SHA256.HashData(bytes)));
    }

    public async Task<Stream?> OpenReadAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            var download = await container.GetBlobClient(key).DownloadStreamingAsync(cancellationToken: cancellationToken);
            return download.Value.Content;
        }
        catch (RequestFailedException e) when (e.ErrorCode == BlobErrorCode.BlobNotFound || e.Status == 404)
        {
            return null;
        }
        catch (RequestFailedException e)
        {
            throw Failure("read", key, e);
        }
    }

    public async Task DeleteAsync(string key, CancellationToken cancellationToken)
    {
        try
        {
            await container.GetBlobClient(key).DeleteIfExistsAsync(cancellationToken: cancellationToken);
        }
        catch (RequestFailedException e)
        {
            throw Failure("delete", key, e);
        }
    }

    public async IAsyncEnumerable<StoredItem> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var blob in container.GetBlobsAsync(new GetBlobsOptions { Prefix = prefix }, cancellationToken))
        {
            yield return new StoredItem(blob.Name, blob.Properties.LastModified ?? DateTimeOffset.MinValue);
        }
    }

    private static IOException Failure(string what, string key, RequestFailedException e) =>
        new($"The blob store refused to {what} '{key}': {e.Status} {e.ErrorCode ?? ""} {e.Message.Split('\n')[0]}".TrimEnd(), e);
}
