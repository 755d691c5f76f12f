using System.IO.Compression;
using ExchangeSmtpFleet.Infrastructure.Files;

namespace ExchangeSmtpFleet.Infrastructure.Tests.Files;

/// <summary>Issue 18, item 11: a workbook cut anywhere, empty or not a file is never taken for a whole one.</summary>
public sealed class WorkbookFileTests
{
    private static byte[] Zip(string? comment = null)
    {
        using var memory = new MemoryStream();
        using (var zip = new ZipArchive(memory, ZipArchiveMode.Create, leaveOpen: true))
        {
            if (comment is not null)
            {
                zip.Comment = comment;
            }

            using var entry = new StreamWriter(zip.CreateEntry("xl/workbook.xml").Open());
            entry.Write(new string('x', 5000));
        }

        return memory.ToArray();
    }

    private static string Write(byte[] bytes)
    {
        var path = SpecialFiles.NewPath("report.xlsx");
        File.WriteAllBytes(path, bytes);
        return path;
    }

    [Theory]
    [InlineData(null)]
    [InlineData("a comment after the end record")]
    public void IsWhole_AWholeArchive_IsWhole(string? comment) => Assert.True(WorkbookFile.IsWhole(Write(Zip(comment))));

    [Fact]
    public void IsWhole_CutAnywhere_IsNotWhole()
    {
        var whole = Zip();
        foreach (var length in new[] { 0, 1, 4, 30, whole.Length / 2, whole.Length - 22, whole.Length - 1 })
        {
            Assert.False(WorkbookFile.IsWhole(Write(whole[..length])), $"cut at {length} of {whole.Length} bytes");
        }
    }

    [Fact]
    public void IsWhole_ZerosOfTheSameLength_AreNotWhole() => Assert.False(WorkbookFile.IsWhole(Write(new byte[Zip().Length])));

    [Fact]
    public void OpenWhole_NotARegularFile_IsNullWithoutOpeningIt()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "needs mkfifo");
        Assert.Null(WorkbookFile.OpenWhole(SpecialFiles.Fifo()));
        Assert.Null(WorkbookFile.OpenWhole(Path.GetTempPath()));
        Assert.Null(WorkbookFile.OpenWhole(SpecialFiles.NewPath("missing.xlsx")));
    }

    [Fact]
    public void OpenWhole_ReadsTheWholeFileFromItsStart()
    {
        var bytes = Zip();
        using var file = WorkbookFile.OpenWhole(Write(bytes));

        Assert.NotNull(file);
        using var copy = new MemoryStream();
        file.CopyTo(copy);
        Assert.Equal(bytes, copy.ToArray());
    }
}
