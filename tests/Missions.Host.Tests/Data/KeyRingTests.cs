using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Missions.Host.Tests.Infrastructure;

namespace Missions.Host.Tests.Data;

/// <summary>
/// The data-protection key ring (sessions, sign-in state, the pages' circuits) in the database: encrypted there with
/// the certificate <c>Missions:DataProtection:CertificatePath</c> names, and read again after a restart; a certificate
/// that cannot be read stops the host with the setting named.
/// </summary>
public sealed class KeyRingTests
{
    private static string WriteCertificate(string folder, string password, bool withKey = true)
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=Missions key ring", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        var path = Path.Combine(folder, withKey ? "keyring.pfx" : "public-only.pfx");
        File.WriteAllBytes(path, withKey ? certificate.Export(X509ContentType.Pfx, password) : certificate.Export(X509ContentType.Cert));
        return path;
    }

    [Fact]
    public async Task With_a_certificate_the_keys_are_encrypted_in_the_database_and_read_again_after_a_restart()
    {
        var database = await TestDatabase.CreateAsync(Provider.Sqlite);
        var settings = new Dictionary<string, string?>
        {
            ["Missions:DataProtection:CertificatePath"] = WriteCertificate(database.ScratchDirectory, "s3cret"),
            ["Missions:DataProtection:CertificatePassword"] = "s3cret",
        };
        var app = MissionsApp.StartOn(database, settings);
        var sealedText = app.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("test").Protect("a session");

        var key = await app.WithDbAsync(db => db.DataProtectionKeys.AsNoTracking().SingleAsync());
        Assert.Contains("<EncryptedData", key.Xml, StringComparison.Ordinal);
        Assert.DoesNotContain("<masterKey", key.Xml, StringComparison.Ordinal); // the key's secret is not there to read

        await using var restarted = await app.RestartAsync();
        Assert.Equal("a session", restarted.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("test").Unprotect(sealedText));
    }

    [Fact]
    public async Task Without_one_they_are_kept_as_ASP_NET_Core_writes_them()
    {
        await using var app = await MissionsApp.StartAsync(Provider.Sqlite);
        app.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("test").Protect("a session");
        var key = await app.WithDbAsync(db => db.DataProtectionKeys.AsNoTracking().SingleAsync());
        Assert.Contains("<masterKey", key.Xml, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("wrong password", true)]
    [InlineData("s3cret", false)]
    public async Task A_certificate_that_cannot_be_used_stops_the_host_with_the_setting_named(string password, bool withKey)
    {
        var database = await TestDatabase.CreateAsync(Provider.Sqlite);
        await using var _ = database;
        var settings = new Dictionary<string, string?>
        {
            ["Missions:DataProtection:CertificatePath"] = WriteCertificate(database.ScratchDirectory, "s3cret", withKey),
            ["Missions:DataProtection:CertificatePassword"] = password,
        };

        var failed = Assert.ThrowsAny<Exception>(() => MissionsApp.StartOn(database, settings));
        Assert.Contains("Missions:DataProtection:CertificatePath", failed.ToString(), StringComparison.Ordinal);
    }
}
