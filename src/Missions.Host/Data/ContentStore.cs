using System.Security.Cryptography;

namespace Missions.Host.Data;

public sealed class ContentStoreOptions
{
    public const string Section = "Missions:Content";

    /// <summary>Where attachment and artifact bytes live; relative paths are taken from the content root.</summary>
    public string Path { get; set; } = "data/content";

    /// <summary>
    /// An Azure Blob Storage container (<c>https://account.blob.core.windows.net/container</c>, with a SAS token as
    /// its query, or without one when <see cref="BlobUseAzureIdentity"/>). When set, bytes live there instead of on disk.
    /// </summary>
    public string? BlobContainerUrl { get; set; }

    /// <summary>Authorize with Azure.Identity (managed identity, workload identity, the developer's login) instead of a SAS.</summary>
    public bool BlobUseAzureIdentity { get; set; }
}

public sealed record StoredContent(string Key, long Size, string Sha256);

/// <summary>An item as a listing of the store names it: its key, and when it was written.</summary>
public sealed record StoredItem(string Key, DateTimeOffset WrittenAt);

/// <summary>Bytes behind attachments and artifacts, addressed by an opaque key that is never shown to users.</summary>
public interface IContentStore
{
    Task<StoredContent> SaveAsync(string key, Stream content, CancellationToken cancellationToken);

    Task<Stream?> OpenReadAsync(string key, CancellationToken cancellationToken);

    Task DeleteAsync(string key, CancellationToken cancellationToken);

    /// <summary>What is stored under <paramref name="prefix"/> (a folder, such as <c>uploads/</c>), at any depth.</summary>
    IAsyncEnumerable<StoredItem> ListAsync(string prefix, CancellationToken cancellationToken);
}

internal sealed class DiskContentStore : IContentStore
{
    private readonly string root;

    public DiskContentStore(Microsoft.Extensions.Options.IOptions<ContentStoreOptions> options, IHostEnvironment environment)
    {
        root = System.IO.Path.GetFullPath(options.Value.Path, environment.ContentRootPath);
    }

    public async Task<StoredContent> SaveAsync(string key, Stream content, CancellationToken cancellationToken)
    {
        var path = PathOf(key);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        var temporary = path + ".partial";
        long size;
        byte[] hash;
        await using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 81920, useAsync: true))
        {
            using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var buffer = new byte[81920];
            size = 0;
            int read;
            while ((read = await content.ReadAsync(buffer, cancellationToken)) > 0)
            {
                sha.AppendData(buffer, 0, read);
                await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                size += read;
            }

            await file.FlushAsync(cancellationToken);
            hash = sha.GetHashAndReset();
        }

        // Write then rename: a reader never sees half a file, and a crash leaves only a .partial behind.
        File.Move(temporary, path, overwrite: true);
        return new StoredContent(key, size, Convert.ToHexStringLower(hash));
    }

    public Task<Stream?> OpenReadAsync(string key, CancellationToken cancellationToken)
    {
        var path = PathOf(key);
        Stream? stream = File.Exists(path) ? new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, useAsync: true) : null;
        return Task.FromResult(stream);
    }

    public Task DeleteAsync(string key, CancellationToken cancellationToken)
    {
        File.Delete(PathOf(key));
        return Task.CompletedTask;
    }

    public IAsyncEnumerable<StoredItem> ListAsync(string prefix, CancellationToken cancellationToken)
    {
        var folder = PathOf(prefix.TrimEnd('/'));
        var files = Directory.Exists(folder) ? Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories) : [];
        // A write cut short leaves its .partial, listed (and swept) as what it is.
        return files.Select(path => new StoredItem(System.IO.Path.GetRelativePath(root, path).Replace(System.IO.Path.DirectorySeparatorChar, '/'), File.GetLastWriteTimeUtc(path)))
            .ToAsyncEnumerable();
    }

    private string PathOf(string key)
    {
        // Keys are made by the product ("attachments/<mission>/<id>"), but never trust one to stay inside the root.
        var path = System.IO.Path.GetFullPath(System.IO.Path.Combine(root, key));
        if (!path.StartsWith(root + System.IO.Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new ArgumentException("The content key leaves the store.", nameof(key));
        }

        return path;
    }
}
