namespace Missions.Host.WebChat;

public sealed class WebChatOptions
{
    public const string Section = "Missions:WebChat";

    /// <summary>Serve the local chat page at "/" and the Direct Line endpoint at /v3/directline.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// A Direct Line secret for clients other than the local page. With none, tokens are issued to callers on this
    /// machine only.
    /// </summary>
    public string? Secret { get; set; }

    /// <summary>
    /// Base64 key (32 bytes or more) that signs conversation tokens. With none, a random key is made at start-up,
    /// and a page open across a restart asks for a new token (its conversation and transcript are kept).
    /// </summary>
    public string? TokenKey { get; set; }

    public int TokenLifetimeMinutes { get; set; } = 30;

    /// <summary>The most activities one poll returns; Web Chat asks again from the new watermark.</summary>
    public int MaxActivitiesPerPoll { get; set; } = 200;

    /// <summary>
    /// How long a poll that finds nothing new waits for the bot's answer before returning empty (a long poll): the
    /// answer reaches the page the moment it is written, and a polling client does not ask again and again meanwhile.
    /// Zero answers every poll at once.
    /// </summary>
    public TimeSpan PollWait { get; set; } = TimeSpan.FromSeconds(1);
}
