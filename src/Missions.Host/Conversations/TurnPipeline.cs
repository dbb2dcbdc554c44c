using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Missions.Host.Data;
using Missions.Host.Outbox;

namespace Missions.Host.Conversations;

/// <summary>
/// A channel, as the turn pipeline needs it. Everything else a channel has — its endpoint, its wire format, its
/// renderer (an <see cref="IOutboxTransport"/>) and its options — lives in its own folder.
/// </summary>
public interface IChannelAdapter
{
    /// <summary>"webchat", "msteams", "discord": the name conversation references and inbound events carry.</summary>
    string Channel { get; }

    /// <summary>The turn a queued delivery carries, read again from its stored payload after the HTTP answer; null when none.</summary>
    ChatTurn? ReadQueued(InboxClaim claim);
}

/// <summary>
/// The one way a chat turn is handled, for every channel. An inbound delivery is recorded by the channel's event key
/// before anything else (a retried delivery gets the answer it got the first time, and is never handled twice). A
/// message is stored with its answer and queued (<see cref="QueueAsync"/>), answered at once, and handled after the
/// answer by the inbox worker (<see cref="HandleQueuedAsync"/>); a button is handled within the request
/// (<see cref="HandleNowAsync"/>), because Teams and Discord want the updated view in the answer. Either way the bot
/// reads first, then the turn's writes — the event, the state change, the replies in the outbox — commit in one
/// transaction. A turn that fails says so in the conversation (or in the channel's answer) and loses nothing.
/// </summary>
public sealed partial class TurnPipeline(
    MissionsDbContext db,
    MissionBot bot,
    ConversationOutbox outbox,
    InboxWorker inbox,
    InboxWrites writes,
    TimeProvider clock,
    Diagnostics.MissionsTelemetry telemetry,
    ILogger<TurnPipeline> logger)
{
    public const string Sorry = "Sorry, something went wrong while handling that. Your message is saved; please try again.";

    /// <summary>The answer an event already received was given, or null when it is new.</summary>
    public Task<string?> AnswerGivenAsync(string channel, string eventKey, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return TurnQueries.For(db).AnswerGiven(db, channel, eventKey);
    }

    /// <summary>
    /// Stores a delivery to be handled after its answer, with that answer, and hands it to this host's inbox worker
    /// (claimed for it in the same write, so no second transaction is needed to take it up). <paramref name="record"/>
    /// adds what the channel keeps of the delivery itself (web chat's echo of the person's message) to the same write,
    /// which it shares with the other deliveries arriving meanwhile (<see cref="InboxWrites"/>). A redelivery gets the
    /// stored answer and queues nothing.
    /// </summary>
    public async Task<string> QueueAsync(
        string channel, string eventKey, Guid conversationId, string payloadJson, string answer, Func<MissionsDbContext, CancellationToken, Task>? record, CancellationToken cancellationToken)
    {
        if (await AnswerGivenAsync(channel, eventKey, cancellationToken) is { } given)
        {
            return given;
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var stored = await writes.StoreAsync(new InboundEvent
        {
            Channel = channel,
            EventId = eventKey,
            Status = InboundEventStatus.Queued,
            ReceivedAt = now,
            ConversationReferenceId = conversationId,
            PayloadJson = payloadJson,
            ResponseJson = answer,
            Attempts = 1,
            LeaseOwner = inbox.Owner,
            LeaseExpiresAt = now + inbox.Lease,
        }, record, cancellationToken);
        if (!stored)
        {
            // The same delivery racing this one, and winning: answer as it did.
            return await AnswerGivenAsync(channel, eventKey, cancellationToken) ?? throw new InvalidOperationException($"The {channel} event '{eventKey}' could not be stored.");
        }

        inbox.Nudge(conversationId);
        return answer;
    }

    /// <summary>
    /// Handles a button within the request and returns the channel's answer (<paramref name="answerFor"/> makes it from
    /// the bot's reply); the answer is stored with the event, so a redelivery gets it again. A concurrent change met on
    /// the way is looked at once more before the turn gives up. <paramref name="answerShowsResult"/>: the channel's
    /// answer shows the view that answers the button (a Teams invoke response, a Discord interaction callback), so a
    /// refusal is said there instead of being posted into the conversation.
    /// </summary>
    public async Task<string> HandleNowAsync(
        IChannelAdapter channel, string? eventKey, ChatTurn turn, Func<BotReply, string> answerFor, bool answerShowsResult, Func<MissionsDbContext, CancellationToken, Task>? record,
        CancellationToken cancellationToken)
    {
        if (eventKey is not null && await AnswerGivenAsync(channel.Channel, eventKey, cancellationToken) is { } given)
        {
            return given;
        }

        for (var attempt = 1; ; attempt++)
        {
            try
            {
                using var span = Diagnostics.MissionsTelemetry.Source.StartActivity("missions.turn");
                span?.SetTag("missions.channel", turn.Channel);
                span?.SetTag("missions.turn.kind", "button");
                var prepared = await bot.PrepareAsync(turn, cancellationToken);
                await outbox.ReadAheadAsync(turn.ConversationReferenceId, ShownKey(turn.Action), cancellationToken);
                await using var scope = await db.BeginWriteAsync(cancellationToken);
                var reply = AnsweredInline(await bot.HandleAsync(turn, prepared, cancellationToken), answerShowsResult);
                var answer = await WriteAsync(channel, eventKey, turn, reply, InboundEventStatus.Completed, answerFor, record, cancellationToken);
                await scope.CommitAsync(cancellationToken);
                telemetry.Turn(turn.Channel, button: true);
                return answer;
            }
            catch (DbException) when (eventKey is not null && attempt == 1)
            {
                // The same delivery racing this one, and winning: answer as it did.
                Forget();
                if (await AnswerGivenAsync(channel.Channel, eventKey, cancellationToken) is { } raced)
                {
                    return raced;
                }
            }
            catch (DomainException refused) when (refused.Kind == Refusal.Conflict && attempt == 1)
            {
                // Someone changed it between our read and our write: look again, and answer with what it is now.
                Forget();
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                Forget();
                var failure = Failure(channel, turn, e, answerShowsResult);
                try
                {
                    await using var scope = await db.BeginWriteAsync(cancellationToken);
                    var answer = await WriteAsync(channel, eventKey, turn, failure, InboundEventStatus.Failed, answerFor, record, cancellationToken);
                    await scope.CommitAsync(cancellationToken);
                    return answer;
                }
                catch (DbException) when (eventKey is not null)
                {
                    // The same delivery racing this one, and winning: answer as it did.
                    Forget();
                    if (await AnswerGivenAsync(channel.Channel, eventKey, cancellationToken) is { } raced)
                    {
                        return raced;
                    }

                    throw;
                }
            }
        }
    }

    /// <summary>
    /// The turn of a queued delivery, after its answer (see <see cref="InboxWorker"/>): the event is completed in the
    /// turn's own transaction, so it is finished if and only if the turn's changes commit.
    /// </summary>
    public async Task HandleQueuedAsync(IChannelAdapter channel, InboxClaim claim, CancellationToken cancellationToken)
    {
        ChatTurn? turn = null;
        try
        {
            turn = channel.ReadQueued(claim);
            using var span = Diagnostics.MissionsTelemetry.Source.StartActivity("missions.turn");
            span?.SetTag("missions.channel", channel.Channel);
            span?.SetTag("missions.turn.kind", "message");
            var prepared = turn is null ? null : await bot.PrepareAsync(turn, cancellationToken);
            await outbox.ReadAheadAsync(claim.ConversationReferenceId, null, cancellationToken);
            await using var scope = await db.BeginWriteAsync(cancellationToken);
            if (turn is not null)
            {
                await ShowAsync(turn, await bot.HandleAsync(turn, prepared!, cancellationToken), cancellationToken);
            }

            await Inbox.CompleteAsync(db, claim, InboundEventStatus.Completed, clock.GetUtcNow().UtcDateTime, cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
            await scope.CommitAsync(cancellationToken);
            telemetry.Turn(channel.Channel, button: false);
        }
        catch (Exception e) when (e is not OperationCanceledException and not InboxClaimLostException)
        {
            Forget();
            var failure = Failure(channel, turn, e, answerShowsResult: false);
            await using var scope = await db.BeginWriteAsync(cancellationToken);
            foreach (var view in failure.Posts)
            {
                await outbox.PostAsync(claim.ConversationReferenceId, view, turn?.ReplyToId, cancellationToken);
            }

            await Inbox.CompleteAsync(db, claim, InboundEventStatus.Failed, clock.GetUtcNow().UtcDateTime, cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
            await scope.CommitAsync(cancellationToken);
        }
    }

    /// <summary>
    /// Where the channel's answer to a button shows a result, a reply that is only a few words (a notice) is said
    /// there rather than posted into the conversation for everyone (a Teams card refreshing itself would otherwise
    /// post into the chat each time).
    /// </summary>
    private static BotReply AnsweredInline(BotReply reply, bool answerShowsResult) =>
        answerShowsResult && reply.ActionResult is null && reply.Posts.Count > 0 && reply.Posts[0] is NoticeView notice
            ? new BotReply(reply.Posts.Skip(1).ToList(), notice)
            : reply;

    /// <summary>The key of the view a button was pressed on, where the answer will show it again.</summary>
    private static string? ShownKey(ChatAction? action) => action switch
    {
        ApproveProposal a => ProposalView.KeyOf(a.ProposalId),
        RejectProposal r => ProposalView.KeyOf(r.ProposalId),
        EditProposal e => ProposalView.KeyOf(e.ProposalId),
        _ => null,
    };

    /// <summary>After a turn's transaction rolled back: nothing it added, read ahead or delivered is known any more.</summary>
    private void Forget()
    {
        db.ChangeTracker.Clear();
        outbox.Forget();
    }

    /// <summary>Puts the reply's views into the conversation (in place where a view's key was shown there before).</summary>
    private async Task ShowAsync(ChatTurn turn, BotReply reply, CancellationToken cancellationToken)
    {
        foreach (var view in reply.Posts)
        {
            await outbox.PostAsync(turn.ConversationReferenceId, view, turn.ReplyToId, cancellationToken);
        }
    }

    /// <summary>
    /// What a failed turn shows: a refusal's own words, or an apology for anything else (which is logged); in the
    /// channel's answer when that shows a result, else as a message in the conversation.
    /// </summary>
    private BotReply Failure(IChannelAdapter channel, ChatTurn? turn, Exception e, bool answerShowsResult)
    {
        if (e is not DomainException)
        {
            LogTurnFailed(logger, e, channel.Channel, turn?.ConversationReferenceId);
        }

        var notice = new NoticeView(e is DomainException refused ? refused.Message : Sorry, NoticeTone.Warning);
        return answerShowsResult ? new BotReply([], notice) : BotReply.Post(notice);
    }

    /// <summary>
    /// A button's turn, written into the open transaction: the event recorded as answered (a redelivery gets the same
    /// answer; a delivery recorded before fails here), what the channel keeps of it, and the reply in the conversation.
    /// </summary>
    private async Task<string> WriteAsync(
        IChannelAdapter channel, string? eventKey, ChatTurn turn, BotReply reply, InboundEventStatus status, Func<BotReply, string> answerFor,
        Func<MissionsDbContext, CancellationToken, Task>? record, CancellationToken cancellationToken)
    {
        var answer = answerFor(reply);
        if (eventKey is not null)
        {
            var now = clock.GetUtcNow().UtcDateTime;
            await Inbox.InsertAsync(db, new InboundEvent
            {
                Channel = channel.Channel,
                EventId = eventKey,
                Status = status,
                ReceivedAt = now,
                CompletedAt = now,
                ConversationReferenceId = turn.ConversationReferenceId,
                ResponseJson = answer,
            }, cancellationToken);
        }

        if (record is not null)
        {
            await record(db, cancellationToken);
        }

        await ShowAsync(turn, reply, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        return answer;
    }

    [LoggerMessage(EventId = 300, Level = LogLevel.Error, Message = "A {Channel} turn failed in conversation {ConversationId}")]
    private static partial void LogTurnFailed(ILogger logger, Exception exception, string channel, Guid? conversationId);
}
