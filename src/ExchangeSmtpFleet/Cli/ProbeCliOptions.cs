using System.CommandLine;
using System.Globalization;
using ExchangeSmtpFleet.Smtp.Probing;

namespace ExchangeSmtpFleet.Cli;

/// <summary>The probe options shared by <c>probe</c> and <c>scan</c>.</summary>
internal sealed class ProbeCliOptions
{
    private static readonly ProbeOptions Defaults = new();

    public Option<double> Timeout { get; } = Seconds("--timeout", "Seconds to wait for the greeting and for each reply.", Defaults.ReplyTimeout);

    public Option<double> ConnectTimeout { get; } = Seconds("--connect-timeout", "Seconds for name resolution and each TCP connect.", Defaults.ConnectTimeout);

    public Option<double> Deadline { get; } = Seconds("--deadline", "Seconds one host may take in all, retries included.", Defaults.HostDeadline);

    public Option<int> Retries { get; } = new("--retries")
    {
        Description = "Extra connect attempts after a refused or timed-out connect (0-5).",
        DefaultValueFactory = _ => Defaults.ConnectRetries,
        Validators = { r => { if (r.GetValueOrDefault<int>() is < 0 or > 5) { r.AddError("--retries must be 0-5"); } } },
    };

    public Option<bool> NoTls { get; } = new("--no-tls") { Description = "Do not upgrade with STARTTLS when it is advertised." };

    public Option<string> EhloName { get; } = new("--ehlo-name")
    {
        Description = $"Name sent with EHLO/HELO (default: this machine's name, '{Defaults.EhloName}').",
        DefaultValueFactory = _ => Defaults.EhloName,
    };

    public void AddTo(Command command)
    {
        command.Options.Add(Timeout);
        command.Options.Add(ConnectTimeout);
        command.Options.Add(Deadline);
        command.Options.Add(Retries);
        command.Options.Add(NoTls);
        command.Options.Add(EhloName);
    }

    /// <summary>Builds the probe options; a value out of range is written to <paramref name="error"/> for <paramref name="command"/>.</summary>
    /// <returns>The options, or null after reporting the problem.</returns>
    public ProbeOptions? TryGetProbeOptions(ParseResult parse, TextWriter error, string command)
    {
        try
        {
            return ToProbeOptions(parse);
        }
        catch (ArgumentException e)
        {
            error.WriteLine($"esfleet {command}: {e.Message}");
            return null;
        }
    }

    /// <exception cref="ArgumentException">A value is out of range; the message names it.</exception>
    public ProbeOptions ToProbeOptions(ParseResult parse)
    {
        var timeout = TimeSpan.FromSeconds(parse.GetValue(Timeout));
        var deadline = TimeSpan.FromSeconds(parse.GetValue(Deadline));
        return new ProbeOptions
        {
            GreetingTimeout = timeout,
            ReplyTimeout = timeout,
            ConnectTimeout = TimeSpan.FromSeconds(parse.GetValue(ConnectTimeout)),
            HostDeadline = deadline,
            ConnectRetries = parse.GetValue(Retries),
            StartTls = !parse.GetValue(NoTls),
            EhloName = parse.GetValue(EhloName)!,
        }.Validated();
    }

    private static Option<double> Seconds(string name, string description, TimeSpan defaultValue) => new(name)
    {
        Description = $"{description} Default {defaultValue.TotalSeconds.ToString(CultureInfo.InvariantCulture)}.",
        DefaultValueFactory = _ => defaultValue.TotalSeconds,
        Validators =
        {
            r =>
            {
                var value = r.GetValueOrDefault<double>();
                if (!(value > 0 && value <= 3600))
                {
                    r.AddError($"{name} must be more than 0 and at most 3600 seconds, not {value.ToString(CultureInfo.InvariantCulture)}");
                }
            },
        },
    };
}
