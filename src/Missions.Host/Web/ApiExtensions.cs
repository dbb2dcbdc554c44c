using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Mvc;
using Missions.Host.Data;
using Missions.Host.Missions;
using Missions.Host.Proposals;
using Missions.Host.Workspace;

namespace Missions.Host.Web;

public static class ApiExtensions
{
    /// <summary>JSON bodies on the REST API are small; a larger one is refused with 413 before it is read.</summary>
    public const long MaxJsonBodyBytes = 256 * 1024;

    public static IHostApplicationBuilder AddMissionsApi(this IHostApplicationBuilder builder)
    {
        builder.Services.Configure<Microsoft.AspNetCore.Http.Json.JsonOptions>(o => Configure(o.SerializerOptions));
        builder.Services.Configure<RouteHandlerOptions>(o =>
        {
            // Always throw on bad input so ProblemExceptionHandler can say which field was wrong (by default
            // outside Development a bad body is a bare 400 with no explanation).
            o.ThrowOnBadRequest = true;
        });
        builder.Services.AddProblemDetails(o => o.CustomizeProblemDetails = c =>
        {
            c.ProblemDetails.Instance ??= c.HttpContext.Request.Path;
            c.ProblemDetails.Extensions["traceId"] = c.HttpContext.TraceIdentifier;
            if (c.ProblemDetails.Status == StatusCodes.Status415UnsupportedMediaType)
            {
                c.ProblemDetails.Detail ??= "Send the body as application/json.";
            }
        });
        builder.Services.AddExceptionHandler<ProblemExceptionHandler>();
        builder.Services.AddOpenApi();
        builder.AddApiAccess();
        return builder;
    }

    public static void Configure(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.Converters.Add(new JsonStringEnumConverter(allowIntegerValues: false));
        // A misspelt field is an error, not silently ignored data.
        options.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
        options.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
        // A field given twice ({"title":"a","title":"b"}) is refused: a proxy and the host must never read one body two ways.
        options.AllowDuplicateProperties = false;
    }

    /// <summary>
    /// Refuses a body whose declared length exceeds the endpoint's limit before a byte of it is read. Kestrel also
    /// enforces the limit while reading (for chunked bodies); this makes the answer the same on every server.
    /// </summary>
    private static Task RefuseOversizedBodies(HttpContext context, Func<Task> next)
    {
        var limit = context.GetEndpoint()?.Metadata.GetMetadata<Microsoft.AspNetCore.Http.Metadata.IRequestSizeLimitMetadata>()?.MaxRequestBodySize;
        if (limit is { } max && context.Request.ContentLength > max)
        {
            throw new BadHttpRequestException($"The body is {context.Request.ContentLength} bytes; this endpoint accepts at most {max}.", StatusCodes.Status413PayloadTooLarge);
        }

        return next();
    }

    /// <summary>Readiness, with what each check found: "Unhealthy" alone tells an operator nothing.</summary>
    private static readonly HealthCheckOptions Readiness = new()
    {
        ResponseWriter = (http, report) =>
        {
            http.Response.ContentType = "application/json; charset=utf-8";
            return http.Response.WriteAsJsonAsync(new
            {
                status = report.Status.ToString(),
                checks = report.Entries.Select(e => new { name = e.Key, status = e.Value.Status.ToString(), description = e.Value.Description }),
            });
        },
    };

    public static WebApplication MapMissionsApi(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseRouting();
        app.UseAuthentication();
        app.UseAuthorization();
        app.Use(RefuseOversizedBodies);

        var api = app.MapGroup("/api")
            .RequireAuthorization(ApiAccess.Policy)
            .WithMetadata(new RequestSizeLimitAttribute(MaxJsonBodyBytes))
            .UseOneConnectionPerRequest();
        // A signed-in person reads and changes their own workspace's missions; nothing else exists for them.
        api.AddEndpointFilter((context, next) =>
        {
            ApiAccess.SeeAs(context.HttpContext.RequestServices, context.HttpContext.User);
            return next(context);
        });
        api.MapMissionsApi();
        api.MapProposalsApi();
        api.MapWorkspaceApi();
        Runs.RunsApi.MapRunsApi(api);

        app.MapOpenApi();
        // Liveness (the process answers) and readiness (the database answers and is migrated), as orchestrators ask.
        app.MapHealthChecks("/alive", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/health", Readiness);
        app.MapHealthChecks("/healthz", Readiness);
        return app;
    }
}
