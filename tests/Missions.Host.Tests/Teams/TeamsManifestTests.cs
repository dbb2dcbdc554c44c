using System.IO.Compression;
using System.Text.Json.Nodes;
using Missions.Host.Teams;
using Missions.Host.Tests.Infrastructure;

namespace Missions.Host.Tests.Teams;

/// <summary>The Teams app manifest and package: valid against the official v1.30 schema, icons as Teams requires.</summary>
public sealed class TeamsManifestTests
{
    private static string Template => Path.Combine(Repository.Root, "manifests", "teams");
    private static string Schema => Repository.Conformance("teams", "schemas", "MicrosoftTeams.schema.v1.30.json");

    [ConformanceFact]
    public async Task The_packaged_manifest_is_valid_against_the_v1_30_schema_and_a_broken_one_is_not()
    {
        var zipPath = Path.Combine(Path.GetTempPath(), $"missions-teams-{Guid.NewGuid():N}.zip");
        var appId = Guid.NewGuid().ToString();
        var signInClientId = Guid.NewGuid().ToString();
        try
        {
            Assert.Equal(0, TeamsAppPackage.Run(["teams-package", "--app-id", appId, "--host", "https://missions.contoso.com/", "--sign-in-client-id", signInClientId, "--out", zipPath, "--manifests", Template]));
            using var zip = ZipFile.OpenRead(zipPath);
            Assert.Equal(["color.png", "manifest.json", "outline.png"], zip.Entries.Select(e => e.FullName).Order(StringComparer.Ordinal));
            JsonObject manifest;
            using (var reader = new StreamReader(zip.GetEntry("manifest.json")!.Open()))
            {
                manifest = JsonNode.Parse(await reader.ReadToEndAsync())!.AsObject();
            }

            Assert.Equal(appId, manifest["bots"]![0]!["botId"]!.GetValue<string>());
            Assert.Equal(appId, manifest["composeExtensions"]![0]!["botId"]!.GetValue<string>());
            Assert.Equal("missions.contoso.com", manifest["validDomains"]![0]!.GetValue<string>());
            Assert.Equal("https://missions.contoso.com/board", manifest["staticTabs"]![1]!["contentUrl"]!.GetValue<string>());
            // The tab's single sign-on names the app registration and the Application ID URI the host accepts.
            Assert.Equal(signInClientId, manifest["webApplicationInfo"]!["id"]!.GetValue<string>());
            Assert.Equal($"api://missions.contoso.com/{signInClientId}", manifest["webApplicationInfo"]!["resource"]!.GetValue<string>());
            Assert.DoesNotContain(TeamsAppPackage.TemplateHost, manifest.ToJsonString(), StringComparison.Ordinal);
            var scopes = manifest["bots"]![0]!["scopes"]!.AsArray().Select(s => s!.GetValue<string>()).ToList();
            Assert.Equal(["personal", "team", "groupChat"], scopes);
            Assert.Equal("message", manifest["composeExtensions"]![0]!["commands"]![0]!["context"]![0]!.GetValue<string>());

            var broken = (JsonObject)manifest.DeepClone();
            broken["manifestVersion"] = "1.29";
            broken["bots"]![0]!["scopes"] = new JsonArray("everywhere");
            var results = await Repository.ValidateAsync(Schema, new Dictionary<string, JsonNode> { ["packaged"] = manifest, ["template"] = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(Template, "manifest.json")))!, ["broken"] = broken });
            Assert.Empty(results["packaged"]);
            Assert.Empty(results["template"]);
            Assert.NotEmpty(results["broken"]);
        }
        finally
        {
            File.Delete(zipPath);
        }
    }

    [Fact]
    public void A_bad_app_id_or_host_is_refused_with_a_clear_message()
    {
        Assert.Equal(2, TeamsAppPackage.Run(["teams-package", "--app-id", "not-a-guid", "--host", "missions.contoso.com", "--manifests", Template]));
        Assert.Equal(2, TeamsAppPackage.Run(["teams-package", "--app-id", Guid.NewGuid().ToString(), "--host", "bad host!", "--manifests", Template]));
        Assert.Equal(2, TeamsAppPackage.Run(["teams-package", "--host", "missions.contoso.com"]));
        Assert.Equal(2, TeamsAppPackage.Run(["teams-package", "--app-id", Guid.NewGuid().ToString(), "--host", "missions.contoso.com", "--sign-in-client-id", "not-a-guid", "--manifests", Template]));
    }

    [Theory]
    [InlineData("color.png", 192, false)]
    [InlineData("outline.png", 32, true)]
    public void Icons_have_the_sizes_Teams_requires_and_the_outline_is_white_on_transparent(string file, int size, bool outline)
    {
        var (width, height, pixels) = Png.Read(Path.Combine(Template, file));
        Assert.Equal(size, width);
        Assert.Equal(size, height);
        if (outline)
        {
            // Every pixel is white (any opacity) or fully transparent, and there is something to see.
            Assert.All(pixels, p => Assert.True(p.A == 0 || (p.R == 255 && p.G == 255 && p.B == 255), $"pixel {p} is neither white nor transparent"));
            Assert.Contains(pixels, p => p.A == 255);
            Assert.Contains(pixels, p => p.A == 0);
        }
        else
        {
            Assert.All(pixels, p => Assert.Equal(255, p.A));
        }
    }

    /// <summary>Just enough of PNG to check the icons: 8-bit RGBA, non-interlaced, filter types 0–4.</summary>
    private static class Png
    {
        public readonly record struct Pixel(byte R, byte G, byte B, byte A);

        public static (int Width, int Height, List<Pixel> Pixels) Read(string path)
        {
            var bytes = File.ReadAllBytes(path);
            Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, bytes[..8]);
            int width = 0, height = 0;
            using var data = new MemoryStream();
            for (var at = 8; at < bytes.Length;)
            {
                var length = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(at));
                var type = System.Text.Encoding.ASCII.GetString(bytes, at + 4, 4);
                if (type == "IHDR")
                {
                    width = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(at + 8));
                    height = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(at + 12));
                    Assert.Equal(8, bytes[at + 16]); // bit depth
                    Assert.Equal(6, bytes[at + 17]); // RGBA
                }
                else if (type == "IDAT")
                {
                    data.Write(bytes, at + 8, length);
                }

                at += 12 + length;
            }

            data.Position = 0;
            using var inflated = new MemoryStream();
            using (var z = new ZLibStream(data, CompressionMode.Decompress))
            {
                z.CopyTo(inflated);
            }

            var raw = inflated.ToArray();
            var stride = width * 4;
            var previous = new byte[stride];
            var pixels = new List<Pixel>();
            for (var y = 0; y < height; y++)
            {
                var filter = raw[y * (stride + 1)];
                var line = raw.AsSpan(y * (stride + 1) + 1, stride).ToArray();
                for (var i = 0; i < stride; i++)
                {
                    int left = i >= 4 ? line[i - 4] : 0, up = previous[i], upLeft = i >= 4 ? previous[i - 4] : 0;
                    line[i] = (byte)(line[i] + filter switch
                    {
                        0 => 0,
                        1 => left,
                        2 => up,
                        3 => (left + up) / 2,
                        4 => Paeth(left, up, upLeft),
                        _ => throw new InvalidDataException("Unknown PNG filter."),
                    });
                }

                for (var x = 0; x < width; x++)
                {
                    pixels.Add(new Pixel(line[x * 4], line[x * 4 + 1], line[x * 4 + 2], line[x * 4 + 3]));
                }

                previous = line;
            }

            return (width, height, pixels);
        }

        private static int Paeth(int a, int b, int c)
        {
            int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
            return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
        }
    }
}
