using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Missions.Host.Tests.Infrastructure;

/// <summary>
/// Entra ID on loopback, speaking its protocols: a tenant's OpenID Connect metadata (v2.0) and signing keys, and an
/// authorize endpoint that signs <see cref="User"/> in at once and posts the id token back (response_mode=form_post),
/// as Entra does after the person has typed their password. Its RSA key signs the tokens the tests hand out, such as a
/// Teams tab's SSO token.
/// </summary>
public sealed class EntraCloud : IAsyncDisposable
{
    public const string TenantId = "72f988bf-86f1-41af-91ab-2d7cd011db47";
    public const string KeyId = "entra-key";

    /// <summary>Teams' own client, which asks for the tab's token (the token's <c>azp</c>).</summary>
    public const string TeamsClientId = "1fec8e78-bce4-4aaf-ab1b-5451cc387264";

    private readonly RSA key = RSA.Create(2048);
    private readonly RSA rogue = RSA.Create(2048);
    private readonly ConcurrentQueue<string> authorizeRequests = new();
    private WebApplication? server;

    public string ClientId { get; } = Guid.NewGuid().ToString();
    public Uri Instance { get; private set; } = null!;
    public string Issuer => new Uri(Instance, $"{TenantId}/v2.0").ToString();

    /// <summary>The Application ID URI a Teams tab asks a token for (as the Teams package names it).</summary>
    public string AppIdUri => Host.Teams.TeamsAppPackage.AppIdUri("missions.contoso.com", Guid.Parse(ClientId));

    /// <summary>Who signs in at the authorize endpoint.</summary>
    public Person User { get; set; } = new("0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9", "Ada Lovelace", "ada@contoso.com");

    /// <summary>Each authorize request's query, as the browser sent it.</summary>
    public IReadOnlyCollection<string> AuthorizeRequests => authorizeRequests.ToArray();

    public sealed record Person(string ObjectId, string Name, string UserName);

    public static async Task<EntraCloud> StartAsync()
    {
        var cloud = new EntraCloud();
        cloud.server = LoopbackServer.Create();
        cloud.Map(cloud.server);
        await cloud.server.StartAsync();
        cloud.Instance = new Uri(cloud.server.Urls.First() + "/");
        return cloud;
    }

    /// <summary>The host's settings for an app registered in this tenant.</summary>
    public Dictionary<string, string?> HostSettings() => new()
    {
        ["Missions:SignIn:Instance"] = Instance.ToString(),
        ["Missions:SignIn:TenantId"] = TenantId,
        ["Missions:SignIn:ClientId"] = ClientId,
        ["Missions:SignIn:AppIdUri"] = AppIdUri,
    };

    /// <summary>
    /// An access token as Entra issues one to Teams for the tab (v2.0, scope <c>access_as_user</c>); each part can be
    /// made wrong to see it refused.
    /// </summary>
    public string TabToken(
        Person? person = null, string? audience = null, string? issuer = null, string? tenant = null, string? scope = "access_as_user",
        TimeSpan? expiresIn = null, bool forged = false)
    {
        var now = DateTime.UtcNow;
        var claims = Claims(person ?? User, tenant ?? TenantId);
        claims["azp"] = TeamsClientId;
        if (scope is not null)
        {
            claims["scp"] = scope;
        }

        var expires = now + (expiresIn ?? TimeSpan.FromHours(1));
        return Sign(issuer ?? Issuer, audience ?? AppIdUri, claims, now.AddMinutes(-1) < expires ? now.AddMinutes(-1) : expires.AddMinutes(-1), expires, forged);
    }

    /// <summary>Who the person is, as Entra ID's v2.0 tokens (id and access) say it.</summary>
    private static Dictionary<string, object> Claims(Person person, string tenant) => new()
    {
        ["ver"] = "2.0",
        ["oid"] = person.ObjectId,
        ["sub"] = "sub-" + person.ObjectId,
        ["tid"] = tenant,
        ["name"] = person.Name,
        ["preferred_username"] = person.UserName,
    };

