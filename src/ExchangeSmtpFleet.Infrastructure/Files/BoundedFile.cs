namespace ExchangeSmtpFleet.Infrastructure.Files;

/// <summary>
/// Reads a whole input file with a limit on the bytes actually read, not on the length the file system reports (issue
/// 18, item 16). Only a regular file is opened: a FIFO would wait for a writer and a device (<c>/dev/zero</c>) has no
/// end, so both are refused by their kind before a byte is read. A regular file longer than the limit is refused by its
/// length; one that grows while it is read, or standard input, is counted as it streams; and the caller may refuse the
/// content from its first block (binary where text is expected) before the rest is read. Memory stays what the
/// accepted content needs: nothing is buffered past the limit or past a refusal.
/// </summary>
public static class BoundedFile
{
    /// <summary>The first bytes handed to the caller's check, when the content is at least that long.</summary>
    public const int StartLength = 64 * 1024;

    private const int ChunkLength = 80 * 1024;

    /// <summary>Reads <paramref name="path"/> (or standard input for <c>-</c> when no such file exists) up to <paramref name="maxBytes"/>.</summary>
    /// <param name="path">The file.</param>
    /// <param name="maxBytes">The most bytes the content may have.</param>
    /// <param name="what">What the file should be, for the messages ("an inventory").</param>
    /// <param name="cancellationToken">Stops a read that waits (standard input nobody writes).</param>
    /// <param name="checkStart">
    /// Why the content is unusable from its first <see cref="StartLength"/> bytes (or all of it, when shorter), or null;
    /// the read stops there.
    /// </param>
    /// <returns>The bytes, or why there are none, in one line naming the file.</returns>
    public static async Task<(byte[]? Bytes, string? Problem)> ReadAsync(
        string path, long maxBytes, string what, CancellationToken cancellationToken, Func<ReadOnlySpan<byte>, string?>? checkStart = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentOutOfRangeException.ThrowIfNegative(maxBytes);
        var standardInput = path == "-" && !File.Exists(path);
        if (!standardInput)
        {
            switch (FileKind.Of(path))
            {
                case FileType.Missing:
                    return (null, $"{path}: file not found");
                case FileType.Directory:
                    return (null, $"{path}: is a directory, not {what}");
                case var other when FileKind.Describe(other) is { } kind:
                    return (null, $"{path}: {kind}; {what} is read from a regular file");
            }
        }

        try
        {
            await using var stream = standardInput
                ? Console.OpenStandardInput()
                : new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 0);
            long? length = stream.CanSeek ? stream.Length : null;
            if (length > maxBytes)
            {
                return (null, $"{path}: {length} bytes, more than {maxBytes} bytes, too large for {what}");
            }

            return await ReadAsync(stream, length, maxBytes, path, what, checkStart, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return (null, $"{path}: cannot read: {e.Message}");
        }
    }

    /// <summary>
    /// Reads <paramref name="stream"/> to its end, counting: the content goes into chunks, so a stream that turns out too
    /// long costs at most <paramref name="maxBytes"/> plus one chunk, and a refused start costs one block.
    /// </summary>
    /// <param name="stream">The content.</param>
    /// <param name="length">The length the file claims, when it has one: the exact array is allocated at once.</param>
    /// <param name="maxBytes">The most bytes the content may have.</param>
    /// <param name="path">For the messages.</param>
    /// <param name="what">For the messages.</param>
    /// <param name="checkStart">The caller's check of the first block.</param>
    /// <param name="cancellationToken">Stops a read that waits.</param>
    internal static async Task<(byte[]? Bytes, string? Problem)> ReadAsync(
        Stream stream, long? length, long maxBytes, string path, string what, Func<ReadOnlySpan<byte>, string?>? checkStart, CancellationToken cancellationToken)
    {
        // Once the start is accepted, the claimed length sizes the chunk, so a regular file is read into one exact array;
        // anything past it (a file that grows, a file whose length says nothing, as under /proc, standard input) goes on
        // in chunks and is counted. Before that, only the start block is allocated: a refused start costs that block.
        var sized = Math.Max(1, (int)Math.Min(length ?? ChunkLength, Math.Min(maxBytes + 1, Array.MaxLength)));
        var chunks = new List<byte[]>();
        var chunk = new byte[checkStart is null ? sized : Math.Min(sized, StartLength)];
        int filled = 0;
        long total = 0;
        var checkedStart = checkStart is null;
        while (true)
        {
            if (filled == chunk.Length)
            {
                chunks.Add(chunk);
                filled = 0;
                chunk = new byte[(int)Math.Clamp(maxBytes + 1 - total, 1, ChunkLength)];
            }

            var room = chunk.Length - filled;
            var read = await stream.ReadAsync(chunk.AsMemory(filled, checkedStart ? room : (int)Math.Min(room, StartLength - total)), cancellationToken)
                .ConfigureAwait(false);
            filled += read;
            total += read;
            if (total > maxBytes)
            {
                return (null, $"{path}: more than {maxBytes} bytes, too large for {what}");
            }

            if (!checkedStart && (total >= StartLength || read == 0))
            {
                checkedStart = true;
                if (checkStart!(Join(chunks, chunk, filled, (int)total)) is { } problem)
                {
                    return (null, problem);
                }

                if (read > 0 && chunks.Count == 0 && sized > chunk.Length)
                {
                    var whole = new byte[sized];
                    chunk.AsSpan(0, filled).CopyTo(whole);
                    chunk = whole;
                }
            }

            if (read == 0)
            {
                return (Whole(chunks, chunk, filled, total), null);
            }
        }
    }

    /// <summary>The content as one array: the only chunk itself when it is exactly full (a regular file read by its length).</summary>
    private static byte[] Whole(List<byte[]> chunks, byte[] current, int filled, long total)
    {
        if (chunks.Count == 0 && filled == current.Length)
        {
            return current;
        }

        if (chunks.Count == 1 && filled == 0 && chunks[0].Length == total)
        {
            return chunks[0];
        }

        return Join(chunks, current, filled, checked((int)total));
    }

    /// <summary>The first <paramref name="count"/> bytes of the full chunks and the one being filled.</summary>
    private static byte[] Join(List<byte[]> chunks, byte[] current, int filled, int count)
    {
        var bytes = new byte[count];
        var at = 0;
        foreach (var part in chunks)
        {
            var take = Math.Min(part.Length, count - at);
            part.AsSpan(0, take).CopyTo(bytes.AsSpan(at));
            at += take;
        }

        current.AsSpan(0, Math.Min(filled, count - at)).CopyTo(bytes.AsSpan(at));
        return bytes;
    }
}
