using System.Net;
using Missions.Discord;
using Missions.Host.Conversations;
using Missions.Host.Outbox;

namespace Missions.Host.Discord;

/// <summary>
/// Delivers views to Discord. The reply to a command becomes the command's response message: the deferred "thinking…"
/// response is edited into it, and a second reply to the same command is a follow-up; once the interaction's token has
/// expired (15 minutes) or for anything else, the bot posts into the channel. A view shown before is edited in place
/// with the bot token (interaction tokens expire, bot-authored messages stay editable). Nothing is retried here: a
/// failure goes back to the dispatcher with Discord's retry-after.
/// </summary>
public sealed class DiscordOutboxTransport(DiscordRestClient rest) : IOutboxTransport
{
    /// <summary>The flag of a deferred response still "thinking".</summary>
    private const int Loading = 1 << 7;

    public string Channel => DiscordAdapter.Name;

    public async Task<string?> DeliverAsync(ConversationReference reference, OutboxPayload payload, string? existingMessageId, CancellationToken cancellationToken)
    {
        var message = DiscordViews.Render(payload.View);
        try
        {
            if (existingMessageId is not null)
            {
                try
                {
                    await rest.EditMessageAsync(reference.ConversationId, existingMessageId, message, cancellationToken);
                    return existingMessageId;
                }
                catch (DiscordApiException e) when (e.Code == DiscordApiException.UnknownMessage)
                {
                    // Someone deleted it: show the view as a new message instead.
                }
            }
            else if (payload.ReplyToId is { } replyTo && replyTo.StartsWith(DiscordAdapter.InteractionReplyPrefix, StringComparison.Ordinal) && reference.BotId is { } application)
            {
                var token = replyTo[DiscordAdapter.InteractionReplyPrefix.Length..];
                try
                {
                    var original = await rest.GetOriginalResponseAsync(application, token, cancellationToken);
                    var sent = ((original.Flags ?? 0) & Loading) != 0
                        ? await rest.EditOriginalResponseAsync(application, token, message, cancellationToken)
                        : await rest.CreateFollowupAsync(application, token, message, cancellationToken);
                    return sent.Id;
                }
                catch (DiscordApiException e) when (e.InteractionTokenExpired || e.Status == HttpStatusCode.NotFound)
                {
                    // The interaction's token has expired (or its response is gone): the bot posts in the channel.
                }
            }

            return (await rest.CreateMessageAsync(reference.ConversationId, message, cancellationToken)).Id;
        }
        catch (DiscordApiException e) when (e.RateLimited)
        {
            throw new OutboxDeliveryException(DeliveryFailure.Deferred, e.Message, e.RetryAfter, e);
        }
        catch (DiscordApiException e) when (e.Transient)
        {
            throw new OutboxDeliveryException(DeliveryFailure.Transient, e.Message, e.RetryAfter, e);
        }
        catch (DiscordApiException e) when (e.Status is HttpStatusCode.Forbidden or HttpStatusCode.NotFound)
        {
            // Missing access to the channel, or the channel is gone: nothing more can be posted there.
            throw new OutboxDeliveryException(DeliveryFailure.ConversationClosed, e.Message, inner: e);
        }
        catch (DiscordApiException e)
        {
            throw new OutboxDeliveryException(DeliveryFailure.Permanent, e.Message, inner: e);
        }
        catch (HttpRequestException e)
        {
            throw new OutboxDeliveryException(DeliveryFailure.Transient, e.Message, inner: e);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            // Discord did not answer in time: it may or may not have taken the message.
            throw new OutboxDeliveryException(DeliveryFailure.Transient, "Discord did not answer in time.", inner: e);
        }
    }
}
