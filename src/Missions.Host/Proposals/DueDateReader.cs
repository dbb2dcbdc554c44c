using System.Globalization;
using System.Text.RegularExpressions;

namespace Missions.Host.Proposals;

/// <summary>
/// Reads a deadline from chat text ("by Friday", "tomorrow", "end of month", "3 Dec", "2026-12-03", "in two
/// weeks"), relative to the requester's local date. Returns the date and the phrase, so the phrase can be taken out
/// of the title.
/// </summary>
public static partial class DueDateReader
{
    public sealed record Match(DateOnly Date, int Index, int Length);

    private static readonly Dictionary<string, int> Months = new(StringComparer.OrdinalIgnoreCase)
    {
        ["jan"] = 1, ["january"] = 1, ["feb"] = 2, ["february"] = 2, ["mar"] = 3, ["march"] = 3, ["apr"] = 4, ["april"] = 4,
        ["may"] = 5, ["jun"] = 6, ["june"] = 6, ["jul"] = 7, ["july"] = 7, ["aug"] = 8, ["august"] = 8,
        ["sep"] = 9, ["sept"] = 9, ["september"] = 9, ["oct"] = 10, ["october"] = 10, ["nov"] = 11, ["november"] = 11,
        ["dec"] = 12, ["december"] = 12,
    };

    private static readonly Dictionary<string, DayOfWeek> Days = new(StringComparer.OrdinalIgnoreCase)
    {
        ["mon"] = DayOfWeek.Monday, ["monday"] = DayOfWeek.Monday, ["tue"] = DayOfWeek.Tuesday, ["tues"] = DayOfWeek.Tuesday,
        ["tuesday"] = DayOfWeek.Tuesday, ["wed"] = DayOfWeek.Wednesday, ["wednesday"] = DayOfWeek.Wednesday,
        ["thu"] = DayOfWeek.Thursday, ["thur"] = DayOfWeek.Thursday, ["thurs"] = DayOfWeek.Thursday, ["thursday"] = DayOfWeek.Thursday,
        ["fri"] = DayOfWeek.Friday, ["friday"] = DayOfWeek.Friday, ["sat"] = DayOfWeek.Saturday, ["saturday"] = DayOfWeek.Saturday,
        ["sun"] = DayOfWeek.Sunday, ["sunday"] = DayOfWeek.Sunday,
    };

    private static readonly Dictionary<string, int> Numbers = new(StringComparer.OrdinalIgnoreCase)
    {
        ["a"] = 1, ["an"] = 1, ["one"] = 1, ["two"] = 2, ["three"] = 3, ["four"] = 4, ["five"] = 5, ["six"] = 6, ["seven"] = 7,
        ["eight"] = 8, ["nine"] = 9, ["ten"] = 10, ["a couple of"] = 2, ["couple of"] = 2, ["a few"] = 3, ["few"] = 3,
    };

