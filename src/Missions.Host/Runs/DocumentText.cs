using System.Text;
using DocumentFormat.OpenXml.Packaging;
using UglyToad.PdfPig;
using Drawing = DocumentFormat.OpenXml.Drawing;
using Spreadsheet = DocumentFormat.OpenXml.Spreadsheet;
using Wordprocessing = DocumentFormat.OpenXml.Wordprocessing;

namespace Missions.Host.Runs;

/// <summary>
/// What reading a document gave: its text and what it was (pages, sheets, slides), and whether the limit cut it
/// (<see cref="Partial"/>); or why it could not be read.
/// </summary>
public sealed record DocumentReading(string? Text, string Described, bool Partial, string? Problem);

/// <summary>
/// The text of the documents people attach that are not plain text: PDF (PdfPig), Word, Excel and PowerPoint (the Open
/// XML SDK). Only the text: no formatting, no images. A file that cannot be read says why, and nothing is thrown.
/// </summary>
public static class DocumentText
{
    private const string Docx = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
    private const string Xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    private const string Pptx = "application/vnd.openxmlformats-officedocument.presentationml.presentation";

    private enum Kind
    {
        None,
        Pdf,
        Word,
        Excel,
        PowerPoint,
    }

    /// <summary>Whether the file is a document whose text can be read here (by its type, else its name).</summary>
    public static bool CanRead(string contentType, string name) => KindOf(contentType, name) != Kind.None;

    /// <summary>Reads the text of the document, at most <paramref name="maxCharacters"/> of it.</summary>
    public static DocumentReading Read(Stream content, string contentType, string name, int maxCharacters)
    {
        var text = new Limited(maxCharacters);
        try
        {
            var described = KindOf(contentType, name) switch
            {
                Kind.Pdf => Pdf(content, text),
                Kind.Word => Word(content, text),
                Kind.Excel => Excel(content, text),
                Kind.PowerPoint => PowerPoint(content, text),
                _ => throw new NotSupportedException("it is not a document whose text can be read"),
            };
            return new DocumentReading(text.ToString(), described + (text.Full ? ", read in part" : ""), text.Full, null);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return new DocumentReading(null, "", false, e is NotSupportedException ? e.Message : $"it could not be read as {Describe(KindOf(contentType, name))} ({e.GetType().Name}: {e.Message})");
        }
    }

    private static Kind KindOf(string contentType, string name)
    {
        var type = contentType.Split(';')[0].Trim().ToLowerInvariant();
        return type switch
        {
            "application/pdf" => Kind.Pdf,
            Docx => Kind.Word,
            Xlsx => Kind.Excel,
            Pptx => Kind.PowerPoint,
            _ => Path.GetExtension(name).ToLowerInvariant() switch
            {
                ".pdf" => Kind.Pdf,
                ".docx" => Kind.Word,
                ".xlsx" => Kind.Excel,
                ".pptx" => Kind.PowerPoint,
                _ => Kind.None,
            },
        };
    }

    private static string Describe(Kind kind) => kind switch
    {
        Kind.Pdf => "a PDF",
        Kind.Word => "a Word document",
        Kind.Excel => "an Excel workbook",
        Kind.PowerPoint => "a PowerPoint deck",
        _ => "a document",
    };

    private static string Pdf(Stream content, Limited text)
    {
        using var pdf = PdfDocument.Open(Seekable(content));
        foreach (var page in pdf.GetPages())
        {
            if (!text.Line(page.Text))
            {
                break;
            }
        }

        return $"a PDF of {pdf.NumberOfPages} page(s)";
    }

    private static string Word(Stream content, Limited text)
    {
        using var word = WordprocessingDocument.Open(Seekable(content), isEditable: false);
        var paragraphs = word.MainDocumentPart?.Document?.Body?.Descendants<Wordprocessing.Paragraph>().ToList() ?? [];
        foreach (var paragraph in paragraphs)
        {
            if (!text.Line(paragraph.InnerText))
            {
                break;
            }
        }

        return $"a Word document of {paragraphs.Count} paragraph(s)";
    }