    private string Sign(string issuer, string audience, Dictionary<string, object> claims, DateTime notBefore, DateTime expires, bool forged) =>
        new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            IssuedAt = notBefore,
            NotBefore = notBefore,
            Expires = expires,
            Claims = claims,
            SigningCredentials = new SigningCredentials(new RsaSecurityKey(forged ? rogue : key) { KeyId = KeyId }, SecurityAlgorithms.RsaSha256),
        });

    private void Map(WebApplication app)
    {
        app.MapGet("/{tenant}/v2.0/.well-known/openid-configuration", (string tenant) => tenant != TenantId ? Results.NotFound() : Results.Json(new JsonObject
        {
            ["issuer"] = Issuer,
            ["authorization_endpoint"] = new Uri(Instance, $"{TenantId}/oauth2/v2.0/authorize").ToString(),
            ["token_endpoint"] = new Uri(Instance, $"{TenantId}/oauth2/v2.0/token").ToString(),
            ["end_session_endpoint"] = new Uri(Instance, $"{TenantId}/oauth2/v2.0/logout").ToString(),
            ["jwks_uri"] = new Uri(Instance, $"{TenantId}/discovery/v2.0/keys").ToString(),
            ["response_modes_supported"] = new JsonArray("query", "fragment", "form_post"),
            ["response_types_supported"] = new JsonArray("code", "id_token", "code id_token", "id_token token"),
            ["subject_types_supported"] = new JsonArray("pairwise"),
            ["id_token_signing_alg_values_supported"] = new JsonArray("RS256"),
            ["scopes_supported"] = new JsonArray("openid", "profile", "email", "offline_access"),
        }));
        app.MapGet("/{tenant}/discovery/v2.0/keys", () =>
        {
            var p = key.ExportParameters(false);
            return Results.Json(new JsonObject
            {
                ["keys"] = new JsonArray(new JsonObject
                {
                    ["kty"] = "RSA",
                    ["use"] = "sig",
                    ["kid"] = KeyId,
                    ["n"] = Base64UrlEncoder.Encode(p.Modulus),
                    ["e"] = Base64UrlEncoder.Encode(p.Exponent),
                }),
            });
        });
        // The person is signed in already: Entra posts the id token back to the app (form_post), by the browser.
        app.MapGet("/{tenant}/oauth2/v2.0/authorize", (HttpContext http) =>
        {
            var query = http.Request.Query;
            authorizeRequests.Enqueue(http.Request.QueryString.Value ?? "");
            if (query["client_id"] != ClientId || query["response_mode"] != "form_post" || string.IsNullOrEmpty(query["redirect_uri"]))
            {
                return Results.BadRequest("AADSTS900144: the request is not one this app may make.");
            }

            var now = DateTime.UtcNow;
            var claims = Claims(User, TenantId);
            claims["nonce"] = query["nonce"].ToString();
            var idToken = Sign(Issuer, ClientId, claims, now.AddMinutes(-1), now.AddHours(1), forged: false);
            var redirect = WebUtility.HtmlEncode(query["redirect_uri"]);
            var state = WebUtility.HtmlEncode(query["state"]);
            return Results.Content(
                $"""
                <!DOCTYPE html><html><head><title>Signing in</title></head>
                <body onload="document.forms[0].submit()"><form method="post" action="{redirect}">
                <input type="hidden" name="id_token" value="{idToken}"><input type="hidden" name="state" value="{state}">
                </form></body></html>
                """, "text/html; charset=utf-8");
        });
        app.MapFallback((HttpContext http) => Results.NotFound(new { path = http.Request.Path.Value }));
    }

    public async ValueTask DisposeAsync()
    {
        if (server is not null)
        {
            await server.StopAsync();
            await server.DisposeAsync();
        }

        key.Dispose();
        rogue.Dispose();
    }
}
