using System.Text;
using Microsoft.EntityFrameworkCore;
using Missions.Host.Conversations;
using Missions.Host.Data;
using Missions.Host.Web;

namespace Missions.Host.Missions;

public sealed class AttachmentOptions
{
    public const string Section = "Missions:Attachments";

    public long MaxBytes { get; set; } = 10 * 1024 * 1024;

    /// <summary>Accepted content types; text/* types are checked to be text, binary ones by their signature.</summary>
    public List<string> AllowedContentTypes { get; set; } =
    [
        "text/plain", "text/markdown", "text/csv", "application/json", "application/pdf",
        "image/png", "image/jpeg", "image/gif", "image/webp",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ];

    /// <summary>
    /// More host suffixes chat files are fetched from, besides Teams' (SharePoint / OneDrive) and Discord's CDN; https
    /// only, but for a loopback address (a local test server).
    /// </summary>
    public List<string> ChatFileHosts { get; set; } = [];

    /// <summary>
    /// The longest fetching the files of one chat message may take, all of them (a turn holds its place in the
    /// conversation meanwhile); the ones not fetched by then are named, and the others still come.
    /// </summary>
    public TimeSpan ChatFileTimeout { get; set; } = TimeSpan.FromSeconds(60);
}

/// <summary>Checks that an upload's bytes are what its content type claims, before anything is stored.</summary>
public static class ContentSniffer
{
    private static readonly Dictionary<string, byte[][]> Signatures = new(StringComparer.OrdinalIgnoreCase)
    {
        ["application/pdf"] = ["%PDF-"u8.ToArray()],
        ["image/png"] = [[0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]],
        ["image/jpeg"] = [[0xFF, 0xD8, 0xFF]],
        ["image/gif"] = ["GIF87a"u8.ToArray(), "GIF89a"u8.ToArray()],
        ["image/webp"] = ["RIFF"u8.ToArray()],
        // Office Open XML documents are zip packages.
        ["application/vnd.openxmlformats-officedocument.wordprocessingml.document"] = [[0x50, 0x4B, 0x03, 0x04]],
        ["application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"] = [[0x50, 0x4B, 0x03, 0x04]],
        ["application/vnd.openxmlformats-officedocument.presentationml.presentation"] = [[0x50, 0x4B, 0x03, 0x04]],
    };

    public static bool IsTextLike(string contentType) =>
        contentType.StartsWith("text/", StringComparison.OrdinalIgnoreCase) || contentType.Equals("application/json", StringComparison.OrdinalIgnoreCase);

    /// <summary>Null when the head of the content fits the type, else why not.</summary>
    public static string? Check(string contentType, ReadOnlySpan<byte> head)
    {
        if (IsTextLike(contentType))
        {
            if (head.IndexOf((byte)0) >= 0)
            {
                return "The file says it is text but contains binary data.";
            }

            // The head may end inside a multi-byte character; allow an incomplete sequence only at the very end.
            var decoder = new UTF8Encoding(false, true).GetDecoder();
            try
            {
                Span<char> chars = stackalloc char[head.Length + 1];
                decoder.Convert(head, chars, flush: false, out _, out _, out _);
            }
            catch (DecoderFallbackException)
            {
                return "The file says it is text but is not UTF-8.";
            }

            return null;
        }

        if (!Signatures.TryGetValue(contentType, out var signatures))
        {
            return null;
        }

        foreach (var signature in signatures)
        {
            if (head.StartsWith(signature))
            {
                return null;
            }
        }

        return $"The file's content does not look like {contentType}.";
    }
}

public sealed class AttachmentService(MissionsDbContext db, IContentStore store, Microsoft.Extensions.Options.IOptions<AttachmentOptions> options, TimeProvider clock)
{
    private const int SniffLength = 4096;

    /// <summary>Where files sent into a chat wait for their turn (<see cref="UploadKey"/>); what no turn took is swept (<see cref="UploadSweeper"/>).</summary>
    public const string UploadsFolder = "uploads/";

    /// <summary>Where a file sent into a chat waits for its turn: attached by it, or discarded.</summary>
    public static string UploadKey(string conversationId) => $"{UploadsFolder}{conversationId}/{Guid.CreateVersion7():N}";

    /// <summary>Why a file of <paramref name="length"/> bytes is too large to attach (named as <paramref name="what"/>), or null.</summary>
    public string? SizeProblem(string what, long length) =>
        length > options.Value.MaxBytes ? $"{what} is {length:N0} bytes; attachments may be at most {options.Value.MaxBytes:N0} bytes." : null;

    public Task<Attachment> AddAsync(long number, IFormFile file, Actor actor, CancellationToken ct) =>
        AddAsync(number, file.FileName, file.ContentType, file.Length, _ => Task.FromResult(file.OpenReadStream()), actor, ct);

    /// <summary>A file sent with a chat message, attached to a mission; its upload is removed whether or not it could be.</summary>
    public async Task<Attachment> AddUploadAsync(long number, ChatFile file, Actor actor, CancellationToken ct)
    {
        try
        {
            return await AddAsync(number, file.Name, file.ContentType, file.Size, async c =>
                await store.OpenReadAsync(file.Key, c) ?? throw DomainException.NotFound($"{file.Name} is no longer here; send it again."), actor, ct);
        }
        finally
        {
            await store.DeleteAsync(file.Key, CancellationToken.None);
        }
    }

    /// <summary>Removes files sent with a chat message that nothing attached.</summary>
    public async Task DiscardAsync(IEnumerable<ChatFile> files)
    {
        foreach (var file in files)
        {
            await store.DeleteAsync(file.Key, CancellationToken.None);
        }
    }

