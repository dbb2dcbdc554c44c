using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Missions.BotFramework;

/// <summary>A failed Connector call, with what the sender needs to decide whether and when to try again.</summary>
public sealed class ConnectorException(HttpStatusCode status, string? code, string message, TimeSpan? retryAfter) : Exception(message)
{
    public HttpStatusCode Status { get; } = status;
    public string? Code { get; } = code;
    public TimeSpan? RetryAfter { get; } = retryAfter;

    /// <summary>Teams' 403 for a bot that was blocked or removed: writing here will not work again.</summary>
    public bool WritesBlocked => Status == HttpStatusCode.Forbidden && Code == "MessageWritesBlocked";

    /// <summary>429, and the statuses the Teams docs say to retry: 412, 502, 503, 504.</summary>
    public bool Transient => Status is HttpStatusCode.TooManyRequests or HttpStatusCode.PreconditionFailed
        or HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout;
}

/// <summary>
/// The Bot Connector REST API (v3): send, reply in thread, update, delete, create conversation, members. The
/// serviceUrl's own path is kept (<c>/amer/&lt;tenant&gt;/</c>), ids are escaped in paths, and no request leaves for
/// a service URL the <see cref="ServiceUrlPolicy"/> does not allow.
/// </summary>
public sealed class ConnectorClient(HttpClient http, IConnectorTokenProvider tokens, ServiceUrlPolicy policy)
{
    public Task<ResourceResponse> SendToConversationAsync(string serviceUrl, string conversationId, Activity activity, CancellationToken cancellationToken) =>
        SendAsync<ResourceResponse>(HttpMethod.Post, serviceUrl, $"v3/conversations/{Escape(conversationId)}/activities", activity, cancellationToken);

    /// <summary>A reply to an activity: threaded where the channel threads (a Teams channel), appended elsewhere.</summary>
    public Task<ResourceResponse> ReplyToActivityAsync(string serviceUrl, string conversationId, string activityId, Activity activity, CancellationToken cancellationToken) =>
        SendAsync<ResourceResponse>(HttpMethod.Post, serviceUrl, $"v3/conversations/{Escape(conversationId)}/activities/{Escape(activityId)}", activity, cancellationToken);

    /// <summary>Replaces a message the bot sent (a card updated in place).</summary>
    public Task<ResourceResponse> UpdateActivityAsync(string serviceUrl, string conversationId, string activityId, Activity activity, CancellationToken cancellationToken)
    {
        activity.Id = activityId;
        return SendAsync<ResourceResponse>(HttpMethod.Put, serviceUrl, $"v3/conversations/{Escape(conversationId)}/activities/{Escape(activityId)}", activity, cancellationToken);
    }

    public Task DeleteActivityAsync(string serviceUrl, string conversationId, string activityId, CancellationToken cancellationToken) =>
        SendAsync<JsonNode>(HttpMethod.Delete, serviceUrl, $"v3/conversations/{Escape(conversationId)}/activities/{Escape(activityId)}", null, cancellationToken);

    public Task<ConversationResourceResponse> CreateConversationAsync(string serviceUrl, ConversationParameters parameters, CancellationToken cancellationToken) =>
        SendAsync<ConversationResourceResponse>(HttpMethod.Post, serviceUrl, "v3/conversations", parameters, cancellationToken);

    public async Task<IReadOnlyList<ChannelAccount>> GetMembersAsync(string serviceUrl, string conversationId, CancellationToken cancellationToken) =>
        await SendAsync<List<ChannelAccount>>(HttpMethod.Get, serviceUrl, $"v3/conversations/{Escape(conversationId)}/members", null, cancellationToken) ?? [];

    /// <summary>
    /// Fetches a file the Connector keeps for a conversation (an image pasted into a Teams message, at its
    /// <c>contentUrl</c>) with the bot's token: only from under the conversation's own service URL, and only when the
    /// policy allows that, so the token goes to no other host (not blob storage, SharePoint, or another conversation's
    /// service). The caller reads the answer and disposes it.
    /// </summary>
    public async Task<HttpResponseMessage> GetAttachmentAsync(string serviceUrl, Uri contentUrl, CancellationToken cancellationToken)
    {
        var service = BaseOf(serviceUrl);
        if (!string.Equals(contentUrl.Scheme, service.Scheme, StringComparison.OrdinalIgnoreCase)
            || !string.Equals(contentUrl.Authority, service.Authority, StringComparison.OrdinalIgnoreCase)
            || !contentUrl.AbsolutePath.StartsWith(service.AbsolutePath, StringComparison.Ordinal))
        {
            throw new ConnectorException(HttpStatusCode.Forbidden, "NotOnServiceUrl",
                $"it is kept at {contentUrl.Host}, not by this conversation's Bot Connector, so the bot's token was not sent there", null);
        }

        using var request = await AuthorizedAsync(HttpMethod.Get, service, contentUrl, "fetch from", cancellationToken);
        return await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
    }

