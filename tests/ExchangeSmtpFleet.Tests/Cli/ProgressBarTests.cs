using ExchangeSmtpFleet.Cli;
using ExchangeSmtpFleet.Core.Auditing;

namespace ExchangeSmtpFleet.Tests.Cli;

public sealed class ProgressBarTests
{
    [Fact]
    public void Report_NeverWritesOnTheReportingThread_TheTimerDrawsTheLatest()
    {
        var terminal = new StringWriter();
        var time = new ManualTimers();
        using var bar = new ProgressBar(terminal, time);

        bar.Report(new FleetProgress(1, 10, 3, 0));
        bar.Report(new FleetProgress(4, 10, 3, 1));
        bar.Report(new FleetProgress(3, 10, 3, 1)); // a slower worker reporting late
        Assert.Equal(string.Empty, terminal.ToString());

        time.Fire();
        Assert.Contains("4/10 hosts, 3 in flight, 1 not healthy", terminal.ToString(), StringComparison.Ordinal);
        Assert.Contains("[############..................]", terminal.ToString(), StringComparison.Ordinal);

        var length = terminal.ToString().Length;
        time.Fire();
        Assert.Equal(length, terminal.ToString().Length); // nothing new, nothing redrawn
    }

    [Fact]
    public void Finish_ClearsTheLineAndStopsDrawing()
    {
        var terminal = new StringWriter();
        var time = new ManualTimers();
        var bar = new ProgressBar(terminal, time);
        bar.Report(new FleetProgress(5, 10, 1, 0));

        bar.Finish();
        var cleared = terminal.ToString();
        bar.Report(new FleetProgress(10, 10, 0, 0));
        time.Fire();
        bar.Dispose();

        Assert.EndsWith("\r", cleared, StringComparison.Ordinal);
        Assert.Equal(cleared, terminal.ToString());
        Assert.DoesNotContain("10/10", terminal.ToString(), StringComparison.Ordinal);
    }

    /// <summary>Timers that fire only when the test says so.</summary>
    private sealed class ManualTimers : TimeProvider
    {
        private readonly List<(TimerCallback Callback, object? State)> _timers = [];

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            _timers.Add((callback, state));
            return new NoTimer();
        }

        public void Fire()
        {
            foreach (var (callback, state) in _timers)
            {
                callback(state);
            }
        }

        private sealed class NoTimer : ITimer
        {
            public bool Change(TimeSpan dueTime, TimeSpan period) => true;

            public void Dispose()
            {
            }

            public ValueTask DisposeAsync() => ValueTask.CompletedTask;
        }
    }
}
