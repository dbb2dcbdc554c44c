namespace Missions.Host.Missions;

/// <summary>
/// Fractional ranks as strings: a new position is a string strictly between its neighbours, so moving one mission
/// never renumbers the others. Digits are <c>0-9a-z</c> only, which sort the same under SQLite's BINARY collation,
/// PostgreSQL's C and ICU collations and SQL Server's default ones. A generated rank never ends in '0', so there is
/// always room below it.
/// </summary>
public static class BoardRank
{
    private const string Digits = "0123456789abcdefghijklmnopqrstuvwxyz";
    private const int Base = 36;

    public const int MaxLength = 200;

    /// <summary>The rank for a first item in an empty column.</summary>
    public static string Initial => Between(null, null);

    public static string After(string? before) => Between(before, null);

    public static string Before(string? after) => Between(null, after);

    /// <summary>Width at which an open end is stepped: 36² steps per leading digit before a rank grows longer.</summary>
    private const int StepWidth = 3;

    /// <summary>
    /// A rank strictly between <paramref name="low"/> and <paramref name="high"/>; null means open-ended. At an
    /// open end (the common "add to the bottom of the column") the rank steps by one unit at a fixed width, so a
    /// column that only ever grows at one end keeps ranks of three or four characters; a midpoint would add a
    /// character every few additions.
    /// </summary>
    public static string Between(string? low, string? high)
    {
        if (string.IsNullOrEmpty(low) && high is null)
        {
            return "i";
        }

        if (high is null && IsValid(low) && Step(low!, +1) is { } above)
        {
            return above;
        }

        if (string.IsNullOrEmpty(low) && IsValid(high) && Step(high!, -1) is { } below)
        {
            return below;
        }

        return Midpoint(low, high);
    }

    /// <summary>
    /// The rank one unit above (or below) <paramref name="rank"/> at <see cref="StepWidth"/> digits or the rank's
    /// own length if longer; null when that runs off the end of the range (the caller then takes a midpoint).
    /// </summary>
    private static string? Step(string rank, int direction)
    {
        var digits = rank.PadRight(Math.Max(rank.Length, StepWidth), '0').Select(c => Digits.IndexOf(c, StringComparison.Ordinal)).ToArray();
        do
        {
            var i = digits.Length - 1;
            digits[i] += direction;
            while (digits[i] is < 0 or >= Base)
            {
                digits[i] = direction > 0 ? 0 : Base - 1;
                if (--i < 0)
                {
                    return null;
                }

                digits[i] += direction;
            }
        }
        while (digits[^1] == 0); // a rank never ends in '0', so there is always room below it

        var result = new string(digits.Select(d => Digits[d]).ToArray());
        return string.CompareOrdinal(result, "") > 0 ? result : null;
    }

    private static string Midpoint(string? low, string? high)
    {
        low ??= "";
        if (!IsValid(low, allowEmpty: true))
        {
            throw new ArgumentException($"'{low}' is not a board rank.", nameof(low));
        }

        if (high is not null && (!IsValid(high, allowEmpty: false) || string.CompareOrdinal(low, high) >= 0))
        {
            throw new ArgumentException($"'{high}' is not a board rank above '{low}'.", nameof(high));
        }

        var result = new System.Text.StringBuilder();
        for (var i = 0; ; i++)
        {
            var lo = i < low.Length ? Digits.IndexOf(low[i], StringComparison.Ordinal) : 0;
            var hi = high is not null && i < high.Length ? Digits.IndexOf(high[i], StringComparison.Ordinal) : Base;
            if (lo == hi)
            {
                result.Append(Digits[lo]);
                continue;
            }

            var mid = (lo + hi) / 2;
            if (mid > lo)
            {
                result.Append(Digits[mid]);
                return result.ToString();
            }

            // hi == lo + 1: keep lo's digit; from here on the result is below high whatever follows.
            result.Append(Digits[lo]);
            high = null;
        }
    }

    public static bool IsValid(string? rank, bool allowEmpty = false)
    {
        if (rank is null || (rank.Length == 0 && !allowEmpty) || rank.Length > MaxLength)
        {
            return false;
        }

        foreach (var c in rank)
        {
            if (Digits.IndexOf(c, StringComparison.Ordinal) < 0)
            {
                return false;
            }
        }

        return rank.Length == 0 || rank[^1] != '0';
    }

    /// <summary>
    /// <paramref name="count"/> evenly spaced ranks in order, all of one short width, for re-spreading a column
    /// whose gaps ran out. Trailing zeros are dropped, which keeps the order.
    /// </summary>
    public static IReadOnlyList<string> Spread(int count)
    {
        var width = 1;
        for (var capacity = (long)Base; capacity <= 2L * (count + 1); capacity *= Base)
        {
            width++;
        }

        var space = System.Numerics.BigInteger.Pow(Base, width);
        var ranks = new List<string>(count);
        for (var i = 1; i <= count; i++)
        {
            var value = space * i / (count + 1);
            var digits = new char[width];
            for (var d = width - 1; d >= 0; d--)
            {
                digits[d] = Digits[(int)(value % Base)];
                value /= Base;
            }

            ranks.Add(new string(digits).TrimEnd('0'));
        }

        return ranks;
    }
}