    /// <summary>Gets (or renews) the outbound token ahead of a send; the provider caches it.</summary>
    public Task WarmUpAsync(CancellationToken cancellationToken) => tokens.GetTokenAsync(cancellationToken);

    /// <summary>The base URL with its path kept and a trailing slash, so relative routes resolve under it.</summary>
    public static Uri BaseOf(string serviceUrl)
    {
        if (!Uri.TryCreate(serviceUrl, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http"))
        {
            throw new ArgumentException($"'{serviceUrl}' is not a service URL.", nameof(serviceUrl));
        }

        return uri.AbsolutePath.EndsWith('/') ? uri : new Uri(uri + "/");
    }

    private static string Escape(string id) => Uri.EscapeDataString(id);

    private async Task<T> SendAsync<T>(HttpMethod method, string serviceUrl, string route, object? body, CancellationToken cancellationToken)
    {
        var baseUri = BaseOf(serviceUrl);
        using var request = await AuthorizedAsync(method, baseUri, new Uri(baseUri, route), "call", cancellationToken);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, body.GetType(), options: BotJson.Options);
        }

        using var response = await http.SendAsync(request, cancellationToken);
        if (response.IsSuccessStatusCode)
        {
            if (response.Content.Headers.ContentLength is 0 || response.StatusCode == HttpStatusCode.NoContent)
            {
                return default!;
            }

            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            return text.Length == 0 ? default! : JsonSerializer.Deserialize<T>(text, BotJson.Options)!;
        }

        var error = await response.Content.ReadAsStringAsync(cancellationToken);
        var (code, message) = ReadError(error);
        throw new ConnectorException(response.StatusCode, code, $"{method} {route} answered {(int)response.StatusCode}: {message}", RetryAfter(response));
    }

    /// <summary>A request to <paramref name="target"/> with the bot's token, made only when the policy allows <paramref name="service"/>.</summary>
    private async Task<HttpRequestMessage> AuthorizedAsync(HttpMethod method, Uri service, Uri target, string verb, CancellationToken cancellationToken)
    {
        if (!policy.IsAllowed(service))
        {
            throw new ConnectorException(HttpStatusCode.Forbidden, "ServiceUrlNotAllowed",
                $"Refusing to {verb} {service.GetLeftPart(UriPartial.Authority)}: it did not arrive with a validated token and is not a Bot Framework host.", null);
        }

        var request = new HttpRequestMessage(method, target);
        if (await tokens.GetTokenAsync(cancellationToken) is { } token)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return request;
    }

    private static TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta)
        {
            return delta;
        }

        return header?.Date is { } date ? date - DateTimeOffset.UtcNow : null;
    }

    /// <summary>
    /// Reads the Connector's ErrorResponse <c>{error:{code,message}}</c> and Teams' other shape
    /// <c>{errorCode, message:"{…subCode…}"}</c>, defensively: a body that is neither still yields a message.
    /// </summary>
    public static (string? Code, string Message) ReadError(string body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return (null, "no body");
        }

        try
        {
            var node = JsonNode.Parse(body);
            if (node?["error"] is JsonObject error)
            {
                return ((error["code"] as JsonValue)?.ToString(), (error["message"] as JsonValue)?.ToString() ?? body);
            }

            var message = (node?["message"] as JsonValue)?.ToString() ?? body;
            if (message.Contains("MessageWritesBlocked", StringComparison.Ordinal))
            {
                return ("MessageWritesBlocked", message);
            }

            return ((node?["errorCode"] as JsonValue)?.ToString() ?? (node?["code"] as JsonValue)?.ToString(), message);
        }
        catch (JsonException)
        {
            return (null, body.Length > 500 ? body[..500] : body);
        }
    }
}
