using System.Net;
using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.Options;
using Missions.BotFramework;
using Missions.Host.Data;
using Missions.Host.Missions;

namespace Missions.Host.Conversations;

/// <summary>What fetching a turn's linked files gave: the files, stored as uploads, and the ones that could not be had, with why.</summary>
public sealed record FetchedFiles(IReadOnlyList<ChatFile> Files, IReadOnlyList<string> Problems)
{
    public static readonly FetchedFiles None = new([], []);
}

/// <summary>
/// Fetches the files a channel only links to (<see cref="LinkedFile"/>) into the content store, as the web chat's
/// uploads are stored, so a turn attaches them the one way. Only from the channels' own file hosts (SharePoint and
/// OneDrive for Teams, Discord's CDN, and <see cref="AttachmentOptions.ChatFileHosts"/>), over https, following at most
/// a few redirects and checking each — or, for a file the channel keeps behind its credentials, through the channel
/// (<see cref="IChannelFiles"/>). Never more than the attachment limit is read. A file that cannot be had is named with
/// the reason, and the others still come.
/// </summary>
public sealed class LinkedFiles(IHttpClientFactory http, IServiceProvider services, IContentStore store, AttachmentService attachments, IOptions<AttachmentOptions> options)
{
    public const string HttpClientName = "chat-files";

    /// <summary>Where Teams (the sender's OneDrive or SharePoint) and Discord (its CDN) keep the files sent in chat.</summary>
    public static readonly IReadOnlyList<string> ChannelFileHosts = ["sharepoint.com", "svc.ms", "cdn.discordapp.com", "media.discordapp.net"];

    private const int MaxRedirects = 5;
    private static readonly FileExtensionContentTypeProvider TypesByName = new();

    private readonly HostSuffixes fileHosts = new(ChannelFileHosts.Concat(options.Value.ChatFileHosts));

    public async Task<FetchedFiles> FetchAsync(ChatTurn turn, CancellationToken cancellationToken)
    {
        if (turn.Links is not { Count: > 0 } links)
        {
            return FetchedFiles.None;
        }

        var files = new List<ChatFile>();
        var problems = new List<string>();
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        budget.CancelAfter(options.Value.ChatFileTimeout);
        foreach (var link in links)
        {
            var (file, problem) = await FetchAsync(turn, link, budget.Token, cancellationToken);
            if (file is not null)
            {
                files.Add(file);
            }
            else
            {
                problems.Add($"{NameOf(link, null)}: {problem}");
            }
        }

        return new FetchedFiles(files, problems);
    }

    /// <summary>One file, within the message's <paramref name="budget"/>; <paramref name="stopping"/> is the turn's own token.</summary>
    private async Task<(ChatFile? File, string? Problem)> FetchAsync(ChatTurn turn, LinkedFile link, CancellationToken budget, CancellationToken stopping)
    {
        if (link.Size is { } declared && attachments.SizeProblem("The file", declared) is { } tooLarge)
        {
            return (null, tooLarge);
        }

        try
        {
            var (opened, refused) = await OpenAsync(turn.Channel, link, budget);
            if (opened is null)
            {
                return (null, refused);
            }

            using var response = opened;
            if (!response.IsSuccessStatusCode)
            {
                return (null, $"it could not be fetched ({(int)response.StatusCode} {response.ReasonPhrase}); links to files expire, so send it again.");
            }

            if (response.Content.Headers.ContentLength is { } length && attachments.SizeProblem("The file", length) is { } large)
            {
                return (null, large);
            }

            // Read at most one byte past the limit: enough to know the file is too large, never the whole of it.
            var limit = options.Value.MaxBytes;
            using var buffer = new MemoryStream();
            await using (var body = await response.Content.ReadAsStreamAsync(budget))
            {
                var chunk = new byte[81920];
                int read;
                while (buffer.Length <= limit && (read = await body.ReadAsync(chunk.AsMemory(0, (int)Math.Min(chunk.Length, limit + 1 - buffer.Length)), budget)) > 0)
                {
                    buffer.Write(chunk, 0, read);
                }
            }

            if (attachments.SizeProblem("The file", buffer.Length) is { } over)
            {
                return (null, over);
            }

            buffer.Position = 0;
            var type = ContentTypeOf(link, response);
            var key = AttachmentService.UploadKey(turn.ConversationReferenceId.ToString("N"));
            var stored = await store.SaveAsync(key, buffer, stopping); // what was read is kept whole
            return (new ChatFile(NameOf(link, type), type, stored.Size, key), null);
        }
        catch (HttpRequestException e)
        {
            return (null, $"it could not be fetched ({e.Message}); send it again.");
        }
        catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
        {
            return (null, "fetching it took too long; send it again.");
        }
    }

    /// <summary>The answer for the link (following redirects between file hosts), or why it was not asked for.</summary>
    private async Task<(HttpResponseMessage? Response, string? Refused)> OpenAsync(string channel, LinkedFile link, CancellationToken cancellationToken)
    {
        if (link.KeptBy is { } keptBy)
        {
            return services.GetKeyedService<IChannelFiles>(channel) is { } files
                ? (await files.GetAsync(link.Url, keptBy, cancellationToken), null)
                : (null, "the channel it came from is not connected here, so I could not fetch it.");
        }

        var client = http.CreateClient(HttpClientName);
        var url = link.Url;
        for (var hop = 0; ; hop++)
        {
            if (!IsFileHost(url))
            {
                return (null, $"it is kept at {url.Host}, which is not a file host of Teams or Discord, so I did not fetch it.");
            }

            var response = await client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if (!IsRedirect(response.StatusCode) || response.Headers.Location is not { } next || hop == MaxRedirects)
            {
                return (response, null);
            }

            response.Dispose();
            url = next.IsAbsoluteUri ? next : new Uri(url, next);
        }
    }

    /// <summary>The file's name, made safe; a pasted image has none and is called after its type ("image.png").</summary>
    private static string NameOf(LinkedFile link, string? type) =>
        AttachmentService.SafeFileName(link.Name is { Length: > 0 } name ? name
            : "image" + (type is not null && TypesByName.Mappings.FirstOrDefault(m => m.Value == type).Key is { } extension ? extension : ""));

    /// <summary>
    /// The type the channel said (unless only "image/*"), else the one the name implies (OneDrive serves every file as
    /// octet-stream), else what the server said.
    /// </summary>
    private static string ContentTypeOf(LinkedFile link, HttpResponseMessage response) =>
        link.ContentType is { Length: > 0 } said && !said.Contains('*', StringComparison.Ordinal) ? said
        : link.Name is { Length: > 0 } && TypesByName.TryGetContentType(link.Name, out var byName) ? byName
        : response.Content.Headers.ContentType?.MediaType ?? "application/octet-stream";

    private bool IsFileHost(Uri url) =>
        fileHosts.Allow(url)
        && (url.Scheme == Uri.UriSchemeHttps || (url.Scheme == Uri.UriSchemeHttp && IPAddress.TryParse(url.Host, out var ip) && IPAddress.IsLoopback(ip)));

    private static bool IsRedirect(HttpStatusCode status) =>
        status is HttpStatusCode.MovedPermanently or HttpStatusCode.Found or HttpStatusCode.SeeOther or HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect;
}
