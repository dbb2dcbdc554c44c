using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using PdfSharp.Drawing;
using PdfSharp.Fonts;
using PdfSharp.Pdf;

namespace Missions.Host.Runs;

/// <summary>
/// Lays out a Markdown brief (headings, paragraphs, lists, quotes) as an A4 PDF with PDFsharp. PDFsharp needs the
/// font's bytes; they come from a TrueType file on this machine (configurable), never from the network.
/// </summary>
public sealed partial class PdfBrief(IOptions<RunOptions> options)
{
    private const string Family = "MissionsSans";
    private const double Margin = 56;
    private static readonly Lock Sync = new();
    private static FileFontResolver? resolver;

    private static readonly string[] Candidates =
    [
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
        "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
        "/usr/share/fonts/truetype/liberation2/LiberationSans-Regular.ttf",
        "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf",
        "/usr/share/fonts/truetype/freefont/FreeSans.ttf",
        "/Library/Fonts/Arial.ttf",
        @"C:\Windows\Fonts\arial.ttf",
    ];

    public bool TryRender(string markdown, string title, out byte[] pdf, out string why)
    {
        pdf = [];
        if (!EnsureFont(options.Value.PdfFontPath, out why))
        {
            return false;
        }

        using var document = new PdfDocument();
        document.Info.Title = title;
        document.Info.Creator = "Missions (offline staff agent)";
        var writer = new PageWriter(document);
        foreach (var raw in markdown.Replace("\r", "", StringComparison.Ordinal).Split('\n'))
        {
            writer.Line(raw);
        }

        writer.Finish();
        using var stream = new MemoryStream();
        try
        {
            document.Save(stream, closeStream: false);
        }
        catch (InvalidOperationException e)
        {
            why = $"No PDF was made: {e.Message}; the brief is in Markdown only.";
            return false;
        }

        pdf = stream.ToArray();
        return true;
    }

    private static bool EnsureFont(string? configured, out string why)
    {
        why = "";
        lock (Sync)
        {
            if (resolver is not null)
            {
                return true;
            }

            var path = configured is { Length: > 0 } ? configured : Candidates.FirstOrDefault(File.Exists);
            if (path is null || !File.Exists(path))
            {
                why = configured is { Length: > 0 }
                    ? $"The PDF font '{configured}' (Missions:Runs:PdfFontPath) does not exist; the brief is in Markdown only."
                    : "No TrueType font was found for the PDF (install fonts-dejavu-core, or set Missions:Runs:PdfFontPath); the brief is in Markdown only.";
                return false;
            }

            var bold = BoldOf(path);
            resolver = new FileFontResolver(File.ReadAllBytes(path), bold is not null ? File.ReadAllBytes(bold) : null);
            GlobalFontSettings.FontResolver = resolver;
            return true;
        }
    }

    private static string? BoldOf(string regular)
    {
        var folder = Path.GetDirectoryName(regular) ?? "";
        var name = Path.GetFileNameWithoutExtension(regular);
        string[] guesses = [name.Replace("-Regular", "-Bold", StringComparison.Ordinal), name + "-Bold", name + "Bold", name + "bd"];
        return guesses.Select(g => Path.Combine(folder, g + Path.GetExtension(regular))).FirstOrDefault(p => p != regular && File.Exists(p));
    }

    private sealed class FileFontResolver(byte[] regular, byte[]? bold) : IFontResolver
    {
        public FontResolverInfo? ResolveTypeface(string familyName, bool isBold, bool isItalic) =>
            isBold && bold is not null ? new FontResolverInfo("bold", false, isItalic) : new FontResolverInfo("regular", isBold, isItalic);

        public byte[]? GetFont(string faceName) => faceName == "bold" ? bold : regular;
    }

    /// <summary>Writes lines top to bottom, wrapping words, starting a new page when one is full.</summary>
    private sealed class PageWriter(PdfDocument document)
    {
        private readonly XFont body = new(Family, 10.5);
        private readonly XFont bold = new(Family, 10.5, XFontStyleEx.Bold);
        private readonly XFont h1 = new(Family, 18, XFontStyleEx.Bold);
        private readonly XFont h2 = new(Family, 13, XFontStyleEx.Bold);
        private readonly XFont small = new(Family, 9);
        private PdfPage? page;
        private XGraphics? graphics;
        private double y;

