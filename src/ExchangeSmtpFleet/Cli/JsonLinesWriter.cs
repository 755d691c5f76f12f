using System.Buffers;
using System.Text;
using System.Text.Json;
using ExchangeSmtpFleet.Smtp.Fleet;

namespace ExchangeSmtpFleet.Cli;

/// <summary>
/// Writes one JSON object per host and line (JSON Lines), each handed to its destination as soon as it is
/// written: whoever tails the file sees each result as it arrives, and a crash loses none. A file gets one
/// unbuffered write per host; standard output gets the line and a flush.
/// </summary>
internal sealed class JsonLinesWriter : IDisposable
{
    private readonly ArrayBufferWriter<byte> _buffer = new(8192);
    private readonly Utf8JsonWriter _json;
    private readonly FileStream? _file;
    private readonly TextWriter? _text;

    private JsonLinesWriter(FileStream? file, TextWriter? text)
    {
        _file = file;
        _text = text;
        _json = new Utf8JsonWriter(_buffer, ResultJson.Options);
    }

    /// <summary>Creates (or truncates) <paramref name="path"/> and its folder; others may read it while the scan runs.</summary>
    public static JsonLinesWriter ToFile(string path)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        return new JsonLinesWriter(new FileStream(full, FileMode.Create, FileAccess.Write, FileShare.Read, bufferSize: 0), null);
    }

    /// <summary>Writes to a text writer (standard output); the writer stays open.</summary>
    public static JsonLinesWriter ToText(TextWriter text) => new(null, text);

    /// <summary>True for standard output, which can be a pipe whose reader stops reading; a file write cannot block for long.</summary>
    public bool MayBlock => _text is not null;

    public void Write(HostOutcome outcome, string runId)
    {
        ResultJson.Write(_json, outcome, runId);
        _json.Flush();
        if (_file is not null)
        {
            _buffer.Write("\n"u8);
            _file.Write(_buffer.WrittenSpan);
        }
        else
        {
            _text!.WriteLine(Encoding.UTF8.GetString(_buffer.WrittenSpan));
            _text.Flush();
        }

        _buffer.ResetWrittenCount();
        _json.Reset(_buffer);
    }

    public void Dispose()
    {
        _json.Dispose();
        _file?.Dispose();
    }
}
