using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Missions.Host.Web;

/// <summary>
/// Every refusal leaves as an RFC 7807 problem that names the field that was wrong: domain refusals (mapped from
/// their kind to a status here, the one place that knows HTTP), malformed or mistyped JSON, unknown fields, oversized
/// bodies. Anything else is a 500 without internals.
/// </summary>
internal sealed partial class ProblemExceptionHandler(IProblemDetailsService problems, ILogger<ProblemExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var problem = exception switch
        {
            DomainException p => FromDomain(p),
            BadHttpRequestException bad => FromBadRequest(bad),
            _ => null,
        };

        if (problem is null)
        {
            LogUnhandled(logger, exception, httpContext.Request.Method, httpContext.Request.Path);
            problem = new ProblemDetails
            {
                Status = StatusCodes.Status500InternalServerError,
                Title = "Unexpected error",
                Detail = "Something went wrong on our side; nothing you sent was lost. Try again, and tell an administrator if it persists.",
            };
        }

        httpContext.Response.StatusCode = problem.Status ?? StatusCodes.Status500InternalServerError;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = problem,
            Exception = exception,
        });
    }

    public static (int Status, string Title) StatusOf(Refusal kind) => kind switch
    {
        Refusal.NotFound => (StatusCodes.Status404NotFound, "Not found"),
        Refusal.Invalid => (StatusCodes.Status400BadRequest, "Invalid request"),
        Refusal.Conflict => (StatusCodes.Status409Conflict, "Conflict"),
        Refusal.NotPermitted => (StatusCodes.Status403Forbidden, "Forbidden"),
        Refusal.VersionRequired => (StatusCodes.Status428PreconditionRequired, "Precondition required"),
        Refusal.TooLarge => (StatusCodes.Status413PayloadTooLarge, "Payload too large"),
        Refusal.UnsupportedType => (StatusCodes.Status415UnsupportedMediaType, "Unsupported media type"),
        _ => (StatusCodes.Status400BadRequest, "Invalid request"),
    };

    private static ProblemDetails FromDomain(DomainException p)
    {
        // Over HTTP the version a change is based on travels in If-Match.
        var field = p.Field ?? (p.Kind == Refusal.VersionRequired || p.Code == DomainException.StaleVersionCode ? "If-Match" : null);
        var details = field is null
            ? new ProblemDetails()
            : new ValidationProblemDetails(new Dictionary<string, string[]> { [field] = [p.Message] });
        (details.Status, details.Title) = StatusOf(p.Kind);
        details.Detail = p.Message;
        details.Type = "https://missions.dev/problems/" + p.Code;
        if (field is not null)
        {
            details.Extensions["field"] = field;
        }

        foreach (var (key, value) in p.Extensions)
        {
            details.Extensions[key] = value;
        }

        return details;
    }

    private static ProblemDetails FromBadRequest(BadHttpRequestException bad)
    {
        if (bad.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return FromDomain(DomainException.TooLarge("body", "The request body is larger than this endpoint accepts."));
        }

        var json = FindInner<JsonException>(bad);
        if (json is not null)
        {
            var field = FieldFromJsonPath(json.Path);
            var message = json.Message;
            // Unknown fields: System.Text.Json names the member in the message and points the path at its parent.
            const string unmapped = "The JSON property '";
            const string duplicate = "Duplicate property '";
            var at = message.IndexOf(unmapped, StringComparison.Ordinal);
            if (message.StartsWith(duplicate, StringComparison.Ordinal))
            {
                // The path names the field given twice.
                message = $"'{field}' is given more than once; send each field once.";
            }
            else if (at >= 0)
            {
                var end = message.IndexOf('\'', at + unmapped.Length);
                var name = message[(at + unmapped.Length)..end];
                // Depending on where the reader stopped, the path names the member itself or its parent object.
                field = field is "body" ? name
                    : field == name || field.EndsWith("." + name, StringComparison.Ordinal) ? field
                    : field + "." + name;
                message = $"'{name}' is not a field this endpoint accepts.";
            }
            else if (json.Path is null || json.LineNumber is null)
            {
                message = "The body is not valid JSON.";
            }
            else if (field == "body")
            {
                // The reader stopped at the top level: the JSON itself is broken (cut short, a stray comma), not a field.
                message = $"The body is not valid JSON (line {json.LineNumber + 1}, position {json.BytePositionInLine + 1}).";
            }
            else
            {
                message = $"'{field}' has the wrong type or format.";
            }

            return FromDomain(DomainException.Invalid(field, message));
        }

        if (bad.StatusCode == StatusCodes.Status415UnsupportedMediaType)
        {
            return FromDomain(DomainException.UnsupportedType("Content-Type", "Send the body as application/json."));
        }

        // Route and query binding failures name the parameter in the message: 'Failed to bind parameter "int page" from "x".'
        var parameter = ParameterFromMessage(bad.Message);
        return FromDomain(DomainException.Invalid(parameter ?? "body", bad.Message));
    }

    private static T? FindInner<T>(Exception e) where T : Exception
    {
        for (var x = e.InnerException; x is not null; x = x.InnerException)
        {
            if (x is T t)
            {
                return t;
            }
        }

        return null;
    }

    internal static string FieldFromJsonPath(string? path)
    {
        if (string.IsNullOrEmpty(path) || path == "$")
        {
            return "body";
        }

        var field = path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');
        return field.Length == 0 ? "body" : field;
    }

    private static string? ParameterFromMessage(string message)
    {
        var start = message.IndexOf('"', StringComparison.Ordinal);
        var end = start < 0 ? -1 : message.IndexOf('"', start + 1);
        if (end <= start)
        {
            return null;
        }

        var declaration = message[(start + 1)..end];
        var space = declaration.LastIndexOf(' ');
        return space >= 0 ? declaration[(space + 1)..] : declaration;
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Error, Message = "Unhandled error on {Method} {Path}")]
    private static partial void LogUnhandled(ILogger logger, Exception exception, string method, string path);
}
