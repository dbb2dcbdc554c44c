using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Identity.Client;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Missions.Host.Tests.Infrastructure;

/// <summary>
/// The Bot Framework's cloud side on loopback, speaking the real protocols: a key server (OpenID metadata, a JWKS
/// with endorsements, and Entra's client-credentials token endpoint) whose test RSA keys sign the tokens, and a
/// Connector that records every call and answers like Teams, or with the failures a test asks for.
/// </summary>
public sealed class BotFrameworkCloud : IAsyncDisposable
{
    public const string Issuer = "https://api.botframework.com";
    public const string TenantId = "6babcaad-604b-40ac-a9d7-9fd97c0b779f";

    /// <summary>The workspace of the tenant the tests' activities come from, where their missions live.</summary>
    public const string Workspace = "msteams:" + TenantId;
    public const string TeamsKey = "teams-key";
    public const string SkypeOnlyKey = "skype-only-key";
    public const string UnendorsedKey = "unendorsed-key";

    public static readonly string[] EmulatorIssuers = ["https://sts.windows.net/d6d49420-f39b-4df7-a1dc-d59a935871db/"];

    private readonly Dictionary<string, RSA> keys = new()
    {
        [TeamsKey] = RSA.Create(2048),
        [SkypeOnlyKey] = RSA.Create(2048),
        [UnendorsedKey] = RSA.Create(2048),
    };

    /// <summary>A key nobody published: tokens signed with it are forgeries.</summary>
    private readonly RSA rogue = RSA.Create(2048);

    private readonly ConcurrentQueue<ConnectorCall> calls = new();
    private readonly ConcurrentQueue<string> tokenRequests = new();
    private WebApplication? keyServer;
    private WebApplication? connector;
    private int nextId = 1000;

    public string AppId { get; } = Guid.NewGuid().ToString();
    public Uri KeyServer { get; private set; } = null!;
    public Uri Connector { get; private set; } = null!;

    /// <summary>A Teams-like service URL on the local Connector, with a path (kept by the client, as Teams' is).</summary>
    public string ServiceUrl => new Uri(Connector, $"amer/{TenantId}/").ToString();

    public string MetadataUrl => new Uri(KeyServer, "v1/.well-known/openidconfiguration").ToString();

    public IReadOnlyCollection<ConnectorCall> Calls => calls.ToArray();
    public IReadOnlyCollection<string> TokenRequests => tokenRequests.ToArray();

    /// <summary>Decides the Connector's answer to a call: null answers normally; a failure answers with it.</summary>
    public Func<ConnectorCall, int, Failure?>? Behaviour { get; set; }

    public sealed record Failure(int Status, string Body, TimeSpan? RetryAfter = null);

    /// <summary>How long the Connector takes to answer a call (a slow or stalled Connector); null answers at once.</summary>
    public Func<ConnectorCall, TimeSpan?>? Latency { get; set; }

    public sealed record ConnectorCall(string Method, string Path, string? Authorization, JsonObject? Body, DateTimeOffset At, int Status)
    {
        public string? Text => (Body?["text"] as JsonValue)?.ToString();
        public JsonObject? Card => Body?["attachments"]?[0]?["content"] as JsonObject;
    }

    public static async Task<BotFrameworkCloud> StartAsync()
    {
        var cloud = new BotFrameworkCloud();
        cloud.keyServer = cloud.BuildKeyServer();
        await cloud.keyServer.StartAsync();
        cloud.KeyServer = new Uri(cloud.keyServer.Urls.First() + "/");
        cloud.connector = cloud.BuildConnector();
        await cloud.connector.StartAsync();
        cloud.Connector = new Uri(cloud.connector.Urls.First() + "/");
        return cloud;
    }

    /// <summary>The host's settings for a bot registered with this cloud.</summary>
    public Dictionary<string, string?> HostSettings(IDictionary<string, string?>? more = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Missions:Teams:AppId"] = AppId,
            ["Missions:Teams:AppPassword"] = "test-secret",
            ["Missions:Teams:TenantId"] = TenantId,
            ["Missions:Teams:AppType"] = "SingleTenant",
            ["Missions:Teams:OpenIdMetadataUrl"] = MetadataUrl,
            ["Missions:Teams:Issuer"] = Issuer,
            ["Missions:Outbox:PollInterval"] = "00:00:00.200",
        };
        foreach (var (k, v) in more ?? new Dictionary<string, string?>())
        {
            settings[k] = v;
        }

