using Missions.Host.Web;

namespace Missions.Host.Tests.Api;

/// <summary>
/// Where sign-in sends a person back: a path on this host as a browser will read it, never another site. Browsers
/// drop tabs and newlines from an address and read a backslash as a slash, so those never pass.
/// </summary>
public sealed class ReturnAddressTests
{
    [Theory]
    [InlineData("/\t/evil.example")]
    [InlineData("/\n/evil.example")]
    [InlineData("/\r\n/evil.example")]
    [InlineData("/\\evil.example")]
    [InlineData("/\t\\evil.example")]
    [InlineData("//evil.example")]
    [InlineData("https://evil.example/")]
    [InlineData("/ /evil.example")]
    [InlineData("/board\u0000")]
    [InlineData("/board\\..\\x")]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("evil.example")]
    public void An_address_that_could_leave_this_host_becomes_the_board(string? returnUrl) =>
        Assert.Equal("/board", SignIn.LocalPath(returnUrl));

    [Theory]
    [InlineData("/")]
    [InlineData("/board")]
    [InlineData("/missions/M-12")]
    [InlineData("/board?project=5f1e&mine=true#top")]
    [InlineData("/missions/M-1%20two")]
    public void A_path_on_this_host_is_kept(string returnUrl) => Assert.Equal(returnUrl, SignIn.LocalPath(returnUrl));
}
