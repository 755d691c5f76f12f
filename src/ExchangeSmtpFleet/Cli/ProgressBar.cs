using ExchangeSmtpFleet.Core.Auditing;
using ExchangeSmtpFleet.Core.Knowledge;

namespace ExchangeSmtpFleet.Cli;

/// <summary>
/// A one-line progress bar on a terminal's stderr, redrawn ten times a second by a timer. <see cref="Report"/>
/// only stores the latest figures: it is called on the threads that finish probes, and a terminal that stops
/// reading (Ctrl+S, a stalled SSH session) must not stall the probes, only the bar.
/// </summary>
internal sealed class ProgressBar : IProgress<FleetProgress>, IDisposable
{
    private const int Width = 30;
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);
    private readonly Lock _state = new(); // the figures; never held while writing
    private readonly Lock _output = new(); // the terminal
    private readonly TextWriter _terminal;
    private readonly ITimer _timer;
    private FleetProgress _latest;
    private FleetProgress _drawn;
    private bool _finished;

    public ProgressBar(TextWriter terminal, TimeProvider time)
    {
        _terminal = terminal;
        _timer = time.CreateTimer(_ => Draw(), null, Interval, Interval);
    }

    public void Report(FleetProgress value)
    {
        lock (_state)
        {
            // Outcomes may be reported out of order by concurrent workers: keep the furthest.
            if (value.Completed >= _latest.Completed)
            {
                _latest = value;
            }
        }
    }

    /// <summary>Stops redrawing and clears the line.</summary>
    public void Finish()
    {
        _timer.Dispose();
        lock (_output)
        {
            if (!_finished)
            {
                _finished = true;
                _terminal.Write("\r" + new string(' ', Width + 60) + "\r");
            }
        }
    }

    public void Dispose() => Finish();

    private void Draw()
    {
        FleetProgress value;
        lock (_state)
        {
            if (_latest == _drawn)
            {
                return;
            }

            value = _drawn = _latest;
        }

        var filled = value.Total == 0 ? Width : (int)((long)value.Completed * Width / value.Total);
        var line = $"\r[{new string('#', filled)}{new string('.', Width - filled)}] {value.Completed}/{Plural.Of(value.Total, "host")}, {value.InFlight} in flight, {value.NotHealthy} not healthy ";
        lock (_output)
        {
            if (!_finished)
            {
                _terminal.Write(line);
            }
        }
    }
}
