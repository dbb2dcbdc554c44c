using Missions.Host.Missions;

namespace Missions.Host.Tests.Missions;

public sealed class MissionLifecycleTests
{
    public static TheoryData<MissionStatus, MissionStatus> Allowed => new()
    {
        { MissionStatus.Backlog, MissionStatus.InProgress },
        { MissionStatus.InProgress, MissionStatus.Review },
        { MissionStatus.Review, MissionStatus.Done },
        { MissionStatus.Review, MissionStatus.InProgress },
        { MissionStatus.Done, MissionStatus.Backlog },
        { MissionStatus.Backlog, MissionStatus.Cancelled },
        { MissionStatus.InProgress, MissionStatus.Cancelled },
        { MissionStatus.Review, MissionStatus.Cancelled },
    };

    [Theory]
    [MemberData(nameof(Allowed))]
    public void The_lifecycle_allows_exactly_its_transitions(MissionStatus from, MissionStatus to)
    {
        Assert.Null(MissionLifecycle.Check(from, to));
    }

    [Fact]
    public void Every_other_transition_is_refused_with_a_reason()
    {
        var allowed = Allowed.Select(row => ((MissionStatus)row[0], (MissionStatus)row[1])).ToHashSet();
        var refused = 0;
        foreach (var from in Enum.GetValues<MissionStatus>())
        {
            foreach (var to in Enum.GetValues<MissionStatus>())
            {
                if (allowed.Contains((from, to)))
                {
                    continue;
                }

                var reason = MissionLifecycle.Check(from, to);
                Assert.False(string.IsNullOrWhiteSpace(reason), $"{from} → {to} was allowed");
                refused++;
            }
        }

        Assert.Equal(25 - allowed.Count, refused);
    }

    [Theory]
    [InlineData(MissionStatus.Backlog, MissionStatus.Done, "started")]
    [InlineData(MissionStatus.Done, MissionStatus.Cancelled, "reopened")]
    [InlineData(MissionStatus.Cancelled, MissionStatus.Backlog, "stays cancelled")]
    [InlineData(MissionStatus.Review, MissionStatus.Review, "already in review")]
    public void Reasons_say_what_to_do(MissionStatus from, MissionStatus to, string expected)
    {
        Assert.Contains(expected, MissionLifecycle.Check(from, to), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("review", MissionStatus.Review)]
    [InlineData("In Progress", MissionStatus.InProgress)]
    [InlineData("in-progress", MissionStatus.InProgress)]
    [InlineData("DONE", MissionStatus.Done)]
    [InlineData("todo", MissionStatus.Backlog)]
    [InlineData("canceled", MissionStatus.Cancelled)]
    public void Status_words_are_read_as_people_write_them(string text, MissionStatus expected)
    {
        Assert.True(MissionLifecycle.TryParseStatus(text, out var status));
        Assert.Equal(expected, status);
    }

    [Theory]
    [InlineData("M-42", 42)]
    [InlineData("m-7", 7)]
    [InlineData("M42", 42)]
    [InlineData(" 12 ", 12)]
    public void Mission_numbers_parse(string text, long expected)
    {
        Assert.True(Mission.TryParseNumber(text, out var number));
        Assert.Equal(expected, number);
    }

    [Theory]
    [InlineData("")]
    [InlineData("M-")]
    [InlineData("M-0")]
    [InlineData("M--3")]
    [InlineData("X-3")]
    [InlineData("3.5")]
    public void Non_numbers_do_not_parse(string text)
    {
        Assert.False(Mission.TryParseNumber(text, out _));
    }
}
