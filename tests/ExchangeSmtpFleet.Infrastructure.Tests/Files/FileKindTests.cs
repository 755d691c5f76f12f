using System.Net.Sockets;
using ExchangeSmtpFleet.Infrastructure.Files;

namespace ExchangeSmtpFleet.Infrastructure.Tests.Files;

/// <summary>Issue 18, items 16 and 17: what a path names, before anything opens it.</summary>
public sealed class FileKindTests
{
    [Fact]
    public void Of_ARegularFile_AnEmptyOneToo_IsRegular()
    {
        var path = SpecialFiles.NewPath("empty.csv");
        File.WriteAllText(path, string.Empty);

        Assert.Equal(FileType.Regular, FileKind.Of(path));
        Assert.Null(FileKind.Describe(path));
    }

    [Fact]
    public void Of_MissingPaths_AreMissing()
    {
        var file = SpecialFiles.NewPath("file.csv");
        File.WriteAllText(file, "Host\n");

        Assert.Equal(FileType.Missing, FileKind.Of(SpecialFiles.NewPath("nothing.csv")));
        Assert.Equal(FileType.Missing, FileKind.Of(Path.Combine(file, "below-a-file")));
        Assert.Null(FileKind.Describe(SpecialFiles.NewPath("nothing.csv")));
    }

    [Fact]
    public void Of_ADirectory_IsADirectory()
    {
        Assert.Equal(FileType.Directory, FileKind.Of(Path.GetTempPath()));
        Assert.Equal("is a directory, not a regular file", FileKind.Describe(Path.GetTempPath()));
    }

    [Fact]
    public void Of_DevZero_AndALinkToIt_AreACharacterDevice()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "the kinds of special files are asked of Linux");
        var link = SpecialFiles.NewPath("inventory.csv");
        File.CreateSymbolicLink(link, "/dev/zero");

        Assert.Equal(FileType.CharacterDevice, FileKind.Of("/dev/zero"));
        Assert.Equal(FileType.CharacterDevice, FileKind.Of(link));
        Assert.Equal("is a character device, not a regular file", FileKind.Describe(link));
    }

    [Fact]
    public void Of_AFifo_IsAFifo()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "the kinds of special files are asked of Linux");

        var fifo = SpecialFiles.Fifo();

        Assert.Equal(FileType.Fifo, FileKind.Of(fifo));
        Assert.Equal("is a FIFO (named pipe), not a regular file", FileKind.Describe(fifo));
    }

    [Fact]
    public void Of_AUnixSocket_IsASocket()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "the kinds of special files are asked of Linux");
        var path = SpecialFiles.NewPath("esfleet.db");
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(path));

        Assert.Equal(FileType.Socket, FileKind.Of(path));
        Assert.Equal("is a socket, not a regular file", FileKind.Describe(path));
    }

    [Theory]
    [InlineData(0x81A4, FileType.Regular)]
    [InlineData(0x41ED, FileType.Directory)]
    [InlineData(0x11B6, FileType.Fifo)]
    [InlineData(0x21B6, FileType.CharacterDevice)]
    [InlineData(0x61B0, FileType.BlockDevice)]
    [InlineData(0xC1FF, FileType.Socket)]
    [InlineData(0xA1FF, FileType.Unknown)]
    public void TypeOf_ReadsTheTypeBitsOfAMode(int mode, FileType expected)
    {
        Assert.Equal(expected, FileKind.TypeOf((ushort)mode));
    }
}
