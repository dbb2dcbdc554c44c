using Missions.Host.Conversations;
using Missions.Host.Data;
using Missions.Host.Outbox;

namespace Missions.Host.WebChat;

/// <summary>
/// Delivers outbox messages into a web chat conversation: the transcript is the channel, so a post appends an
/// activity and an update re-emits the message with its id and original timestamp (Web Chat replaces it in place).
/// </summary>
public sealed class WebChatOutboxTransport(IServiceScopeFactory scopes, TimeProvider clock) : IOutboxTransport
{
    public string Channel => WebChatTurns.Channel;

    public async Task<string?> DeliverAsync(ConversationReference reference, OutboxPayload payload, string? existingMessageId, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MissionsDbContext>();
        var turns = scope.ServiceProvider.GetRequiredService<WebChatTurns>();
        var conversationId = reference.ConversationId;
        await using var write = await db.BeginWriteAsync(cancellationToken);
        var original = existingMessageId is null ? null : await DirectLineQueries.For(db).LatestJson(db, conversationId, existingMessageId);
        var card = payload.Card?.DeepClone().AsObject();
        var activity = original is not null
            ? WebChatTurns.Replacement(conversationId, original, existingMessageId!, payload.Text, card)
            : WebChatTurns.BotActivity(conversationId, payload.ReplyToId, clock.GetUtcNow().UtcDateTime, payload.Text, card);
        turns.Append(conversationId, activity);
        await db.SaveChangesAsync(cancellationToken);
        await write.CommitAsync(cancellationToken);
        return activity["id"]!.GetValue<string>();
    }
}
