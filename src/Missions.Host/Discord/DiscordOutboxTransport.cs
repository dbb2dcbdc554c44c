using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Missions.Discord;
using Missions.Host.Conversations;
using Missions.Host.Data;
using Missions.Host.Outbox;

namespace Missions.Host.Discord;

/// <summary>
/// Delivers views to Discord. The reply to a command becomes the command's response message: the deferred "thinking…"
/// response is edited into it, and a second reply to the same command is a follow-up; once the interaction's token has
/// expired (15 minutes) or for anything else, the bot posts into the channel. An approved mission gets a thread started
/// from its proposal's message (the thread's id is that message's), with the requester and approver added, and its runs'
/// progress and review prompts go there; where the bot may not start threads, they stay in the channel and the reason
/// is logged. A view shown before is edited in place with the bot token (interaction tokens expire, the bot's messages
/// stay editable); a message in a thread is remembered as <c>thread/message</c>. Nothing is retried here: a failure
/// goes back to the dispatcher with Discord's retry-after.
/// </summary>
public sealed partial class DiscordOutboxTransport(DiscordRestClient rest, IServiceScopeFactory scopes, ILogger<DiscordOutboxTransport> logger) : IOutboxTransport
{
    /// <summary>The flag of a deferred response still "thinking".</summary>
    private const int Loading = 1 << 7;

    /// <summary>Threads known to exist (started here, or found started: Discord's 160004).</summary>
    private readonly ConcurrentDictionary<string, bool> threads = new(StringComparer.Ordinal);

    public string Channel => DiscordAdapter.Name;

    public async Task<string?> DeliverAsync(ConversationReference reference, OutboxPayload payload, string? existingMessageId, CancellationToken cancellationToken)
    {
        try
        {
            if (existingMessageId is not null)
            {
                var (channel, message) = existingMessageId.Split('/') is [var thread, var inThread] ? (thread, inThread) : (reference.ConversationId, existingMessageId);
                try
                {
                    // An edit notifies nobody, so it pings nobody.
                    await rest.EditMessageAsync(channel, message, DiscordViews.Render(payload.View), cancellationToken);
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
                var message = DiscordViews.Render(payload.View);
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

            var place = MissionOf(payload.View) is { } number ? await PlaceAsync(reference, number, cancellationToken) : null;
            var target = place?.Thread ?? reference.ConversationId;
            var rendered = DiscordViews.Render(payload.View, place?.Requester);
            if (place?.Thread is null && payload.ReplyToId is { } answering && answering.StartsWith(DiscordAdapter.MessageReplyPrefix, StringComparison.Ordinal))
            {
                // The answer to a mention is a reply to it (which pings nobody: allowed_mentions stays empty).
                rendered = rendered with { MessageReference = MessagePayload.ReplyTo(answering[DiscordAdapter.MessageReplyPrefix.Length..]) };
            }

            var created = await rest.CreateMessageAsync(target, rendered, cancellationToken);
            return target == reference.ConversationId ? created.Id : $"{target}/{created.Id}";
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

    /// <summary>The mission a view is about, for the views that belong in its thread.</summary>
    private static long? MissionOf(ChatView view) => view switch
    {
        RunProgressView run when Missions.Mission.TryParseNumber(run.MissionNumber, out var n) => n,
        ReviewView review when Missions.Mission.TryParseNumber(review.MissionNumber, out var n) => n,
        _ => null,
    };

    /// <summary>Where a mission's posts go (its thread, started here if need be) and whom its review prompt pings.</summary>
    private sealed record Place(string? Thread, string? Requester);

    private async Task<Place?> PlaceAsync(ConversationReference reference, long number, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<MissionsDbContext>();
        var mission = await db.Missions.AsNoTracking().Where(m => m.Number == number)
            .Select(m => new { m.Title, m.ProposalId, m.RequestedById, m.ApprovedById }).SingleOrDefaultAsync(cancellationToken);
        if (mission is null)
        {
            return null;
        }

        var requester = DiscordOptionsValidation.IsSnowflake(mission.RequestedById) ? mission.RequestedById : null;
        if (mission.ProposalId is not { } proposal)
        {
            return new Place(null, requester);
        }

        var key = ProposalView.KeyOf(proposal);
        var message = await db.OutboxMessages.AsNoTracking()
            .Where(o => o.ConversationReferenceId == reference.Id && o.ViewKey == key && o.SentMessageId != null)
            .OrderBy(o => o.Id).Select(o => o.SentMessageId).FirstOrDefaultAsync(cancellationToken);
        if (message is null || message.Contains('/', StringComparison.Ordinal))
        {
            return new Place(null, requester);
        }

        return new Place(await ThreadAsync(reference, message, $"{Missions.Mission.FormatNumber(number)} {mission.Title}", [requester, mission.ApprovedById], cancellationToken), requester);
    }

    /// <summary>The thread started from the proposal's message (started now if need be); null where the bot may not.</summary>
    private async Task<string?> ThreadAsync(ConversationReference reference, string message, string name, string?[] members, CancellationToken cancellationToken)
    {
        if (threads.ContainsKey(message))
        {
            return message;
        }

        var permissions = Permissions.Parse(reference.ReferenceJson is { } json ? (string?)JsonNode.Parse(json)?["appPermissions"] : null);
        if (!permissions.Has(Permissions.CreatePublicThreads) || !permissions.Has(Permissions.SendMessagesInThreads))
        {
            LogNoThread(logger, reference.ConversationId, "the bot lacks Create Public Threads or Send Messages in Threads there");
            return null;
        }

        try
        {
            await rest.StartThreadFromMessageAsync(reference.ConversationId, message, name, cancellationToken);
            foreach (var member in members.Where(DiscordOptionsValidation.IsSnowflake).Distinct())
            {
                await rest.AddThreadMemberAsync(message, member!, cancellationToken);
            }
        }
        catch (DiscordApiException e) when (e.Code == DiscordApiException.ThreadAlreadyCreated)
        {
            // Started before (by this host or another): the thread's id is the message's.
        }
        catch (DiscordApiException e) when (e.Status is HttpStatusCode.Forbidden or HttpStatusCode.BadRequest)
        {
            LogNoThread(logger, reference.ConversationId, e.Message);
            return null;
        }

        threads[message] = true;
        return message;
    }

    [LoggerMessage(EventId = 700, Level = LogLevel.Information, Message = "Posting about missions in Discord channel {Channel} itself, not in a thread: {Reason}")]
    private static partial void LogNoThread(ILogger logger, string channel, string reason);
}
