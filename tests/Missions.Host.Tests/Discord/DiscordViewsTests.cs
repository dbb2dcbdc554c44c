using System.Text.Json;
using System.Text.Json.Nodes;
using Missions.Discord;
using Missions.Host.Conversations;
using Missions.Host.Discord;
using Missions.Host.Missions;
using Missions.Host.Proposals;
using Missions.Host.Runs;

namespace Missions.Host.Tests.Discord;

/// <summary>Every view, however long what people wrote, renders within Discord's limits (going over any is a 400).</summary>
public sealed class DiscordViewsTests
{
    private static readonly string Long = string.Concat(Enumerable.Repeat("A very long sentence that people sometimes write in chat. ", 200));

    public static TheoryData<string> Views => [.. All().Select((v, i) => $"{v.GetType().Name}:{i}")];

    private static IEnumerable<ChatView> All()
    {
        var staff = Enumerable.Range(0, 40).Select(i => new ChoiceOption(Guid.NewGuid().ToString(), $"Staff {i} {Long[..90]}")).ToList();
        var line = new MissionLine("M-12345", Long[..300], MissionStatus.InProgress, Long[..150], new DateOnly(2026, 12, 4));
        var artifacts = Enumerable.Range(0, 15).Select(i => new ArtifactLink($"artifact-{i}-{Long[..120]}.md", "text/markdown", 123_456, "https://missions.example.com/artifacts/" + Guid.NewGuid() + "?exp=1&sig=" + new string('a', 64))).ToList();
        foreach (var status in new[] { ProposalStatus.Pending, ProposalStatus.Approved, ProposalStatus.Rejected })
        {
            yield return new ProposalView(Guid.NewGuid(), 3, status, Long[..400], Long, Guid.NewGuid(), Long[..300], Guid.NewGuid(), Long[..300], Long[..300], true, new DateOnly(2026, 12, 4),
                Enumerable.Repeat(Long[..500], 30).ToList(), Long[..2000], Long[..300], Long[..300], DateTime.UtcNow, Long, "M-99999", "https://missions.example.com/missions/M-99999", staff, staff);
        }

        yield return new NoticeView(Long, NoticeTone.Warning);
        yield return new HelpView(Enumerable.Range(0, 60).Select(i => new HelpLine(Long[..60], Long[..200])).ToList());
        yield return new MissionView("M-12345", Long[..400], Long, MissionStatus.InProgress, Long[..300], Long[..300], new DateOnly(2026, 12, 4), Long[..300],
            Enumerable.Repeat(Long[..400], 20).ToList(), 12, Long, artifacts, "https://missions.example.com/missions/M-12345");
        yield return new MissionListView(Long[..400], Enumerable.Repeat(line, 25).ToList(), "none");
        yield return new BoardView(MissionLifecycle.Columns.Select(c => new BoardColumnView(c, MissionLifecycle.ColumnTitle(c), Enumerable.Repeat(line, 10).ToList(), 500)).ToList(), "https://missions.example.com/board");
        foreach (var status in new[] { RunStatus.Running, RunStatus.Failed, RunStatus.Succeeded })
        {
            yield return new RunProgressView(Guid.NewGuid(), "M-12345", Long[..400], Long[..300], Long[..300], status, 3, Enumerable.Repeat(Long[..300], 40).ToList(), Long[..300], 50, Long, Long, DateTime.UtcNow, null);
        }

        yield return new ReviewView(Guid.NewGuid(), "M-12345", Long[..400], Long[..300], Long, artifacts, null, null, null, null, "https://missions.example.com/missions/M-12345");
        yield return new ReviewView(Guid.NewGuid(), "M-12345", Long[..400], Long[..300], Long, artifacts, ReviewOutcome.ChangesRequested, Long[..300], DateTime.UtcNow, Long, "https://missions.example.com/missions/M-12345");
    }

    [Theory, MemberData(nameof(Views))]
    public void Renders_within_Discords_limits(string which)
    {
        var view = All().ElementAt(int.Parse(which.Split(':')[1], System.Globalization.CultureInfo.InvariantCulture));
        var message = DiscordViews.Render(view, pingUserId: "53908232506183680");
        var json = JsonNode.Parse(JsonSerializer.Serialize(message, DiscordJson.Options))!;

        Assert.True(((string?)json["content"])?.Length is null or <= 2000);
        // Nothing is sent as null: Discord refuses a null where it expects a value.
        Assert.DoesNotContain("null", json.ToJsonString(), StringComparison.Ordinal);
        Assert.NotNull(json["allowed_mentions"]);
        var embeds = json["embeds"]?.AsArray() ?? [];
        Assert.True(embeds.Count <= 10);
        var total = 0;
        foreach (var embed in embeds)
        {
            var title = (string?)embed!["title"] ?? "";
            var description = (string?)embed["description"] ?? "";
            var footer = (string?)embed["footer"]?["text"] ?? "";
            Assert.True(title.Length <= 256, $"title {title.Length}");
            Assert.True(description.Length <= 4096, $"description {description.Length}");
            Assert.True(footer.Length <= 2048);
            var fields = embed["fields"]?.AsArray() ?? [];
            Assert.True(fields.Count <= 25);
            foreach (var field in fields)
            {
                Assert.True(((string)field!["name"]!).Length is > 0 and <= 256);
                Assert.True(((string)field["value"]!).Length is > 0 and <= 1024, $"field value {((string)field["value"]!).Length}");
                total += ((string)field["name"]!).Length + ((string)field["value"]!).Length;
            }

            total += title.Length + description.Length + footer.Length;
        }

        Assert.True(total <= 6000, $"embeds hold {total} characters");
        var rows = json["components"]?.AsArray() ?? [];
        Assert.True(rows.Count <= 5);
        foreach (var row in rows)
        {
            var buttons = row!["components"]!.AsArray();
            Assert.InRange(buttons.Count, 1, 5);
            Assert.All(buttons, b => Assert.True(((string)b!["label"]!).Length <= 80));
            Assert.All(buttons, b => Assert.True(((string?)b!["custom_id"])?.Length is null or (> 0 and <= 100)));
        }
    }

    [Fact]
    public void Fit_cuts_descriptions_first_and_then_drops_fields_until_the_embeds_fit()
    {
        var fields = Enumerable.Range(0, 25).Select(i => new EmbedField($"field {i}", new string('f', 1000))).ToList();
        var fitted = DiscordLimits.Fit(new MessagePayload { Embeds = [new Embed(Title: "t", Description: new string('d', 4000), Fields: fields)] });
        var embed = Assert.Single(fitted.Embeds!);
        Assert.True(DiscordLimits.Total(fitted.Embeds!) <= 6000);
        Assert.EndsWith("…", embed.Description, StringComparison.Ordinal);
        Assert.InRange(embed.Fields!.Count, 1, 5);
        Assert.Equal("field 0", embed.Fields[0].Name);

        // A surrogate pair is never split when cutting.
        var emoji = string.Concat(Enumerable.Repeat("😀", 50));
        Assert.DoesNotContain('\uFFFD', DiscordLimits.Cut(emoji, 10));
        Assert.False(char.IsHighSurrogate(DiscordLimits.Cut(emoji, 10)[^2]));
    }
}
