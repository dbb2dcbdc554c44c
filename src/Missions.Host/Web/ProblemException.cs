using Microsoft.AspNetCore.Http;

namespace Missions.Host.Web;

/// <summary>
/// A refusal with a reason a person can act on. Thrown by the domain (the API and the chat bot share it) and
/// turned into an RFC 7807 problem by <see cref="ProblemExceptionHandler"/>, or into a notice by a channel.
/// </summary>
public sealed class ProblemException : Exception
{
    private ProblemException(int status, string title, string detail, string? field, string? type)
        : base(detail)
    {
        Status = status;
        Title = title;
        Field = field;
        Type = type;
    }

    public int Status { get; }
    public string Title { get; }

    /// <summary>The request field that was wrong, when one was.</summary>
    public string? Field { get; }

    /// <summary>A short machine-readable code, e.g. "stale-version", "invalid-transition".</summary>
    public string? Type { get; }

    public IDictionary<string, object?> Extensions { get; } = new Dictionary<string, object?>();

    public static ProblemException NotFound(string detail) =>
        new(StatusCodes.Status404NotFound, "Not found", detail, null, "not-found");

    public static ProblemException Invalid(string field, string detail) =>
        new(StatusCodes.Status400BadRequest, "Invalid request", detail, field, "invalid-field");

    public static ProblemException Conflict(string detail, string type = "conflict") =>
        new(StatusCodes.Status409Conflict, "Conflict", detail, null, type);

    public static ProblemException StaleVersion(long expected, long current) =>
        new(StatusCodes.Status409Conflict, "Stale version", $"The version you sent ({expected}) is not the current one ({current}); reload and try again.", "If-Match", "stale-version")
        {
            Extensions = { ["currentVersion"] = current },
        };

    public static ProblemException Forbidden(string detail) =>
        new(StatusCodes.Status403Forbidden, "Forbidden", detail, null, "forbidden");

    public static ProblemException PreconditionRequired(string detail) =>
        new(StatusCodes.Status428PreconditionRequired, "Precondition required", detail, "If-Match", "precondition-required");

    public static ProblemException PayloadTooLarge(string field, string detail) =>
        new(StatusCodes.Status413PayloadTooLarge, "Payload too large", detail, field, "too-large");

    public static ProblemException UnsupportedMedia(string field, string detail) =>
        new(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type", detail, field, "unsupported-media-type");
}