    /// <summary>
    /// A file sent with a request, kept with its proposal until it is decided (<see cref="ForProposalDecidedAsync"/>);
    /// its upload is removed whether or not it could be kept.
    /// </summary>
    public async Task<Attachment> KeepWithProposalAsync(Guid proposalId, ChatFile file, Actor actor, CancellationToken ct)
    {
        try
        {
            return await StoreAsync(new Holder(null, proposalId, $"attachments/proposals/{proposalId:N}"), file.Name, file.ContentType, file.Size, async c =>
                await store.OpenReadAsync(file.Key, c) ?? throw DomainException.NotFound($"{file.Name} is no longer here; send it again."), actor, ct);
        }
        finally
        {
            await store.DeleteAsync(file.Key, CancellationToken.None);
        }
    }

    /// <summary>
    /// A proposal was decided: approved, its files become the mission's; rejected or expired (<paramref name="missionId"/>
    /// null), they are deleted — the rows in the caller's transaction, the bytes once it commits.
    /// </summary>
    public async Task ForProposalDecidedAsync(Guid proposalId, Guid? missionId, CancellationToken ct)
    {
        var kept = db.Attachments.Where(a => a.ProposalId == proposalId && a.MissionId == null);
        if (missionId is { } id)
        {
            await kept.ExecuteUpdateAsync(s => s.SetProperty(a => a.MissionId, id), ct);
            return;
        }

        var keys = await kept.Select(a => a.StorageKey).ToListAsync(ct);
        if (keys.Count == 0)
        {
            return;
        }

        await kept.ExecuteDeleteAsync(ct);
        db.AfterCommit(() => _ = Task.WhenAll(keys.Select(k => store.DeleteAsync(k, CancellationToken.None))));
    }

    /// <summary>What a file is kept with (a mission or a proposal), and where its bytes go.</summary>
    private sealed record Holder(Guid? MissionId, Guid? ProposalId, string Folder);

    private async Task<Attachment> AddAsync(long number, string? name, string? type, long length, Func<CancellationToken, Task<Stream>> open, Actor actor, CancellationToken ct)
    {
        var mission = await db.Missions.AsNoTracking().SingleOrDefaultAsync(m => m.Number == number, ct)
            ?? throw DomainException.NotFound($"There is no mission {Mission.FormatNumber(number)}.");
        return await StoreAsync(new Holder(mission.Id, null, $"attachments/{mission.Id:N}"), name, type, length, open, actor, ct);
    }

    private async Task<Attachment> StoreAsync(Holder holder, string? name, string? type, long length, Func<CancellationToken, Task<Stream>> open, Actor actor, CancellationToken ct)
    {
        var limits = options.Value;
        if (length == 0)
        {
            throw DomainException.Invalid("file", "The file is empty.");
        }

        if (SizeProblem("The file", length) is { } tooLarge)
        {
            throw DomainException.TooLarge("file", tooLarge);
        }

        var contentType = (type ?? "").Split(';')[0].Trim().ToLowerInvariant();
        if (!limits.AllowedContentTypes.Contains(contentType, StringComparer.OrdinalIgnoreCase))
        {
            throw DomainException.UnsupportedType("file", $"'{(contentType.Length == 0 ? "(none)" : contentType)}' files cannot be attached. Accepted: {string.Join(", ", limits.AllowedContentTypes)}.");
        }

        var fileName = SafeFileName(name);
        await using var opened = await open(ct);
        // A store's stream may not seek; the file is read twice (its head to check it, then whole), so it is held here.
        await using var buffered = opened.CanSeek ? null : new MemoryStream();
        if (buffered is not null)
        {
            await opened.CopyToAsync(buffered, ct);
            buffered.Position = 0;
        }

        var content = buffered ?? opened;
        var head = new byte[(int)Math.Min(SniffLength, length)];
        await content.ReadExactlyAsync(head, ct);
        if (ContentSniffer.Check(contentType, head) is { } mismatch)
        {
            throw DomainException.UnsupportedType("file", mismatch);
        }

        content.Position = 0;
        var id = Guid.CreateVersion7();
        var stored = await store.SaveAsync($"{holder.Folder}/{id:N}", content, ct);
        var now = clock.GetUtcNow().UtcDateTime;
        var attachment = new Attachment
        {
            Id = id,
            MissionId = holder.MissionId,
            ProposalId = holder.ProposalId,
            FileName = fileName,
            ContentType = contentType,
            Size = stored.Size,
            Sha256 = stored.Sha256,
            StorageKey = stored.Key,
            UploadedById = actor.Id,
            UploadedByName = actor.Name,
            CreatedAt = now,
        };
        db.Attachments.Add(attachment);
        var entry = MissionOperations.Activity(Guid.Empty, actor, "attached", now, null, null, null, $"{fileName} ({stored.Size:N0} bytes)");
        (entry.MissionId, entry.ProposalId) = (holder.MissionId, holder.ProposalId);
        db.ActivityEntries.Add(entry);
        try
        {
            await using var transaction = await db.BeginWriteAsync(ct);
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
        }
        catch
        {
            // Nothing points at the bytes: do not leave them behind.
            await store.DeleteAsync(stored.Key, CancellationToken.None);
            throw;
        }

        return attachment;
    }

    internal static string SafeFileName(string? name)
    {
        var baseName = Path.GetFileName((name ?? "").Replace('\\', '/'));
        // No control or invisible format characters (a right-to-left override makes "evil\u202Etxt.exe" look like a .txt).
        var cleaned = new string(CleanText.Line(baseName).Where(c => c != '"' && c != '/').ToArray()).Trim();
        if (cleaned.Length == 0)
        {
            cleaned = "attachment";
        }

        return cleaned.Length <= 200 ? cleaned : cleaned[^200..];
    }
}
