using System.Net;
using Microsoft.Extensions.Options;
using Missions.Host.Tests.Infrastructure;

namespace Missions.Host.Tests.Teams;

/// <summary>
/// A channel switched on with a setting missing or malformed stops the host at start with a message naming the key,
/// instead of failing on the first message; a channel switched off has no endpoint at all.
/// </summary>
public sealed class ChannelSettingsTests
{
    public static TheoryData<string, string?, string> Misconfigurations() => new()
    {
        { "Missions:Teams:Enabled", "true", "Missions:Teams:AppId" },
        { "Missions:Teams:AppId", "not-a-guid", "Missions:Teams:AppId" },
        { "Missions:Teams:TenantId", "", "Missions:Teams:TenantId" },
        { "Missions:Teams:AppPassword", "", "Missions:Teams:AppPassword" },
        { "Missions:Teams:OpenIdMetadataUrl", "keys.example.com", "Missions:Teams:OpenIdMetadataUrl" },
        { "Missions:Outbox:Lease", "00:00:00", "Missions:Outbox:Lease" },
        { "Missions:Outbox:MaxConversations", "0", "Missions:Outbox:MaxConversations" },
        { "Missions:Inbox:MaxAttempts", "0", "Missions:Inbox:MaxAttempts" },
        { "Missions:WebChat:PollWait", "00:05:00", "Missions:WebChat:PollWait" },
        { "Missions:WebChat:TokenKey", "c2hvcnQ=", "Missions:WebChat:TokenKey" },
        { "Missions:Artifacts:SigningKey", "not base64!", "Missions:Artifacts:SigningKey" },
        { "Missions:Artifacts:PublicUrl", "missions.example.com", "Missions:Artifacts:PublicUrl" },
        { "Missions:Artifacts:LinkLifetime", "00:00:00", "Missions:Artifacts:LinkLifetime" },
        { "Missions:Content:BlobContainerUrl", "https://account.blob.core.windows.net", "Missions:Content:BlobContainerUrl" },
        { "Missions:Content:BlobUseAzureIdentity", "true", "Missions:Content:BlobUseAzureIdentity" },
        { "Missions:Api:Keys:0:Key", "short", "Missions:Api:Keys:N:Key" },
        { "Missions:AI:Endpoint", "http://localhost:11434/v1/", "Missions:AI:Model" },
        { "Missions:AI:Model", "gpt-4o-mini", "Missions:AI:Endpoint" },
    };

    [Theory, MemberData(nameof(Misconfigurations))]
    public async Task A_missing_or_malformed_setting_stops_the_host_naming_the_key(string key, string? value, string named)
    {
        var settings = new Dictionary<string, string?>
        {
            // A Teams bot configured as a single-tenant app with a secret, then one setting spoilt.
            ["Missions:Teams:AppId"] = Guid.NewGuid().ToString(),
            ["Missions:Teams:TenantId"] = Guid.NewGuid().ToString(),
            ["Missions:Teams:AppPassword"] = "secret",
            [key] = value,
        };
        if (key == "Missions:Teams:Enabled")
        {
            settings["Missions:Teams:AppId"] = "";
        }

        var failure = await Assert.ThrowsAnyAsync<Exception>(() => MissionsApp.StartAsync(Provider.Sqlite, settings));
        var validation = failure as OptionsValidationException ?? failure.InnerException as OptionsValidationException;
        Assert.NotNull(validation);
        Assert.Contains(named, validation.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Teams_switched_off_has_no_messaging_endpoint_and_web_chat_switched_off_no_page()
    {
        await using var app = await MissionsApp.StartAsync(Provider.Sqlite, new Dictionary<string, string?> { ["Missions:WebChat:Enabled"] = "false" });
        using var client = app.CreateClient();

        Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsync("/api/messages", new StringContent("{}"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsync("/v3/directline/tokens/generate", null)).StatusCode);
        // The rest of the product is there.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/missions")).StatusCode);
    }
}
