namespace Missions.E2E;

/// <summary>A browser test; skipped with the reason where Chromium is missing, except under ./test.sh, which installs it.</summary>
public sealed class BrowserFactAttribute : FactAttribute
{
    public BrowserFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("MISSIONS_REQUIRE_TOOLS") != "1" && Browser.Missing is { } reason)
        {
            Skip = reason;
        }
    }
}
