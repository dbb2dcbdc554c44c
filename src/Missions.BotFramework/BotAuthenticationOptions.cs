namespace Missions.BotFramework;

/// <summary>How inbound requests from the Bot Framework are authenticated. The defaults are the public cloud's.</summary>
public sealed class BotAuthenticationOptions
{
    public const string PublicOpenIdMetadataUrl = "https://login.botframework.com/v1/.well-known/openidconfiguration";
    public const string PublicIssuer = "https://api.botframework.com";
    public const string EmulatorMetadataUrl = "https://login.microsoftonline.com/botframework.com/v2.0/.well-known/openid-configuration";

    /// <summary>The bot's Microsoft App ID: the audience every token must carry.</summary>
    public string AppId { get; set; } = "";

    public string OpenIdMetadataUrl { get; set; } = PublicOpenIdMetadataUrl;

    public string Issuer { get; set; } = PublicIssuer;

    /// <summary>How often the signing keys are fetched again (the auth spec asks for at least daily).</summary>
    public TimeSpan KeyRefreshInterval { get; set; } = TimeSpan.FromHours(12);

    /// <summary>The least time between two refreshes forced by a token signed with an unknown key.</summary>
    public TimeSpan MinimumForcedRefreshInterval { get; set; } = TimeSpan.FromMinutes(5);

    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Accept tokens the Bot Framework Emulator obtains. Development only; off by default.</summary>
    public bool AllowEmulatorTokens { get; set; }

    public string EmulatorOpenIdMetadataUrl { get; set; } = EmulatorMetadataUrl;

    public IList<string> EmulatorIssuers { get; } =
    [
        "https://sts.windows.net/d6d49420-f39b-4df7-a1dc-d59a935871db/",
        "https://login.microsoftonline.com/d6d49420-f39b-4df7-a1dc-d59a935871db/v2.0",
        "https://sts.windows.net/f8cdef31-a31e-4b4a-93e4-5f571e91255a/",
        "https://login.microsoftonline.com/f8cdef31-a31e-4b4a-93e4-5f571e91255a/v2.0",
        "https://sts.windows.net/cab8a31a-1906-4287-a0d8-4eef66b95f6e/",
        "https://login.microsoftonline.us/cab8a31a-1906-4287-a0d8-4eef66b95f6e/v2.0",
    ];
}
