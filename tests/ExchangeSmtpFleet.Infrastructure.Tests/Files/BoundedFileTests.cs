using System.Text;
using ExchangeSmtpFleet.Infrastructure.Files;
using ExchangeSmtpFleet.Infrastructure.Inventory;

namespace ExchangeSmtpFleet.Infrastructure.Tests.Files;

/// <summary>Issue 18, item 16: what an input file may cost before it is refused.</summary>
public sealed class BoundedFileTests
{
    private const long Limit = 1024 * 1024;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task ReadAsync_DevZero_IsRefusedByItsKind_InOneLine()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "needs /dev/zero");

        var (bytes, problem) = await BoundedFile.ReadAsync("/dev/zero", Limit, "an inventory", TestContext.Current.CancellationToken);

        Assert.Null(bytes);
        Assert.Equal("/dev/zero: is a character device, not a regular file; an inventory is read from a regular file", problem);
    }

    [Fact]
    public async Task ReadAsync_AFifoNobodyWrites_IsRefusedAtOnce_InsteadOfWaitingForAWriter()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "needs mkfifo");
        var fifo = SpecialFiles.Fifo();

        // On a thread of its own: opening a FIFO waits for a writer, and that wait cannot be cancelled.
        var (bytes, problem) = await Task.Run(() => BoundedFile.ReadAsync(fifo, Limit, "an inventory", TestContext.Current.CancellationToken), TestContext.Current.CancellationToken)
            .WaitAsync(Bound, TestContext.Current.CancellationToken);

        Assert.Null(bytes);
        Assert.Equal($"{fifo}: is a FIFO (named pipe), not a regular file; an inventory is read from a regular file", problem);
    }

    [Fact]
    public async Task ReadAsync_ARegularFileLongerThanTheLimit_IsRefusedByItsLength()
    {
        var path = SpecialFiles.NewPath("big.csv");
        await using (var file = File.Create(path))
        {
            file.SetLength(10 * Limit); // sparse: nothing written
        }

        var (bytes, problem) = await BoundedFile.ReadAsync(path, Limit, "an inventory", TestContext.Current.CancellationToken);

        Assert.Null(bytes);
        Assert.Equal($"{path}: 10485760 bytes, more than 1048576 bytes, too large for an inventory", problem);
    }

    [Fact]
    public async Task ReadAsync_ARegularFile_IsReadWhole()
    {
        var path = SpecialFiles.NewPath("inventory.csv");
        var content = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, 20_000).Select(i => $"mail{i}.corp.example,25\n")));
        await File.WriteAllBytesAsync(path, content, TestContext.Current.CancellationToken);

        var (bytes, problem) = await BoundedFile.ReadAsync(path, Limit, "an inventory", TestContext.Current.CancellationToken, CsvInventoryReader.BinaryStart);

        Assert.Null(problem);
        Assert.Equal(content, bytes);
    }

    [Fact]
    public async Task ReadStream_AnEndlessStream_IsRefusedAfterTheLimitPlusOneByte()
    {
        var endless = new EndlessStream((byte)'a');

        var (bytes, problem) = await BoundedFile.ReadAsync(endless, null, Limit, "-", "a transcript", null, TestContext.Current.CancellationToken);

        Assert.Null(bytes);
        Assert.Equal("-: more than 1048576 bytes, too large for a transcript", problem);
        Assert.Equal(Limit + 1, endless.BytesRead);
    }

    [Fact]
    public async Task ReadStream_AFileThatGrowsPastItsLength_IsCountedAsItStreams()
    {
        var growing = new EndlessStream((byte)'a');

        var (bytes, problem) = await BoundedFile.ReadAsync(growing, 100, Limit, "grows.csv", "an inventory", null, TestContext.Current.CancellationToken);

        Assert.Null(bytes);
        Assert.Equal("grows.csv: more than 1048576 bytes, too large for an inventory", problem);
        Assert.Equal(Limit + 1, growing.BytesRead);
    }

    [Fact]
    public async Task ReadStream_BinaryContent_IsRefusedFromItsFirstBlock()
    {
        var zeros = new EndlessStream(0);

        var (bytes, problem) = await BoundedFile.ReadAsync(zeros, 200 * Limit, 256 * Limit, "disk.img", "an inventory", CsvInventoryReader.BinaryStart, TestContext.Current.CancellationToken);

        Assert.Null(bytes);
        Assert.Equal("the file is binary (NUL byte at offset 0), not a CSV inventory", problem);
        Assert.Equal(BoundedFile.StartLength, zeros.BytesRead);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(100_000)]
    [InlineData(1024 * 1024)]
    public async Task ReadStream_WithOrWithoutALength_GivesBackEveryByte(int length)
    {
        var content = new byte[length];
        new Random(length).NextBytes(content);
        content.AsSpan().Replace((byte)0, (byte)1);

        foreach (var claimed in new long?[] { length, null, 10 })
        {
            using var stream = new MemoryStream(content);
            var (bytes, problem) = await BoundedFile.ReadAsync(stream, claimed, Limit, "x", "an inventory", CsvInventoryReader.BinaryStart, TestContext.Current.CancellationToken);

            Assert.Null(problem);
            Assert.Equal(content, bytes);
        }
    }

    /// <summary>A stream without end, one byte value, counting what is read from it (and reading at most 64 KiB a call, like a pipe).</summary>
    private sealed class EndlessStream(byte value) : Stream
    {
        public long BytesRead { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => BytesRead; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = Math.Min(count, 64 * 1024);
            buffer.AsSpan(offset, n).Fill(value);
            BytesRead += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
