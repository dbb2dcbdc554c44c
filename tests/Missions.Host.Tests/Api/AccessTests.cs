using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Missions.Host.Tests.Infrastructure;

namespace Missions.Host.Tests.Api;

public sealed class AccessTests
{
    [Fact]
    public async Task Without_keys_only_loopback_callers_are_answered()
    {
        await using var app = await MissionsApp.StartAsync(Provider.Sqlite);
        using var client = app.CreateClient();

        app.RemoteAddress = IPAddress.Loopback;
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/board")).StatusCode);
        app.RemoteAddress = IPAddress.IPv6Loopback;
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/board")).StatusCode);

        app.RemoteAddress = IPAddress.Parse("192.0.2.10");
        var refused = await MissionsApp.ReadProblemAsync(await client.GetAsync("/api/board"), HttpStatusCode.Forbidden);
        Assert.Contains("this machine", refused["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        await MissionsApp.ReadProblemAsync(await client.PostAsJsonAsync("/api/missions", new { title = "T", objective = "O" }), HttpStatusCode.Forbidden);

        // No address at all (a Unix socket behind a proxy, whose Host is often localhost): whoever the proxy serves
        // could be anywhere, so not this machine's operator.
        app.RemoteAddress = null;
        await MissionsApp.ReadProblemAsync(await client.GetAsync("/api/board"), HttpStatusCode.Forbidden);
        await MissionsApp.ReadProblemAsync(await client.PostAsJsonAsync("/api/missions", new { title = "T", objective = "O" }), HttpStatusCode.Forbidden);
        Assert.Equal(0, await app.WithDbAsync(async db => db.Missions.Count()));
    }

    [Fact]
    public async Task A_request_with_no_address_is_local_only_when_configured_so()
    {
        await using var app = await MissionsApp.StartAsync(Provider.Sqlite, new Dictionary<string, string?> { ["Missions:Api:LocalWithoutAddress"] = "true" });
        using var client = app.CreateClient();
        app.RemoteAddress = null;
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/board")).StatusCode);
    }

    [Fact]
    public async Task With_keys_every_call_needs_a_valid_one_and_the_holder_is_the_actor()
    {
        await using var app = await MissionsApp.StartAsync(Provider.Sqlite, new Dictionary<string, string?>
        {
            ["Missions:Api:Keys:0:Name"] = "ci-bot",
            ["Missions:Api:Keys:0:Key"] = "s3cret-key-value",
        });
        using var client = app.CreateClient();

        var none = await client.GetAsync("/api/board");
        await MissionsApp.ReadProblemAsync(none, HttpStatusCode.Unauthorized);
        Assert.Equal("ApiKey", none.Headers.WwwAuthenticate.ToString());

        client.DefaultRequestHeaders.Add("X-Api-Key", "wrong");
        await MissionsApp.ReadProblemAsync(await client.GetAsync("/api/board"), HttpStatusCode.Unauthorized);
        await MissionsApp.ReadProblemAsync(await client.PostAsync("/api/missions", JsonContent.Create(new { title = 5 })), HttpStatusCode.Unauthorized);

        client.DefaultRequestHeaders.Remove("X-Api-Key");
        client.DefaultRequestHeaders.Add("X-Api-Key", "s3cret-key-value");
        app.RemoteAddress = IPAddress.Parse("192.0.2.10"); // with a key, the caller may be anywhere
        var created = await MissionsApp.ReadOkAsync(await client.PostAsJsonAsync("/api/missions", new { title = "T", objective = "O" }), HttpStatusCode.Created);
        Assert.Equal("api:ci-bot", created["requestedBy"]!["id"]!.GetValue<string>());
        Assert.Equal("ci-bot", created["requestedBy"]!["name"]!.GetValue<string>());

        using var bearer = app.CreateClient();
        bearer.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", "ApiKey s3cret-key-value");
        Assert.Equal(HttpStatusCode.OK, (await bearer.GetAsync("/api/missions/M-1")).StatusCode);
    }

    [Theory, Sqlite, Postgres]
    public async Task Health_checks_the_database_and_the_OpenAPI_document_is_served(Provider provider)
    {
        await using var app = await MissionsApp.StartAsync(provider);
        using var client = app.CreateClient();

        // Readiness (the conventional /health, and /healthz) says what each check found; liveness asks nothing.
        foreach (var path in new[] { "/health", "/healthz" })
        {
            var health = await MissionsApp.ReadOkAsync(await client.GetAsync(path));
            Assert.Equal("Healthy", health["status"]!.GetValue<string>());
            Assert.Contains("every migration is applied", health["checks"]![0]!["description"]!.GetValue<string>(), StringComparison.Ordinal);
        }

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/alive")).StatusCode);

        var openApi = (await client.GetFromJsonAsync<JsonObject>("/openapi/v1.json"))!;
        var paths = openApi["paths"]!.AsObject().Select(p => p.Key).ToList();
        Assert.Contains("/api/missions/{number}/transitions", paths);
        Assert.Contains("/api/proposals/{id}/approve", paths);
        Assert.Contains("/api/board", paths);

        // Break the database under the running host: health must say so.
        await app.WithDbAsync(async db =>
        {
            await db.Database.ExecuteSqlRawAsync("DROP TABLE \"Counters\"");
            return 0;
        });
        var broken = await client.GetAsync("/health");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, broken.StatusCode);
        Assert.Contains("does not answer", await broken.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/alive")).StatusCode);

        // A database behind this build (a migration not applied) is not ready, and says which.
        var last = await app.WithDbAsync(async db =>
        {
            await db.Database.ExecuteSqlRawAsync("CREATE TABLE \"Counters\" (\"Name\" TEXT PRIMARY KEY, \"Value\" BIGINT NOT NULL)");
            await db.Database.ExecuteSqlRawAsync("INSERT INTO \"Counters\" (\"Name\", \"Value\") VALUES ('mission', 1)");
            var id = db.Database.GetMigrations().Last();
            await db.Database.ExecuteSqlAsync($"DELETE FROM \"__EFMigrationsHistory\" WHERE \"MigrationId\" = {id}");
            return id;
        });
        var behind = await client.GetAsync("/health");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, behind.StatusCode);
        Assert.Contains(last, await behind.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
