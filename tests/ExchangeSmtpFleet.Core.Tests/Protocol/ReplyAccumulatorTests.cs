using ExchangeSmtpFleet.Core.Protocol;

namespace ExchangeSmtpFleet.Core.Tests.Protocol;

public sealed class ReplyAccumulatorTests
{
    [Fact]
    public void Add_MultiLineReply_CompletesOnFinalLine()
    {
        var accumulator = new ReplyAccumulator();

        Assert.False(accumulator.Add("250-first").IsComplete);
        Assert.False(accumulator.Add("250-second").IsComplete);
        var step = accumulator.Add("250 last");

        Assert.True(step.IsComplete);
        Assert.Equal(250, step.Reply!.Value.Code);
        Assert.Equal(["first", "second", "last"], step.Reply.Value.Lines);
        Assert.Empty(step.Reply.Value.Anomalies);
    }

    [Fact]
    public void Add_LineWithDifferentCode_KeepsLineAndRecordsAnomaly()
    {
        // The seed document shows 240-X-EXPS=LOGIN inside a 250 reply (RFC 5321 4.2.1 says codes MUST match).
        var reply = ObservationBuilder.Reply("250-mail1 Hello", "240-X-EXPS=LOGIN", "250 OK");

        Assert.Equal(250, reply.Code);
        Assert.Equal(3, reply.Lines.Length);
        var anomaly = Assert.Single(reply.Anomalies);
        Assert.Equal(ReplyAnomalyKind.CodeMismatch, anomaly.Kind);
        Assert.Equal(1, anomaly.LineIndex);
    }

    [Theory]
    [InlineData("250")]
    [InlineData("250 ")]
    public void Add_FinalLineWithoutText_Completes(string last)
    {
        var accumulator = new ReplyAccumulator();
        accumulator.Add("250-host");

        var step = accumulator.Add(last);

        Assert.True(step.IsComplete);
        Assert.Equal(string.Empty, step.Reply!.Value.Lines[1]);
    }

    [Fact]
    public void Add_MissingSeparator_IsFinalWithAnomaly()
    {
        var step = new ReplyAccumulator().Add("250OK");

        Assert.True(step.IsComplete);
        Assert.Equal("OK", step.Reply!.Value.Lines[0]);
        Assert.Equal(ReplyAnomalyKind.MissingSeparator, Assert.Single(step.Reply.Value.Anomalies).Kind);
    }

    [Theory]
    [InlineData("HTTP/1.1 400 Bad Request")]
    [InlineData("SSH-2.0-OpenSSH_9.2")]
    [InlineData("")]
    [InlineData("25")]
    [InlineData("2500 wide")]
    [InlineData("650 out of range")]
    [InlineData("160 out of range")]
    public void Add_NotAReplyLine_FailsAsNotSmtp(string line)
    {
        var step = new ReplyAccumulator().Add(line);

        Assert.Equal(ReplyError.NotSmtp, step.Error);
    }

    [Fact]
    public void Add_LineLongerThanLimit_FailsAsLineTooLong()
    {
        var accumulator = new ReplyAccumulator(new ReplyLimits(MaxLineLength: 100));

        var step = accumulator.Add("250-" + new string('A', 97));

        Assert.Equal(ReplyError.LineTooLong, step.Error);
    }

    [Fact]
    public void Add_MoreLinesThanLimit_FailsAsReplyTooLong()
    {
        var accumulator = new ReplyAccumulator(new ReplyLimits(MaxLinesPerReply: 5));
        ReplyStep step = default;
        for (var i = 0; i < 5; i++)
        {
            step = accumulator.Add("250-X" + i);
        }

        Assert.Equal(ReplyError.ReplyTooLong, step.Error);
        Assert.Equal(5, accumulator.Count);
    }

    [Fact]
    public void CompleteTruncated_AfterContinuationLines_ReturnsReplyMarkedTruncated()
    {
        var accumulator = new ReplyAccumulator();
        accumulator.Add("250-host Hello");
        accumulator.Add("250-PIPELINING");

        var reply = accumulator.CompleteTruncated();

        Assert.NotNull(reply);
        Assert.Contains(reply.Value.Anomalies, a => a.Kind == ReplyAnomalyKind.Truncated);
    }

    [Fact]
    public void ToWireLines_RoundTripsTheReply()
    {
        var reply = ObservationBuilder.Reply("250-a", "250-b", "250 c");

        Assert.Equal(["250-a", "250-b", "250 c"], reply.ToWireLines());
    }

    [Fact]
    public void Add_FinalLineWithAnotherCode_DecidesTheReplyCode()
    {
        var accumulator = new ReplyAccumulator();
        accumulator.Add("250-mail1 Hello");
        accumulator.Add("250-SIZE");

        var step = accumulator.Add("421 4.3.2 Service shutting down");

        Assert.Equal(421, step.Reply!.Value.Code);
        Assert.True(step.Reply.Value.IsNegative);
        Assert.Contains(step.Reply.Value.Anomalies, a => a.Kind == ReplyAnomalyKind.CodeMismatch);
    }
}
