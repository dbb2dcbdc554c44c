namespace Missions.Host.Ai;

/// <summary>
/// The model behind the proposer and the staff agents: any OpenAI-compatible chat completions endpoint (Azure OpenAI's
/// v1 endpoint, OpenAI, Ollama, vLLM, LM Studio). Nothing configured: the offline proposer and agent.
/// </summary>
public sealed class AiOptions
{
    public const string Section = "Missions:AI";

    /// <summary>
    /// The base address, ending in <c>/v1/</c>: <c>https://&lt;resource&gt;.openai.azure.com/openai/v1/</c>,
    /// <c>https://api.openai.com/v1/</c>, <c>http://localhost:11434/v1/</c> (Ollama).
    /// </summary>
    public Uri? Endpoint { get; set; }

    /// <summary>The key, sent as a bearer token (Azure's v1 endpoint accepts it so too). Empty for a local server that needs none.</summary>
    public string? ApiKey { get; set; }

    /// <summary>The model; on Azure, the deployment name. A staff member's own model overrides it for their runs.</summary>
    public string? Model { get; set; }

    /// <summary>Sign in to Azure OpenAI with Entra ID (managed identity, workload identity, the developer's login) instead of a key.</summary>
    public bool UseAzureIdentity { get; set; }

    /// <summary>The scope of the Entra ID token.</summary>
    public string TokenScope { get; set; } = "https://cognitiveservices.azure.com/.default";

    /// <summary>How long a proposal may wait for the model, retries included, before the offline proposer drafts it.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(8);

    /// <summary>How long a staff agent's run may work with the model before it fails (and is tried again).</summary>
    public TimeSpan RunTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The most tokens a staff agent's answer may use.</summary>
    public int MaxOutputTokens { get; set; } = 4000;

    /// <summary>Calls made again after a 429 (honouring Retry-After) or a 5xx, within the timeout.</summary>
    public int MaxRetries { get; set; } = 2;

    /// <summary>
    /// Ask for structured output with <c>response_format: json_schema</c>; servers that only know <c>json_object</c>
    /// are detected (a 400) and asked that way from then on.
    /// </summary>
    public bool JsonSchema { get; set; } = true;

    public bool Enabled => Endpoint is not null;

    /// <summary>What is wrong with the settings, naming the key; null when they are usable.</summary>
    public string? Problem()
    {
        if (Endpoint is null)
        {
            return ApiKey is { Length: > 0 } || Model is { Length: > 0 } || UseAzureIdentity
                ? $"{Section}:Endpoint is required when a key, model or Entra ID is configured."
                : null;
        }

        if (!Endpoint.IsAbsoluteUri || Endpoint.Scheme is not ("http" or "https"))
        {
            return $"{Section}:Endpoint must be an absolute http(s) address, such as https://<resource>.openai.azure.com/openai/v1/.";
        }

        if (string.IsNullOrWhiteSpace(Model))
        {
            return $"{Section}:Model is required (on Azure, the deployment name).";
        }

        if (UseAzureIdentity && ApiKey is { Length: > 0 })
        {
            return $"{Section}: set ApiKey or UseAzureIdentity, not both.";
        }

        if (UseAzureIdentity && Endpoint.Scheme != "https")
        {
            return $"{Section}:Endpoint must be https with UseAzureIdentity: Entra ID tokens are never sent over plain http.";
        }

        if (UseAzureIdentity && string.IsNullOrWhiteSpace(TokenScope))
        {
            return $"{Section}:TokenScope is required with UseAzureIdentity.";
        }

        if (Timeout <= TimeSpan.Zero || RunTimeout <= TimeSpan.Zero)
        {
            return $"{Section}:Timeout and {Section}:RunTimeout must be positive.";
        }

        if (MaxOutputTokens is < 16 or > 200_000)
        {
            return $"{Section}:MaxOutputTokens must be 16 to 200000.";
        }

        return MaxRetries is < 0 or > 10 ? $"{Section}:MaxRetries must be 0 to 10." : null;
    }
}