    /// <summary>The requester's date now: in their time zone when known and valid, else UTC.</summary>
    public static DateOnly LocalToday(DateTimeOffset now, string? timeZone)
    {
        if (!string.IsNullOrWhiteSpace(timeZone) && TimeZoneInfo.TryFindSystemTimeZoneById(timeZone, out var zone))
        {
            return DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, zone).DateTime);
        }

        return DateOnly.FromDateTime(now.UtcDateTime);
    }

    public static Match? Find(string text, DateOnly today)
    {
        Match? best = null;
        foreach (var candidate in Candidates(text, today))
        {
            // The earliest phrase in the text wins; on a tie, the longer one ("next Friday" over "Friday").
            if (best is null || candidate.Index < best.Index || (candidate.Index == best.Index && candidate.Length > best.Length))
            {
                best = candidate;
            }
        }

        return best;
    }

    private static IEnumerable<Match> Candidates(string text, DateOnly today)
    {
        foreach (System.Text.RegularExpressions.Match m in IsoDate().Matches(text))
        {
            if (DateOnly.TryParseExact(m.Groups["d"].Value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            {
                yield return new Match(date, m.Index, m.Length);
            }
        }

        foreach (System.Text.RegularExpressions.Match m in DayMonth().Matches(text))
        {
            if (DateFrom(m, today) is { } date)
            {
                yield return new Match(date, m.Index, m.Length);
            }
        }

        foreach (System.Text.RegularExpressions.Match m in MonthDay().Matches(text))
        {
            if (DateFrom(m, today) is { } date)
            {
                yield return new Match(date, m.Index, m.Length);
            }
        }

        foreach (System.Text.RegularExpressions.Match m in Relative().Matches(text))
        {
            var word = m.Groups["w"].Value.ToLowerInvariant();
            if (word.StartsWith("the end", StringComparison.Ordinal))
            {
                word = word[4..];
            }

            DateOnly? date = word switch
            {
                "asap" or "as soon as possible" or "a.s.a.p" or "a.s.a.p." or "urgently" or "today" or "tonight" or "eod" or "end of day" or "end of the day" or "end of today" or "cob" or "close of business" => today,
                "tomorrow" or "tmrw" or "tmr" or "tomorow" or "tommorow" or "tommorrow" => today.AddDays(1),
                "day after tomorrow" or "the day after tomorrow" => today.AddDays(2),
                "end of week" or "end of the week" or "eow" or "this week" => UpcomingOrToday(today, DayOfWeek.Friday),
                "next week" => NextWeek(today, DayOfWeek.Friday),
                "end of next week" => NextWeek(today, DayOfWeek.Friday),
                "end of month" or "end of the month" or "eom" or "this month" => new DateOnly(today.Year, today.Month, DateTime.DaysInMonth(today.Year, today.Month)),
                "end of next month" or "next month" => EndOfNextMonth(today),
                _ => null,
            };
            if (date is { } d)
            {
                yield return new Match(d, m.Index, m.Length);
            }
        }

        foreach (System.Text.RegularExpressions.Match m in DayOfMonth().Matches(text))
        {
            yield return new Match(NextDayOfMonth(today, int.Parse(m.Groups["day"].Value, CultureInfo.InvariantCulture)), m.Index, m.Length);
        }

        foreach (System.Text.RegularExpressions.Match m in Weekday().Matches(text))
        {
            var day = Days[m.Groups["day"].Value];
            var next = m.Groups["next"].Success;
            yield return new Match(next ? NextWeek(today, day) : UpcomingOrToday(today, day), m.Index, m.Length);
        }

        foreach (System.Text.RegularExpressions.Match m in InSpan().Matches(text))
        {
            var amountText = m.Groups["n"].Value;
            var amount = int.TryParse(amountText, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n
                : Numbers.TryGetValue(amountText, out var w) ? w : 0;
            if (amount is > 0 and <= 365)
            {
                var unit = m.Groups["u"].Value.ToLowerInvariant();
                yield return new Match(unit.StartsWith('w') ? today.AddDays(7 * amount) : today.AddDays(amount), m.Index, m.Length);
            }
        }
    }

    private static DateOnly? DateFrom(System.Text.RegularExpressions.Match m, DateOnly today)
    {
        if (!Months.TryGetValue(m.Groups["mon"].Value.TrimEnd('.'), out var month)
            || !int.TryParse(m.Groups["day"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var day))
        {
            return null;
        }

        var year = m.Groups["year"].Success ? int.Parse(m.Groups["year"].Value, CultureInfo.InvariantCulture) : today.Year;
        if (day < 1 || day > DateTime.DaysInMonth(year, month))
        {
            return null;
        }

        var date = new DateOnly(year, month, day);
        // "3 Dec" said on 20 December means next year's.
        return !m.Groups["year"].Success && date < today ? date.AddYears(1) : date;
    }

    /// <summary>"By the 15th": the first such day from today on, in a month that has it.</summary>
    private static DateOnly NextDayOfMonth(DateOnly today, int day)
    {
        var month = new DateOnly(today.Year, today.Month, 1);
        while (day > DateTime.DaysInMonth(month.Year, month.Month) || new DateOnly(month.Year, month.Month, day) < today)
        {
            month = month.AddMonths(1);
        }

        return new DateOnly(month.Year, month.Month, day);
    }

    private static DateOnly UpcomingOrToday(DateOnly today, DayOfWeek day) =>
        today.AddDays(((int)day - (int)today.DayOfWeek + 7) % 7);

    /// <summary>That weekday in the week after this one (weeks start on Monday).</summary>
    private static DateOnly NextWeek(DateOnly today, DayOfWeek day)
    {
        var mondayThisWeek = today.AddDays(-(((int)today.DayOfWeek + 6) % 7));
        return mondayThisWeek.AddDays(7 + (((int)day + 6) % 7));
    }

    private static DateOnly EndOfNextMonth(DateOnly today)
    {
        var next = today.AddMonths(1);
        return new DateOnly(next.Year, next.Month, DateTime.DaysInMonth(next.Year, next.Month));
    }

    private const string Lead = @"(?:\b(?:by|before|on|due|until|till|for|no later than)\s+)?";

    [GeneratedRegex(Lead + @"\b(?<d>\d{4}-\d{2}-\d{2})\b", RegexOptions.IgnoreCase)]
    private static partial Regex IsoDate();

    [GeneratedRegex(Lead + @"\b(?:the\s+)?(?<day>\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?(?<mon>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?(?:,?\s+(?<year>\d{4}))?\b", RegexOptions.IgnoreCase)]
    private static partial Regex DayMonth();

    [GeneratedRegex(Lead + @"\b(?<mon>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?\s+(?<day>\d{1,2})(?:st|nd|rd|th)?\b(?:,?\s+(?<year>\d{4}))?", RegexOptions.IgnoreCase)]
    private static partial Regex MonthDay();

    [GeneratedRegex(Lead + @"\b(?<w>(?:the\s+)?day after tomorrow|(?:the\s+)?end of (?:the\s+)?(?:day|today|week|month)(?!\s+(?:on\s+)?(?:next\s+|this\s+)?(?:mon|tue|wed|thu|fri|sat|sun|\d))|(?:the\s+)?end of next (?:week|month)|close of business|next (?:week|month)|this (?:week|month)|as soon as possible|asap|a\.s\.a\.p\.?|urgently|today|tonight|tomorrow|tomorow|tommorow|tommorrow|tmrw|tmr|eow|eom|(?:eod|cob)(?!\s+(?:on\s+)?(?:next\s+|this\s+)?(?:mon|tue|wed|thu|fri|sat|sun|\d)))\b", RegexOptions.IgnoreCase)]
    private static partial Regex Relative();

    /// <summary>"By the 15th", "before the 3rd", "due the 30": a day of the month after a word that sets a deadline.</summary>
    [GeneratedRegex(@"\b(?:by|before|on|due|until|till|no later than)\s+(?:the\s+)?(?<day>[1-9]|[12]\d|3[01])(?:st|nd|rd|th)\b|\b(?:by|before|on|due|until|till|no later than)\s+the\s+(?<day>[1-9]|[12]\d|3[01])\b(?![ \t]*[\p{L}\d%$€£])", RegexOptions.IgnoreCase)]
    private static partial Regex DayOfMonth();

    /// <summary>A weekday ahead: not one that is past ("since Tuesday", "last Monday") or owns something ("Sunday's outage").</summary>
    [GeneratedRegex(Lead + @"(?<!\b(?:since|last|from|past|previous)\s+)\b(?:(?<next>next)\s+|this\s+|coming\s+)?(?<day>monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tues?|wed|thu(?:rs?)?|fri|sat|sun)\b(?!['’]s\b)(?:\s+(?:morning|afternoon|evening|night|noon|lunch(?:time)?|eod|cob|end of day))?", RegexOptions.IgnoreCase)]
    private static partial Regex Weekday();

    [GeneratedRegex(@"\b(?:with)?in\s+(?<n>\d{1,3}|a couple of|a few|an?|one|two|three|four|five|six|seven|eight|nine|ten)\s+(?<u>days?|weeks?)\b", RegexOptions.IgnoreCase)]
    private static partial Regex InSpan();
}
