namespace Missions.Host;

/// <summary>What kind of refusal a <see cref="DomainException"/> is; the web maps it to a status, chat to a notice.</summary>
public enum Refusal
{
    /// <summary>The thing named does not exist.</summary>
    NotFound,

    /// <summary>A value is missing or wrong; <see cref="DomainException.Field"/> names it.</summary>
    Invalid,

    /// <summary>The state does not allow it (already decided, a lifecycle rule, someone was quicker, a stale version).</summary>
    Conflict,

    /// <summary>This person may not do it.</summary>
    NotPermitted,

    /// <summary>A change needs the version the caller saw, and none was given.</summary>
    VersionRequired,

    /// <summary>Bigger than allowed.</summary>
    TooLarge,

    /// <summary>A kind of content that is not accepted.</summary>
    UnsupportedType,
}

/// <summary>
/// A refusal with a reason a person can act on, thrown by the domain (missions, proposals, runs, the workspace) for
/// every caller alike. <c>Web/</c> turns it into an RFC 7807 problem and <c>Conversations/</c> into a notice; the
/// domain knows nothing of HTTP status codes.
/// </summary>
public sealed class DomainException : Exception
{
    private DomainException(Refusal kind, string detail, string? field, string code)
        : base(detail)
    {
        Kind = kind;
        Field = field;
        Code = code;
    }

    public Refusal Kind { get; }

    /// <summary>The input that was wrong, when one was.</summary>
    public string? Field { get; }

    /// <summary>A short machine-readable code, e.g. "stale-version", "invalid-transition", "already-decided".</summary>
    public string Code { get; }

    /// <summary>Facts a client can use (the current version, the mission a proposal became).</summary>
    public IDictionary<string, object?> Extensions { get; } = new Dictionary<string, object?>();

    public static DomainException NotFound(string detail) => new(Refusal.NotFound, detail, null, "not-found");

    public static DomainException Invalid(string field, string detail) => new(Refusal.Invalid, detail, field, "invalid-field");

    public static DomainException Conflict(string detail, string code = "conflict") => new(Refusal.Conflict, detail, null, code);

    public const string StaleVersionCode = "stale-version";

    public static DomainException StaleVersion(long expected, long current) =>
        new(Refusal.Conflict, $"The version you sent ({expected}) is not the current one ({current}); reload and try again.", null, StaleVersionCode)
        {
            Extensions = { ["currentVersion"] = current },
        };

    public static DomainException NotPermitted(string detail) => new(Refusal.NotPermitted, detail, null, "forbidden");

    public static DomainException VersionRequired(string detail) => new(Refusal.VersionRequired, detail, null, "precondition-required");

    public static DomainException TooLarge(string field, string detail) => new(Refusal.TooLarge, detail, field, "too-large");

    public static DomainException UnsupportedType(string field, string detail) => new(Refusal.UnsupportedType, detail, field, "unsupported-media-type");
}