        return settings;
    }

    /// <summary>MSAL's HTTP goes to the key server instead of login.microsoftonline.com (no network but loopback).</summary>
    public void Configure(IServiceCollection services) =>
        services.AddSingleton<IMsalHttpClientFactory>(new LoopbackMsalHttp(KeyServer));

    // ---- tokens --------------------------------------------------------------------------------------------------

    public string Token(
        string serviceUrl, string? audience = null, string issuer = Issuer, string kid = TeamsKey, TimeSpan? expiresIn = null,
        TimeSpan? notBeforeIn = null, string algorithm = SecurityAlgorithms.RsaSha256, bool forged = false, IDictionary<string, object>? claims = null)
    {
        var now = DateTime.UtcNow;
        var expires = now + (expiresIn ?? TimeSpan.FromMinutes(30));
        var notBefore = now + (notBeforeIn ?? TimeSpan.FromMinutes(-1));
        var key = new RsaSecurityKey(forged ? rogue : keys[kid]) { KeyId = kid };
        var all = new Dictionary<string, object> { ["serviceurl"] = serviceUrl };
        foreach (var (k, v) in claims ?? new Dictionary<string, object>())
        {
            all[k] = v;
        }

        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience ?? AppId,
            IssuedAt = notBefore < expires ? notBefore : expires.AddMinutes(-1),
            NotBefore = notBefore < expires ? notBefore : expires.AddMinutes(-1),
            Expires = expires,
            Claims = all,
            SigningCredentials = new SigningCredentials(key, algorithm),
        });
    }

    /// <summary>A token with no signature at all ("alg": "none").</summary>
    public string UnsignedToken(string serviceUrl)
    {
        static string Part(string json) => Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(json));
        var exp = DateTimeOffset.UtcNow.AddMinutes(30).ToUnixTimeSeconds();
        return Part("""{"alg":"none","typ":"JWT"}""") + "." +
            Part($$"""{"iss":"{{Issuer}}","aud":"{{AppId}}","exp":{{exp}},"serviceurl":"{{serviceUrl}}"}""") + ".";
    }

    // ---- waiting for the Connector ---------------------------------------------------------------------------------

    public Task<ConnectorCall[]> WaitForCallsAsync(Func<ConnectorCall, bool> match, int count = 1, TimeSpan? timeout = null) =>
        LoopbackServer.WaitForCallsAsync(() => Calls, c => c.Status, match, count, timeout ?? TimeSpan.FromSeconds(20), "Connector", c => $"{c.Method} {c.Path} {c.Status} {c.Text}");

    // ---- the servers ---------------------------------------------------------------------------------------------

    private WebApplication BuildKeyServer()
    {
        var app = LoopbackServer.Create();
        app.MapGet("/v1/.well-known/openidconfiguration", (HttpContext http) => Results.Json(new JsonObject
        {
            ["issuer"] = Issuer,
            ["authorization_endpoint"] = "https://invalid.botframework.com",
            ["jwks_uri"] = new Uri(KeyServer, "v1/.well-known/keys").ToString(),
            ["id_token_signing_alg_values_supported"] = new JsonArray("RS256"),
            ["token_endpoint_auth_methods_supported"] = new JsonArray("private_key_jwt"),
        }));
        app.MapGet("/emulator/.well-known/openid-configuration", () => Results.Json(new JsonObject
        {
            ["issuer"] = EmulatorIssuers[0],
            ["jwks_uri"] = new Uri(KeyServer, "v1/.well-known/keys").ToString(),
        }));
        app.MapGet("/v1/.well-known/keys", () =>
        {
            var set = new JsonArray();
            foreach (var (kid, rsa) in keys)
            {
                var p = rsa.ExportParameters(false);
                var jwk = new JsonObject
                {
                    ["kty"] = "RSA",
                    ["use"] = "sig",
                    ["kid"] = kid,
                    ["n"] = Base64UrlEncoder.Encode(p.Modulus),
                    ["e"] = Base64UrlEncoder.Encode(p.Exponent),
                };
                if (kid == TeamsKey)
                {
                    jwk["endorsements"] = new JsonArray("msteams", "emulator");
                }
                else if (kid == SkypeOnlyKey)
                {
                    jwk["endorsements"] = new JsonArray("skype");
                }

                set.Add(jwk);
            }

            return Results.Json(new JsonObject { ["keys"] = set });
        });
        // Entra's token endpoint, as MSAL calls it for client credentials.
        app.MapPost("/{tenant}/oauth2/v2.0/token", async (string tenant, HttpContext http) =>
        {
            var form = await http.Request.ReadFormAsync();
            tokenRequests.Enqueue($"{tenant} {form["grant_type"]} {form["client_id"]} {form["scope"]}");
            return Results.Json(new JsonObject
            {
                ["token_type"] = "Bearer",
                ["expires_in"] = 3600,
                ["ext_expires_in"] = 3600,
                ["access_token"] = "connector-token-" + tokenRequests.Count,
            });
        });
        app.MapFallback((HttpContext http) => Results.NotFound(new { path = http.Request.Path.Value }));
        return app;
    }

    /// <summary>
    /// Keeps a file as the Connector keeps an image pasted into a message; returns its contentUrl, which answers only
    /// with the bot's token.
    /// </summary>
    public Uri PutAttachment(string id, byte[] bytes, string contentType)
    {
        attachments[id] = (bytes, contentType);
        return new Uri(ServiceUrl + $"v3/attachments/{id}/views/original");
    }

    private readonly ConcurrentDictionary<string, (byte[] Bytes, string ContentType)> attachments = new();

    private WebApplication BuildConnector()
    {
        var app = LoopbackServer.Create();
        app.MapGet("/amer/{tenant}/v3/attachments/{id}/views/original", (HttpContext http, string id) =>
        {
            calls.Enqueue(new ConnectorCall("GET", http.Request.Path.Value!, http.Request.Headers.Authorization.ToString(), null, DateTimeOffset.UtcNow, 200));
            if (!http.Request.Headers.Authorization.ToString().StartsWith("Bearer connector-token-", StringComparison.Ordinal))
            {
                return Results.StatusCode(StatusCodes.Status401Unauthorized);
            }

            return attachments.TryGetValue(id, out var file) ? Results.Bytes(file.Bytes, file.ContentType) : Results.NotFound();
        });
        app.Map("/{**path}", async (HttpContext http) =>
        {
            JsonObject? body = null;
            if (http.Request.ContentLength > 0 || http.Request.Headers.TransferEncoding.Count > 0)
            {
                body = JsonNode.Parse(await new StreamReader(http.Request.Body).ReadToEndAsync()) as JsonObject;
            }

            // The path as sent, escapes and all.
            var path = http.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestFeature>()!.RawTarget;
            var probe = new ConnectorCall(http.Request.Method, path, http.Request.Headers.Authorization.ToString(), body, DateTimeOffset.UtcNow, 200);
            if (Latency?.Invoke(probe) is { } latency)
            {
                await Task.Delay(latency);
            }

            var failure = Behaviour?.Invoke(probe, calls.Count);
            var call = probe with { Status = failure?.Status ?? 200 };
            calls.Enqueue(call);
            if (failure is not null)
            {
                if (failure.RetryAfter is { } after)
                {
                    http.Response.Headers.RetryAfter = ((int)Math.Ceiling(after.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
                }

                return Results.Content(failure.Body, "application/json", Encoding.UTF8, failure.Status);
            }

            if (http.Request.Method == "GET")
            {
                return Results.Json(new JsonArray());
            }

            if (http.Request.Method == "DELETE")
            {
                return Results.Ok();
            }

            if (http.Request.Method == "PUT")
            {
                return Results.Json(new JsonObject { ["id"] = Uri.UnescapeDataString(path.Split('/')[^1]) });
            }

            var id = Interlocked.Increment(ref nextId).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return http.Request.Path.Value!.EndsWith("/v3/conversations", StringComparison.Ordinal)
                ? Results.Json(new JsonObject { ["id"] = "a:created-" + id, ["activityId"] = id })
                : Results.Json(new JsonObject { ["id"] = id }, statusCode: 201);
        });
        return app;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var app in new[] { keyServer, connector })
        {
            if (app is not null)
            {
                await app.StopAsync();
                await app.DisposeAsync();
            }
        }

        foreach (var rsa in keys.Values.Append(rogue))
        {
            rsa.Dispose();
        }
    }

    private sealed class LoopbackMsalHttp(Uri keyServer) : IMsalHttpClientFactory
    {
        private readonly HttpClient client = new(new Redirect(keyServer));

        public HttpClient GetHttpClient() => client;

        private sealed class Redirect(Uri target) : DelegatingHandler(new SocketsHttpHandler())
        {
            protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
            {
                if (request.RequestUri is { Host: "login.microsoftonline.com" } uri)
                {
                    request.RequestUri = new UriBuilder(uri) { Scheme = target.Scheme, Host = target.Host, Port = target.Port }.Uri;
                }

                return base.SendAsync(request, cancellationToken);
            }
        }
    }
}
