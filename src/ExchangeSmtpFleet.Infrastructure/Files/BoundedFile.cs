namespace ExchangeSmtpFleet.Infrastructure.Files;

/// <summary>
/// Reads a whole input file with a limit on the bytes actually read, not on the length the file system reports: a
/// device (<c>/dev/zero</c>), a FIFO or a file that grows while it is read has no trustworthy length.
/// </summary>
public static class BoundedFile
{
    /// <summary>Reads <paramref name="path"/> (or standard input for <c>-</c> when no such file exists) up to <paramref name="maxBytes"/>.</summary>
    /// <param name="path">The file.</param>
    /// <param name="maxBytes">The most bytes the content may have.</param>
    /// <param name="what">What the file should be, for the messages ("an inventory").</param>
    /// <param name="cancellationToken">Stops a read that waits (a FIFO nobody writes).</param>
    /// <returns>The bytes, or why there are none, in one line naming the file.</returns>
    public static async Task<(byte[]? Bytes, string? Problem)> ReadAsync(string path, long maxBytes, string what, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (Directory.Exists(path))
        {
            return (null, $"{path}: is a directory, not {what}");
        }

        var standardInput = path == "-" && !File.Exists(path);
        if (!standardInput && !File.Exists(path))
        {
            return (null, $"{path}: file not found");
        }

        try
        {
            await using var stream = standardInput
                ? Console.OpenStandardInput()
                : new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 0);
            using var content = new MemoryStream();
            var buffer = new byte[81920];
            while (true)
            {
                var read = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    return (content.ToArray(), null);
                }

                if (content.Length + read > maxBytes)
                {
                    return (null, $"{path}: more than {maxBytes} bytes, too large for {what}");
                }

                content.Write(buffer, 0, read);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return (null, $"{path}: cannot read: {e.Message}");
        }
    }
}
