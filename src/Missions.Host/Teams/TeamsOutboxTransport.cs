using System.Net;
using System.Text.Json.Nodes;
using Missions.BotFramework;
using Missions.Host.Cards;
using Missions.Host.Conversations;
using Missions.Host.Outbox;

namespace Missions.Host.Teams;

/// <summary>
/// Delivers views through the Bot Connector, rendered as Adaptive Cards: a reply in the thread it answers, a post into
/// the conversation (a channel thread's id keeps its ";messageid=" suffix, so it lands in that thread), or an update of
/// the message a view was shown in. Sends keep within Teams' per-conversation limits; a send that fails is reported
/// with what the Connector said (and its Retry-After), never tried again here.
/// </summary>
public sealed class TeamsOutboxTransport(ThrottledConnector connector, ServiceUrlPolicy policy) : IOutboxTransport
{
    public string Channel => TeamsAdapter.Name;

    public async Task<string?> DeliverAsync(ConversationReference reference, OutboxPayload payload, string? existingMessageId, CancellationToken cancellationToken)
    {
        if (reference.ServiceUrl is null)
        {
            throw new OutboxDeliveryException(DeliveryFailure.Permanent, "The conversation has no service URL.");
        }

        // Stored references come only from requests whose token was validated.
        policy.Trust(reference.ServiceUrl);
        var activity = ActivityOf(reference, payload);
        try
        {
            if (existingMessageId is not null)
            {
                await connector.SendAsync(reference.ConversationId,
                    (c, ct) => c.UpdateActivityAsync(reference.ServiceUrl, reference.ConversationId, existingMessageId, activity, ct), cancellationToken);
                return existingMessageId;
            }

            var sent = payload.ReplyToId is { } replyTo
                ? await connector.SendAsync(reference.ConversationId, (c, ct) => c.ReplyToActivityAsync(reference.ServiceUrl, reference.ConversationId, replyTo, activity, ct), cancellationToken)
                : await connector.SendAsync(reference.ConversationId, (c, ct) => c.SendToConversationAsync(reference.ServiceUrl, reference.ConversationId, activity, ct), cancellationToken);
            return sent?.Id;
        }
        catch (SendPacedException e)
        {
            throw new OutboxDeliveryException(DeliveryFailure.Deferred, e.Message, e.RetryAfter, e);
        }
        catch (ConnectorException e) when (e.WritesBlocked)
        {
            throw new OutboxDeliveryException(DeliveryFailure.ConversationClosed, e.Message, inner: e);
        }
        catch (ConnectorException e) when (e.Transient || e.Status is HttpStatusCode.Unauthorized or HttpStatusCode.InternalServerError)
        {
            throw new OutboxDeliveryException(DeliveryFailure.Transient, e.Message, e.RetryAfter, e);
        }
        catch (ConnectorException e)
        {
            throw new OutboxDeliveryException(DeliveryFailure.Permanent, e.Message, inner: e);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            // The Connector did not answer in time (the HTTP client's timeout): it may or may not have taken the message.
            throw new OutboxDeliveryException(DeliveryFailure.Transient, "The Connector did not answer in time.", inner: e);
        }
        catch (HttpRequestException e)
        {
            throw new OutboxDeliveryException(DeliveryFailure.Transient, e.Message, inner: e);
        }
        catch (Microsoft.Identity.Client.MsalException e)
        {
            throw new OutboxDeliveryException(DeliveryFailure.Transient, "Could not get a Connector token: " + e.Message, inner: e);
        }
    }

    private static Activity ActivityOf(ConversationReference reference, OutboxPayload payload)
    {
        var view = ViewCards.Render(payload.View);
        var activity = Activity.Message(view.Text,
            view.Card is null ? null : [new Attachment { ContentType = Attachment.AdaptiveCardContentType, Content = view.Card.ToJsonObject() }]);
        activity.From = reference.BotId is null ? null : new ChannelAccount { Id = reference.BotId };
        activity.Conversation = new ConversationAccount { Id = reference.ConversationId };
        if (reference.TenantId is { } tenant)
        {
            activity.ChannelData = new JsonObject { ["tenant"] = new JsonObject { ["id"] = tenant } };
        }

        return activity;
    }
}
