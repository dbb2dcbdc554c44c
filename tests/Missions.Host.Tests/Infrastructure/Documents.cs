using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using UglyToad.PdfPig.Content;
using UglyToad.PdfPig.Core;
using UglyToad.PdfPig.Fonts.Standard14Fonts;
using UglyToad.PdfPig.Writer;
using Drawing = DocumentFormat.OpenXml.Drawing;
using Presentation = DocumentFormat.OpenXml.Presentation;
using Spreadsheet = DocumentFormat.OpenXml.Spreadsheet;
using Wordprocessing = DocumentFormat.OpenXml.Wordprocessing;

namespace Missions.Host.Tests.Infrastructure;

/// <summary>Small real documents, made as their programs would write them: a PDF, a Word document, a workbook, a deck.</summary>
public static class Documents
{
    /// <summary>A one-page PDF with each line of text, in a standard font (no font file needed).</summary>
    public static byte[] Pdf(params string[] lines)
    {
        var builder = new PdfDocumentBuilder();
        var page = builder.AddPage(PageSize.A4);
        var font = builder.AddStandard14Font(Standard14Font.Helvetica);
        for (var i = 0; i < lines.Length; i++)
        {
            page.AddText(lines[i], 12, new PdfPoint(40, 780 - (i * 20)), font);
        }

        return builder.Build();
    }

    public static byte[] Word(params string[] paragraphs)
    {
        using var stream = new MemoryStream();
        using (var word = WordprocessingDocument.Create(stream, WordprocessingDocumentType.Document))
        {
            var main = word.AddMainDocumentPart();
            main.Document = new Wordprocessing.Document(new Wordprocessing.Body(
                paragraphs.Select(p => new Wordprocessing.Paragraph(new Wordprocessing.Run(new Wordprocessing.Text(p))))));
        }

        return stream.ToArray();
    }

    /// <summary>A workbook with one sheet, "Prices": the first row's text as shared strings, the rest as numbers where they are.</summary>
    public static byte[] Excel(params (string A, string B)[] rows)
    {
        using var stream = new MemoryStream();
        using (var excel = SpreadsheetDocument.Create(stream, SpreadsheetDocumentType.Workbook))
        {
            var workbook = excel.AddWorkbookPart();
            workbook.Workbook = new Spreadsheet.Workbook();
            var strings = workbook.AddNewPart<SharedStringTablePart>();
            strings.SharedStringTable = new Spreadsheet.SharedStringTable();
            var sheet = workbook.AddNewPart<WorksheetPart>();
            var data = new Spreadsheet.SheetData();
            Spreadsheet.Cell Cell(string value)
            {
                if (double.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, out _))
                {
                    return new Spreadsheet.Cell { CellValue = new Spreadsheet.CellValue(value), DataType = Spreadsheet.CellValues.Number };
                }

                strings.SharedStringTable.AppendChild(new Spreadsheet.SharedStringItem(new Spreadsheet.Text(value)));
                var index = strings.SharedStringTable.Elements<Spreadsheet.SharedStringItem>().Count() - 1;
                return new Spreadsheet.Cell { CellValue = new Spreadsheet.CellValue(index.ToString(System.Globalization.CultureInfo.InvariantCulture)), DataType = Spreadsheet.CellValues.SharedString };
            }

            foreach (var (a, b) in rows)
            {
                data.AppendChild(new Spreadsheet.Row(Cell(a), Cell(b)));
            }

            sheet.Worksheet = new Spreadsheet.Worksheet(data);
            workbook.Workbook.AppendChild(new Spreadsheet.Sheets(new Spreadsheet.Sheet { Id = workbook.GetIdOfPart(sheet), SheetId = 1, Name = "Prices" }));
        }

        return stream.ToArray();
    }

    /// <summary>A deck of one slide per text, each a title shape.</summary>
    public static byte[] PowerPoint(params string[] slides)
    {
        using var stream = new MemoryStream();
        using (var deck = PresentationDocument.Create(stream, PresentationDocumentType.Presentation))
        {
            var presentation = deck.AddPresentationPart();
            var ids = new Presentation.SlideIdList();
            uint id = 256;
            foreach (var text in slides)
            {
                var slide = presentation.AddNewPart<SlidePart>();
                slide.Slide = new Presentation.Slide(new Presentation.CommonSlideData(new Presentation.ShapeTree(
                    new Presentation.NonVisualGroupShapeProperties(
                        new Presentation.NonVisualDrawingProperties { Id = 1, Name = "" },
                        new Presentation.NonVisualGroupShapeDrawingProperties(),
                        new Presentation.ApplicationNonVisualDrawingProperties()),
                    new Presentation.GroupShapeProperties(),
                    new Presentation.Shape(
                        new Presentation.NonVisualShapeProperties(
                            new Presentation.NonVisualDrawingProperties { Id = 2, Name = "Title" },
                            new Presentation.NonVisualShapeDrawingProperties(),
                            new Presentation.ApplicationNonVisualDrawingProperties()),
                        new Presentation.ShapeProperties(),
                        new Presentation.TextBody(new Drawing.BodyProperties(), new Drawing.Paragraph(new Drawing.Run(new Drawing.Text(text))))))));
                ids.AppendChild(new Presentation.SlideId { Id = id++, RelationshipId = presentation.GetIdOfPart(slide) });
            }

            presentation.Presentation = new Presentation.Presentation(ids);
        }

        return stream.ToArray();
    }
}
