using ExchangeSmtpFleet.Smtp.Fleet;

namespace ExchangeSmtpFleet.Cli;

/// <summary>A one-line progress bar on a terminal's stderr, redrawn at most ten times a second.</summary>
internal sealed class ProgressBar(TextWriter terminal, TimeProvider time) : IProgress<FleetProgress>
{
    private const int Width = 30;
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);
    private readonly Lock _lock = new();
    private long _lastDraw;

    public void Report(FleetProgress value)
    {
        lock (_lock)
        {
            var now = time.GetTimestamp();
            if (value.Completed < value.Total && _lastDraw != 0 && time.GetElapsedTime(_lastDraw, now) < Interval)
            {
                return;
            }

            _lastDraw = now;
            var filled = value.Total == 0 ? Width : (int)((long)value.Completed * Width / value.Total);
            terminal.Write($"\r[{new string('#', filled)}{new string('.', Width - filled)}] {value.Completed}/{value.Total} hosts, {value.InFlight} in flight, {value.NotHealthy} not healthy ");
        }
    }

    public void Finish()
    {
        lock (_lock)
        {
            terminal.Write("\r" + new string(' ', Width + 60) + "\r");
        }
    }
}