    /// <summary>Each sheet as its name and rows of tab-separated values (shared strings looked up, numbers as stored).</summary>
    private static string Excel(Stream content, Limited text)
    {
        using var excel = SpreadsheetDocument.Open(Seekable(content), isEditable: false);
        var workbook = excel.WorkbookPart ?? throw new InvalidDataException("the workbook has no content");
        var shared = workbook.SharedStringTablePart?.SharedStringTable?.Elements<Spreadsheet.SharedStringItem>().Select(s => s.InnerText).ToList() ?? [];
        var sheets = workbook.Workbook?.Sheets?.Elements<Spreadsheet.Sheet>().ToList() ?? [];
        foreach (var sheet in sheets)
        {
            if (sheet.Id?.Value is not { } id || workbook.GetPartById(id) is not WorksheetPart part)
            {
                continue;
            }

            // Up to the first line that does not fit (All stops there).
            var rows = part.Worksheet?.Descendants<Spreadsheet.Row>() ?? [];
            if (!text.Line($"Sheet: {sheet.Name?.Value}") || !rows.All(row => text.Line(string.Join('\t', row.Elements<Spreadsheet.Cell>().Select(c => ValueOf(c, shared))))))
            {
                break;
            }
        }

        return $"an Excel workbook of {sheets.Count} sheet(s)";
    }

    /// <summary>A cell as it reads: a shared string looked up, an inline string, or the value as stored (numbers, dates as numbers).</summary>
    private static string ValueOf(Spreadsheet.Cell cell, List<string> shared) => cell.DataType?.Value switch
    {
        var type when type == Spreadsheet.CellValues.SharedString
            && int.TryParse(cell.CellValue?.Text, System.Globalization.CultureInfo.InvariantCulture, out var i) && i >= 0 && i < shared.Count => shared[i],
        var type when type == Spreadsheet.CellValues.InlineString => cell.InlineString?.InnerText ?? "",
        _ => cell.CellValue?.Text ?? "",
    };

    private static string PowerPoint(Stream content, Limited text)
    {
        using var deck = PresentationDocument.Open(Seekable(content), isEditable: false);
        var presentation = deck.PresentationPart ?? throw new InvalidDataException("the deck has no content");
        var slideIds = presentation.Presentation?.SlideIdList?.Elements<DocumentFormat.OpenXml.Presentation.SlideId>().ToList() ?? [];
        var number = 0;
        foreach (var slideId in slideIds)
        {
            number++;
            if (slideId.RelationshipId?.Value is not { } id || presentation.GetPartById(id) is not SlidePart slide)
            {
                continue;
            }

            var words = slide.Slide?.Descendants<Drawing.Paragraph>().Select(p => p.InnerText).Where(t => t.Length > 0) ?? [];
            if (!text.Line($"Slide {number}: {string.Join(" / ", words)}"))
            {
                break;
            }
        }

        return $"a PowerPoint deck of {slideIds.Count} slide(s)";
    }

    /// <summary>The readers seek; a stream from the content store may not.</summary>
    private static Stream Seekable(Stream content)
    {
        if (content.CanSeek)
        {
            return content;
        }

        var copy = new MemoryStream();
        content.CopyTo(copy);
        copy.Position = 0;
        return copy;
    }

    /// <summary>Text gathered line by line up to a limit; <see cref="Full"/> once a line did not fit whole.</summary>
    private sealed class Limited(int max)
    {
        private readonly StringBuilder text = new();

        public bool Full { get; private set; }

        /// <summary>Adds a line (blank lines are skipped); false when the limit is reached.</summary>
        public bool Line(string? line)
        {
            if (Full)
            {
                return false;
            }

            line = line?.Trim();
            if (string.IsNullOrEmpty(line))
            {
                return true;
            }

            var room = max - text.Length;
            if (line.Length + 1 > room)
            {
                text.Append(line.AsSpan(0, Math.Max(0, room)));
                Full = true;
                return false;
            }

            text.Append(line).Append('\n');
            return true;
        }

        public override string ToString() => text.ToString().TrimEnd();
    }
}
