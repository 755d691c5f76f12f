namespace ExchangeSmtpFleet.Infrastructure.Files;

/// <summary>
/// Whether a workbook on disk is whole (issue 18, item 11). esfleet writes a workbook beside its path, flushes it to the disk
/// and moves it into place, so the path holds a whole workbook or none; what this checks is what was put there another
/// way: an older build's half-written file, a file cut by a crash of the machine before its data reached the disk (a
/// rename can, on some file systems, outlive the data it names), a file copied in by hand. An .xlsx is a ZIP archive: it
/// begins with a local file header and ends with the end-of-central-directory record, which is written last, so a file
/// cut anywhere lacks it.
/// </summary>
public static class WorkbookFile
{
    /// <summary>A ZIP's end-of-central-directory record without its comment.</summary>
    private const int EndRecordLength = 22;

    /// <summary>The longest comment a ZIP may carry after that record.</summary>
    private const int MaxCommentLength = ushort.MaxValue;

    private static ReadOnlySpan<byte> LocalHeader => "PK\u0003\u0004"u8;

    private static ReadOnlySpan<byte> EndRecord => "PK\u0005\u0006"u8;

    /// <summary>Whether <paramref name="path"/> is a regular file that begins and ends as a whole ZIP archive does.</summary>
    /// <param name="path">The workbook.</param>
    public static bool IsWhole(string path)
    {
        using var file = OpenWhole(path);
        return file is not null;
    }

    /// <summary>
    /// Opens <paramref name="path"/> for reading when it is a whole workbook (<see cref="IsWhole"/>), positioned at its start;
    /// null when it is missing, not a regular file or not whole. What the stream reads stays the file that was checked,
    /// even if another is moved to the path meanwhile.
    /// </summary>
    /// <param name="path">The workbook.</param>
    public static FileStream? OpenWhole(string path)
    {
        if (FileKind.Of(path) != FileType.Regular)
        {
            return null;
        }

        FileStream? file = null;
        try
        {
            file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 81920, FileOptions.None);
            if (EndsAsAZip(file))
            {
                file.Position = 0;
                var whole = file;
                file = null;
                return whole;
            }

            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        finally
        {
            file?.Dispose();
        }
    }

    private static bool EndsAsAZip(FileStream file)
    {
        if (file.Length < LocalHeader.Length + EndRecordLength)
        {
            return false;
        }

        Span<byte> head = stackalloc byte[4];
        file.ReadExactly(head);
        if (!head.SequenceEqual(LocalHeader))
        {
            return false;
        }

        // Without a comment (as every writer of workbooks leaves it) the record is the last 22 bytes; else it is the last
        // record whose comment reaches exactly to the end of the file.
        Span<byte> last = stackalloc byte[EndRecordLength];
        file.Position = file.Length - EndRecordLength;
        file.ReadExactly(last);
        if (IsEndRecord(last, 0))
        {
            return true;
        }

        var tail = new byte[(int)Math.Min(file.Length, EndRecordLength + MaxCommentLength)];
        file.Position = file.Length - tail.Length;
        file.ReadExactly(tail);
        for (var at = tail.Length - EndRecordLength - 1; at >= 0; at--)
        {
            if (IsEndRecord(tail, at))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsEndRecord(ReadOnlySpan<byte> tail, int at) =>
        tail.Slice(at, 4).SequenceEqual(EndRecord) && at + EndRecordLength + (tail[at + 20] | (tail[at + 21] << 8)) == tail.Length;

    /// <summary>Writes what the file system holds of <paramref name="path"/> to the disk (fsync), so that a move after it never names lost data.</summary>
    /// <param name="path">A file just written.</param>
    public static void Flush(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite, 1, FileOptions.None);
        file.Flush(flushToDisk: true);
    }
}
