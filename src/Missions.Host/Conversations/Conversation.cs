namespace Missions.Host.Conversations;

/// <summary>
/// Enough of a conversation to post into it later, from any host, after a restart: the channel, the conversation
/// (and thread), and the channel's own routing data as it arrived.
/// </summary>
public sealed class ConversationReference
{
    public Guid Id { get; set; }

    /// <summary>"webchat", "msteams", "discord", ….</summary>
    public required string Channel { get; set; }

    /// <summary>The channel's conversation id, including any thread suffix.</summary>
    public required string ConversationId { get; set; }

    public string? ThreadId { get; set; }
    public string? ServiceUrl { get; set; }
    public string? TenantId { get; set; }
    public string? BotId { get; set; }
    public string? ConversationType { get; set; }

    /// <summary>The channel-specific reference as JSON, kept verbatim for the channel's sender.</summary>
    public string? ReferenceJson { get; set; }

    /// <summary>The project this conversation is bound to, if any.</summary>
    public Guid? ProjectId { get; set; }

    /// <summary>The last known IANA time zone of the people writing here, for reading "tomorrow" and "by Friday".</summary>
    public string? TimeZone { get; set; }

    /// <summary>Set when the channel told us we may no longer write here (Teams 403 MessageWritesBlocked).</summary>
    public DateTime? ClosedAt { get; set; }

    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public long Version { get; set; } = 1;
}

/// <summary>
/// An inbound delivery, recorded by the channel's own id before it is handled: a retried delivery is answered with
/// the stored response and never handled twice. A delivery whose handling may be slow (a request for the proposer)
/// is queued: stored with its payload and answered at once, then handled by the inbox worker, which claims it with
/// a lease so that exactly one host handles it, also after a crash.
/// </summary>
public sealed class InboundEvent
{
    public required string Channel { get; set; }
    public required string EventId { get; set; }
    public InboundEventStatus Status { get; set; } = InboundEventStatus.Processing;
    public DateTime ReceivedAt { get; set; }
    public DateTime? CompletedAt { get; set; }

    /// <summary>The answer given the first time, replayed for a retry.</summary>
    public string? ResponseJson { get; set; }

    /// <summary>The conversation it arrived in; queued events of one conversation are handled in order.</summary>
    public Guid? ConversationReferenceId { get; set; }

    /// <summary>The delivery as it arrived (the channel's own JSON), for a queued event.</summary>
    public string? PayloadJson { get; set; }

    /// <summary>Times the inbox worker has taken it up.</summary>
    public int Attempts { get; set; }

    /// <summary>When a queued event whose handling failed may be tried again.</summary>
    public DateTime? NextAttemptAt { get; set; }

    public string? LeaseOwner { get; set; }
    public DateTime? LeaseExpiresAt { get; set; }
}

public enum InboundEventStatus
{
    /// <summary>Handled inside the request that delivered it, which is still under way.</summary>
    Processing,
    Completed,
    Failed,

    /// <summary>Answered, stored, and waiting for the inbox worker.</summary>
    Queued,
}

/// <summary>
/// A message to send outside a request, written in the same transaction as the state change that caused it. A view
/// key names the message it belongs to (one progress card per run), so a later message for the same key updates the
/// message already sent instead of posting another.
/// </summary>
public sealed class OutboxMessage
{
    public long Id { get; set; }
    public Guid ConversationReferenceId { get; set; }
    public required string Kind { get; set; }
    public string? ViewKey { get; set; }
    public required string PayloadJson { get; set; }
    public OutboxStatus Status { get; set; } = OutboxStatus.Pending;
    public int Attempts { get; set; }
    public DateTime NextAttemptAt { get; set; }
    public string? LeaseOwner { get; set; }
    public DateTime? LeaseExpiresAt { get; set; }

    /// <summary>The channel's id of the message this delivered (or updated).</summary>
    public string? SentMessageId { get; set; }

    public string? LastError { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime? SentAt { get; set; }
    public long Version { get; set; } = 1;
}

public enum OutboxStatus
{
    Pending,
    Sent,
    Failed,
    Abandoned,
}