        public void Line(string raw)
        {
            var line = raw.TrimEnd();
            if (line.Length == 0)
            {
                y += 6;
                return;
            }

            if (line.StartsWith("# ", StringComparison.Ordinal))
            {
                Write(Plain(line[2..]), h1, XBrushes.Black, 0, after: 8);
            }
            else if (line.StartsWith("## ", StringComparison.Ordinal))
            {
                y += 6;
                Write(Plain(line[3..]), h2, XBrushes.DarkSlateBlue, 0, after: 4);
            }
            else if (line.StartsWith("> ", StringComparison.Ordinal))
            {
                Write(Plain(line[2..]), small, XBrushes.DimGray, 12, after: 2);
            }
            else if (line.StartsWith("- [ ] ", StringComparison.Ordinal))
            {
                Write("☐  " + Plain(line[6..]), body, XBrushes.Black, 12, after: 2, hanging: 14);
            }
            else if (line.StartsWith("- ", StringComparison.Ordinal))
            {
                Write("•  " + Plain(line[2..]), body, XBrushes.Black, 12, after: 2, hanging: 10);
            }
            else if (Numbered().Match(line) is { Success: true } n)
            {
                Write(n.Groups[1].Value + ".  " + Plain(n.Groups[2].Value), body, XBrushes.Black, 12, after: 2, hanging: 16);
            }
            else
            {
                Write(Plain(line), line.StartsWith("**", StringComparison.Ordinal) ? bold : body, XBrushes.Black, 0, after: 2);
            }
        }

        public void Finish()
        {
            if (page is null)
            {
                NewPage();
            }

            graphics?.Dispose();
        }

        private void Write(string text, XFont font, XBrush brush, double indent, double after, double hanging = 0)
        {
            var lineHeight = font.GetHeight() * 1.25;
            var first = true;
            foreach (var part in Wrap(text, font, Width - indent - hanging, Width - indent))
            {
                if (page is null || y + lineHeight > page.Height.Point - Margin)
                {
                    NewPage();
                }

                var x = Margin + indent + (first ? 0 : hanging);
                graphics!.DrawString(part, font, brush, new XPoint(x, y), XStringFormats.TopLeft);
                y += lineHeight;
                first = false;
            }

            y += after;
        }

        private double Width => (page?.Width.Point ?? XUnit.FromMillimeter(210).Point) - 2 * Margin;

        private IEnumerable<string> Wrap(string text, XFont font, double width, double firstWidth)
        {
            var measure = graphics ?? XGraphics.CreateMeasureContext(new XSize(2000, 2000), XGraphicsUnit.Point, XPageDirection.Downwards);
            var current = "";
            var limit = firstWidth;
            foreach (var word in text.Split(' '))
            {
                var candidate = current.Length == 0 ? word : current + " " + word;
                if (current.Length > 0 && measure.MeasureString(candidate, font).Width > limit)
                {
                    yield return current;
                    current = word;
                    limit = width;
                }
                else
                {
                    current = candidate;
                }
            }

            if (current.Length > 0)
            {
                yield return current;
            }
        }

        private void NewPage()
        {
            graphics?.Dispose();
            page = document.AddPage();
            page.Size = PdfSharp.PageSize.A4;
            graphics = XGraphics.FromPdfPage(page);
            graphics.DrawString($"Missions · drafted offline · page {document.PageCount}", small, XBrushes.Gray,
                new XPoint(Margin, page.Height.Point - Margin / 2), XStringFormats.BottomLeft);
            y = Margin;
        }

        /// <summary>Markdown emphasis and code marks removed; the words stay.</summary>
        private static string Plain(string text) => Emphasis().Replace(text, "");
    }

    [GeneratedRegex(@"^(\d+)\.\s+(.*)$")]
    private static partial Regex Numbered();

    [GeneratedRegex(@"\*\*|(?<!\w)\*(?!\s)|(?<!\s)\*(?!\w)|`")]
    private static partial Regex Emphasis();
}
