namespace Missions.Host.WebChat;

/// <summary>
/// One entry of a Direct Line conversation's transcript. The row id is the watermark. Updating a message (a card
/// replaced after a decision) appends the new version under the same <see cref="ActivityId"/>; Web Chat replaces an
/// activity whose id it already has, so clients see the card change in place.
/// </summary>
public sealed class DirectLineActivity
{
    public long Id { get; set; }
    public required string ConversationId { get; set; }
    public required string ActivityId { get; set; }
    public required string Json { get; set; }
    public DateTime CreatedAt { get; set; }
}
