namespace Missions.Host.Runs;

public sealed class RunOptions
{
    public const string Section = "Missions:Runs";

    /// <summary>Runs one host executes at the same time.</summary>
    public int MaxConcurrent { get; set; } = 4;

    /// <summary>How long a host owns a run without renewing; a run whose host died is taken up again after this.</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often the queue is looked at when nothing signalled it.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Attempts of a run whose failure may pass (a timeout, a dropped connection) before it is failed.</summary>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>The wait before the second attempt; doubled for each one after.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The most characters of context (mission, brief, comments, attachments, earlier artifacts) given to an agent.</summary>
    public int ContextBudget { get; set; } = 24_000;

    /// <summary>A pause after each step of the offline agent (for demos and tests that watch a run advance); none by default.</summary>
    public TimeSpan OfflineStepDelay { get; set; } = TimeSpan.Zero;

    /// <summary>A TrueType font for PDF artifacts; by default the first of DejaVu Sans, Liberation Sans, Noto Sans or FreeSans found.</summary>
    public string? PdfFontPath { get; set; }
}

/// <summary>Wakes the run worker when a transaction that queued a run has committed.</summary>
public sealed class RunSignal : Data.WorkSignal;
