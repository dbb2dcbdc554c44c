using Missions.Host.Missions;

namespace Missions.Host.Tests.Missions;

public sealed class BoardRankTests
{
    [Theory]
    [InlineData(null, null)]
    [InlineData("i", null)]
    [InlineData(null, "i")]
    [InlineData("a", "b")]
    [InlineData("a", "a1")]
    [InlineData("az", "b")]
    [InlineData("zzz", null)]
    [InlineData(null, "001")]
    [InlineData("0001", "0002")]
    public void Between_is_strictly_between_and_valid(string? low, string? high)
    {
        var rank = BoardRank.Between(low, high);

        Assert.True(BoardRank.IsValid(rank), $"'{rank}' is not a valid rank");
        Assert.True(string.CompareOrdinal(low ?? "", rank) < 0, $"'{rank}' is not above '{low}'");
        if (high is not null)
        {
            Assert.True(string.CompareOrdinal(rank, high) < 0, $"'{rank}' is not below '{high}'");
        }
    }

    [Theory]
    [InlineData("b", "a")]
    [InlineData("a", "a")]
    [InlineData("A", null)]
    [InlineData("a0", null)]
    [InlineData("a-", null)]
    public void Between_refuses_what_is_not_an_ordered_pair_of_ranks(string low, string? high)
    {
        Assert.Throws<ArgumentException>(() => BoardRank.Between(low, high));
    }

    [Fact]
    public void Random_insertions_keep_a_total_order_without_touching_existing_ranks()
    {
        var random = new Random(20261122);
        var ranks = new List<string> { BoardRank.Initial };
        for (var i = 0; i < 2000; i++)
        {
            var at = random.Next(ranks.Count + 1);
            var low = at == 0 ? null : ranks[at - 1];
            var high = at == ranks.Count ? null : ranks[at];
            ranks.Insert(at, BoardRank.Between(low, high));
        }

        var sorted = ranks.OrderBy(r => r, StringComparer.Ordinal).ToList();
        Assert.Equal(sorted, ranks);
        Assert.Equal(ranks.Count, ranks.Distinct(StringComparer.Ordinal).Count());
        Assert.All(ranks, r => Assert.True(BoardRank.IsValid(r)));
        // Random placement keeps ranks short: length grows with log of the count, not with the count.
        Assert.True(ranks.Max(r => r.Length) <= 12, $"longest rank was {ranks.Max(r => r.Length)}");
    }

    [Fact]
    public void Always_inserting_at_the_top_stays_valid()
    {
        string? top = null;
        for (var i = 0; i < 300; i++)
        {
            var next = BoardRank.Before(top);
            Assert.True(top is null || string.CompareOrdinal(next, top) < 0);
            Assert.True(BoardRank.IsValid(next));
            top = next;
        }
    }

    [Fact]
    public void Appending_and_prepending_many_times_keeps_ranks_short()
    {
        // A column where every new mission goes to the end (the usual case) must not grow its ranks linearly.
        var last = BoardRank.Initial;
        var first = BoardRank.Initial;
        for (var i = 0; i < 20_000; i++)
        {
            var next = BoardRank.After(last);
            Assert.True(string.CompareOrdinal(last, next) < 0 && BoardRank.IsValid(next), $"{last} -> {next}");
            last = next;

            var before = BoardRank.Before(first);
            Assert.True(string.CompareOrdinal(before, first) < 0 && BoardRank.IsValid(before), $"{before} <- {first}");
            first = before;
        }

        Assert.True(last.Length <= 4, last);
        Assert.True(first.Length <= 4, first);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(17)]
    [InlineData(5000)]
    public void Spread_gives_ordered_distinct_short_ranks(int count)
    {
        var ranks = BoardRank.Spread(count);

        Assert.Equal(count, ranks.Count);
        Assert.Equal(ranks.OrderBy(r => r, StringComparer.Ordinal), ranks);
        Assert.Equal(count, ranks.Distinct().Count());
        Assert.All(ranks, r => Assert.True(BoardRank.IsValid(r), r));
        Assert.All(ranks, r => Assert.True(r.Length <= 4, r));
    }
}
