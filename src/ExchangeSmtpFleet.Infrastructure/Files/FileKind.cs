using System.Runtime.InteropServices;

namespace ExchangeSmtpFleet.Infrastructure.Files;

/// <summary>
/// What kind of file a path names, asked of the file system before the file is opened (issue 18, items 16 and 17): a FIFO
/// blocks whoever opens it until a writer comes, a device has no end (<c>/dev/zero</c>) or refuses what is written to it,
/// and a database or inventory named by such a path fails later with a message about something else ("disk full").
/// .NET does not say whether a path is a FIFO or a device (<see cref="File.Exists(string?)"/> is true for both), so on
/// Linux this asks <c>statx(2)</c>, following symbolic links as opening the path would.
/// </summary>
public static partial class FileKind
{
    private const int AtFdCwd = -100;
    private const uint StatxType = 0x1; // STATX_TYPE
    private const int NoSuchFile = 2; // ENOENT
    private const int NotADirectory = 20; // ENOTDIR: a path through a regular file

    /// <summary>What <paramref name="path"/> names.</summary>
    public static FileType Of(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (OperatingSystem.IsLinux())
        {
            try
            {
                if (Statx(AtFdCwd, path, 0, StatxType, out var status) == 0)
                {
                    return TypeOf(status.Mode);
                }

                return Marshal.GetLastPInvokeError() is NoSuchFile or NotADirectory ? FileType.Missing : FileType.Unknown;
            }
            catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
            {
                // A C library without statx (glibc before 2.28): what .NET can tell.
            }
        }

        return Directory.Exists(path) ? FileType.Directory : File.Exists(path) ? FileType.Regular : FileType.Missing;
    }

    /// <summary>
    /// Why <paramref name="path"/> cannot be read or written as a file ("is a FIFO (named pipe), not a regular file"), or
    /// null when it is a regular file, does not exist (yet) or cannot be examined: those the caller handles as before.
    /// </summary>
    public static string? Describe(string path) => Describe(Of(path));

    /// <summary>The sentence for a kind of file, or null for a regular, missing or unknown one.</summary>
    public static string? Describe(FileType type) => type switch
    {
        FileType.Directory => "is a directory, not a regular file",
        FileType.Fifo => "is a FIFO (named pipe), not a regular file",
        FileType.CharacterDevice => "is a character device, not a regular file",
        FileType.BlockDevice => "is a block device, not a regular file",
        FileType.Socket => "is a socket, not a regular file",
        _ => null,
    };

    /// <summary>The type bits of a Unix mode (S_IFMT, <c>sys/stat.h</c>).</summary>
    internal static FileType TypeOf(ushort mode) => (mode & 0xF000) switch
    {
        0x8000 => FileType.Regular,
        0x4000 => FileType.Directory,
        0x1000 => FileType.Fifo,
        0x2000 => FileType.CharacterDevice,
        0x6000 => FileType.BlockDevice,
        0xC000 => FileType.Socket,
        _ => FileType.Unknown,
    };

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statx(int directory, string path, int flags, uint mask, out StatxBuffer buffer);

    /// <summary>
    /// <c>struct statx</c> (linux/stat.h): 256 bytes whose layout is the same on every architecture, unlike <c>struct
    /// stat</c>; only <c>stx_mode</c> (offset 28) is read.
    /// </summary>
    [StructLayout(LayoutKind.Explicit, Size = 256)]
    private struct StatxBuffer
    {
        [FieldOffset(28)]
        public ushort Mode;
    }
}
