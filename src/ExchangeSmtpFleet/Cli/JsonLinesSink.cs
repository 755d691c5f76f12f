using System.Buffers;
using System.Text;
using System.Text.Json;
using ExchangeSmtpFleet.Core.Auditing;
using Microsoft.Win32.SafeHandles;

namespace ExchangeSmtpFleet.Cli;

/// <summary>
/// Writes one JSON object per host and line (JSON Lines), each batch handed to its destination as soon as it arrives:
/// whoever tails the file sees each result as it arrives, and a crash loses none. A file gets one unbuffered write per
/// batch; standard output gets the lines and a flush. Runs on the workflow's sink task, never on a probing thread.
/// </summary>
internal sealed class JsonLinesSink : IResultSink
{
    private readonly ArrayBufferWriter<byte> _buffer = new(8192);
    private readonly Utf8JsonWriter _json;
    private readonly FileStream? _file;
    private readonly TextWriter? _text;

    private JsonLinesSink(string name, FileStream? file, TextWriter? text)
    {
        Name = name;
        _file = file;
        _text = text;
        _json = new Utf8JsonWriter(_buffer, ResultJson.Options);
    }

    public string Name { get; }

    /// <summary>The run every line names (set once the run has its id; the file is opened before, to fail before anything is probed).</summary>
    public string RunId { get; set; } = string.Empty;

    /// <summary>Creates (or truncates) <paramref name="path"/> and its folder; others may read it while the scan runs.</summary>
    public static JsonLinesSink ToFile(string path)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        return new JsonLinesSink($"JSON Lines {full}", new FileStream(full, FileMode.Create, FileAccess.Write, FileShare.Read, bufferSize: 0), null);
    }

    /// <summary>
    /// Writes to the process's standard output through its file descriptor: .NET's console streams ignore a closed pipe
    /// (EPIPE) and would drop the results silently, this stream fails, and the scan stops with a message.
    /// </summary>
    public static JsonLinesSink ToStandardOutput() =>
        new("JSON Lines to standard output", new FileStream(new SafeFileHandle(1, ownsHandle: false), FileAccess.Write, bufferSize: 0), null);

    /// <summary>Writes to a text writer (standard output); the writer stays open.</summary>
    public static JsonLinesSink ToText(TextWriter text) => new("JSON Lines to standard output", null, text);

    public async Task WriteAsync(IReadOnlyList<HostOutcome> batch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(batch);
        foreach (var outcome in batch)
        {
            ResultJson.Write(_json, outcome, RunId);
            _json.Flush();
            _buffer.Write("\n"u8);
            _json.Reset(_buffer);
        }

        if (_file is not null)
        {
            await _file.WriteAsync(_buffer.WrittenMemory, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await _text!.WriteAsync(Encoding.UTF8.GetString(_buffer.WrittenSpan)).ConfigureAwait(false);
            await _text.FlushAsync(cancellationToken).ConfigureAwait(false);
        }

        _buffer.ResetWrittenCount();
        _json.Reset(_buffer);
    }

    public Task CompleteAsync(CancellationToken cancellationToken) =>
        _file is null ? Task.CompletedTask : _file.FlushAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _json.DisposeAsync().ConfigureAwait(false);
        if (_file is not null)
        {
            await _file.DisposeAsync().ConfigureAwait(false);
        }
    }
}
