using System.Collections.Immutable;

namespace ExchangeSmtpFleet.Core.Protocol;

/// <summary>
/// Collects the lines of one multi-line reply (RFC 5321 4.2.1) and enforces <see cref="ReplyLimits"/>.
/// Memory is bounded by the limits whatever the peer sends.
/// </summary>
public sealed class ReplyAccumulator
{
    private readonly ReplyLimits _limits;
    private readonly ImmutableArray<string>.Builder _lines = ImmutableArray.CreateBuilder<string>();
    private readonly ImmutableArray<int>.Builder _codes = ImmutableArray.CreateBuilder<int>();
    private readonly ImmutableArray<ReplyAnomaly>.Builder _anomalies = ImmutableArray.CreateBuilder<ReplyAnomaly>();

    /// <summary>An accumulator with <paramref name="limits"/> (default <see cref="ReplyLimits.Default"/>).</summary>
    public ReplyAccumulator(ReplyLimits? limits = null) => _limits = limits ?? ReplyLimits.Default;

    /// <summary>Number of lines taken so far.</summary>
    public int Count => _lines.Count;

    /// <summary>Adds one line (without CRLF).</summary>
    /// <returns>The step: more lines expected, the reply is complete, or a limit or syntax error.</returns>
    public ReplyStep Add(ReadOnlySpan<char> line)
    {
        if (line.Length > _limits.MaxLineLength)
        {
            return ReplyStep.Fail(ReplyError.LineTooLong);
        }

        if (!ReplyLine.TryParse(line, out var parsed))
        {
            return ReplyStep.Fail(ReplyError.NotSmtp);
        }

        var reply = parsed.Value;
        if (_codes.Count > 0 && reply.Code != _codes[0])
        {
            _anomalies.Add(new ReplyAnomaly(_lines.Count, ReplyAnomalyKind.CodeMismatch,
                $"line {_lines.Count + 1} has code {reply.Code} inside a {_codes[0]} reply"));
        }

        if (reply.SeparatorMissing)
        {
            _anomalies.Add(new ReplyAnomaly(_lines.Count, ReplyAnomalyKind.MissingSeparator, line.ToString()));
        }

        _lines.Add(reply.Text);
        _codes.Add(reply.Code);
        if (reply.IsFinal)
        {
            return ReplyStep.Done(Build());
        }

        return _lines.Count >= _limits.MaxLinesPerReply ? ReplyStep.Fail(ReplyError.ReplyTooLong) : ReplyStep.More;
    }

    /// <summary>Drops the lines of an unfinished reply, so that the accumulator can take a new one.</summary>
    public void Reset()
    {
        _lines.Clear();
        _codes.Clear();
        _anomalies.Clear();
    }

    /// <summary>Ends a reply whose final line never came (e.g. a truncated paste).</summary>
    /// <returns>The partial reply, or null when no line was taken.</returns>
    public SmtpReply? CompleteTruncated()
    {
        if (_lines.Count == 0)
        {
            return null;
        }

        _anomalies.Add(new ReplyAnomaly(_lines.Count - 1, ReplyAnomalyKind.Truncated, "reply ended without a final line"));
        return Build();
    }

    private SmtpReply Build()
    {
        // RFC 5321 4.2.1: the final line's code is the reply's (for a truncated reply, the last line taken).
        var reply = new SmtpReply(_codes[^1], _lines.ToImmutable(), _codes.ToImmutable(), _anomalies.ToImmutable());
        Reset();
        return reply;
    }
}
