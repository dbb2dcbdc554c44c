using Missions.Host.Conversations;
using Missions.Host.Missions;

namespace Missions.Host.Tests.Conversations;

/// <summary>The mission card's recent activity reads as words, never as the trail's codes.</summary>
public sealed class ActivityWordsTests
{
    [Theory]
    [InlineData("transitioned", MissionStatus.Review, "moved it to review")]
    [InlineData("moved", MissionStatus.InProgress, "moved it to in progress")]
    [InlineData("transitioned", MissionStatus.Cancelled, "cancelled it")]
    [InlineData("run-succeeded", null, "finished a run")]
    [InlineData("run-queued", null, "started a run")]
    [InlineData("review-approved", null, "approved the result")]
    [InlineData("changes-requested", null, "asked for changes")]
    [InlineData("proposal-approved", null, "approved the proposal")]
    [InlineData("something-new", null, "something new")]
    public void Each_kind_of_change_is_said_in_words(string action, MissionStatus? to, string words) =>
        Assert.Equal(words, ChatViews.Describe(action, to));
}
