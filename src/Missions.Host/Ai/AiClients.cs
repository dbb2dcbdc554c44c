using System.ClientModel;
using System.ClientModel.Primitives;
using System.Collections.Concurrent;
using Azure.Core;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Options;
using OpenAI;

namespace Missions.Host.Ai;

/// <summary>
/// The one OpenAI client of the host and a chat client per model over it. Authentication is an API key (a bearer
/// token, as OpenAI, Azure's v1 endpoint and local servers accept) or an Entra ID token for the configured scope.
/// Retries of 429 (after its Retry-After) and 5xx are the client pipeline's; callers bound the whole with a timeout.
/// </summary>
public sealed class AiClients
{
    private readonly OpenAIClient client;
    private readonly ConcurrentDictionary<string, IChatClient> chats = new(StringComparer.Ordinal);

    public AiClients(IOptions<AiOptions> options, TokenCredential? credential = null, PipelineTransport? transport = null)
    {
        var settings = options.Value;
        Settings = settings;
        var clientOptions = new OpenAIClientOptions
        {
            Endpoint = settings.Endpoint,
            NetworkTimeout = settings.RunTimeout,
            RetryPolicy = new ClientRetryPolicy(settings.MaxRetries),
            UserAgentApplicationId = "missions",
        };
        if (transport is not null)
        {
            clientOptions.Transport = transport;
        }

        client = settings.UseAzureIdentity
            ? CreateWithEntraId(credential ?? new Azure.Identity.DefaultAzureCredential(), settings.TokenScope, clientOptions)
            // A local server needs no key, but the client needs a credential: any word will do.
            : new OpenAIClient(new ApiKeyCredential(settings.ApiKey is { Length: > 0 } key ? key : "none"), clientOptions);
    }

    public AiOptions Settings { get; }

    /// <summary>The chat client for a model: the staff member's own, else the configured one.</summary>
    public IChatClient Chat(string? model = null) =>
        chats.GetOrAdd(string.IsNullOrWhiteSpace(model) ? Settings.Model! : model.Trim(), m => client.GetChatClient(m).AsIChatClient()
            // Calls, durations and tokens as OpenTelemetry's gen_ai conventions say, without the conversation's text.
            .AsBuilder().UseOpenTelemetry(sourceName: Diagnostics.MissionsTelemetry.AiName).Build());

    // The policy constructor is experimental in OpenAI 2.15 (OPENAI001); it is the documented way to use Entra ID
    // with the v1 endpoint, and the Agent Framework's own samples use it.
#pragma warning disable OPENAI001
    private static OpenAIClient CreateWithEntraId(TokenCredential credential, string scope, OpenAIClientOptions options) =>
        new(new BearerTokenPolicy(credential, scope), options);
#pragma warning restore OPENAI001
}
