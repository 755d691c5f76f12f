using System.CommandLine;
using System.Globalization;
using ExchangeSmtpFleet.Core.Probing;
using ExchangeSmtpFleet.Hosting;

namespace ExchangeSmtpFleet.Cli;

/// <summary>The probe options shared by <c>probe</c> and <c>scan</c>; each given one overrides the <c>Probe</c> settings.</summary>
internal sealed class ProbeCliOptions
{
    private static readonly ProbeOptions Defaults = new();

    public Option<double?> Timeout { get; } = NumberOptions.Seconds("--timeout", $"Seconds to wait for the greeting and for each reply. Default {Seconds(Defaults.ReplyTimeout)}.");

    public Option<double?> ConnectTimeout { get; } = NumberOptions.Seconds("--connect-timeout", $"Seconds for name resolution and each TCP connect. Default {Seconds(Defaults.ConnectTimeout)}.");

    public Option<double?> Deadline { get; } = NumberOptions.Seconds("--deadline", $"Seconds one host may take in all, retries included. Default {Seconds(Defaults.HostDeadline)}.");

    public Option<int?> Retries { get; } = NumberOptions.Integer("--retries", $"Extra connect attempts after a refused or timed-out connect (0-5). Default {Defaults.ConnectRetries}.", 0, 5);

    public Option<bool> NoTls { get; } = new("--no-tls") { Description = "Do not upgrade with STARTTLS when it is advertised." };

    public Option<string?> EhloName { get; } = new("--ehlo-name")
    {
        Description = "Name sent with EHLO/HELO (default: this machine's name).",
        Validators =
        {
            r =>
            {
                var value = r.Tokens.Count == 1 ? r.Tokens[0].Value : string.Empty;
                if (value.Length == 0 || value.Any(c => c <= ' ' || c > '~'))
                {
                    r.AddError($"--ehlo-name must be a domain or address literal without spaces or control characters, not '{TranscriptText.Escape(value)}'");
                }
            },
        },
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

    /// <summary>The settings these options override, as configuration keys.</summary>
    public void AddOverrides(ParseResult parse, IDictionary<string, string?> overrides)
    {
        static string Key(string name) => $"{ProbeSettings.Section}:{name}";
        if (parse.GetValue(Timeout) is { } timeout)
        {
            overrides[Key(nameof(ProbeSettings.GreetingTimeoutSeconds))] = Invariant(timeout);
            overrides[Key(nameof(ProbeSettings.ReplyTimeoutSeconds))] = Invariant(timeout);
        }

        if (parse.GetValue(ConnectTimeout) is { } connect)
        {
            overrides[Key(nameof(ProbeSettings.ConnectTimeoutSeconds))] = Invariant(connect);
        }

        if (parse.GetValue(Deadline) is { } deadline)
        {
            overrides[Key(nameof(ProbeSettings.HostDeadlineSeconds))] = Invariant(deadline);
        }

        if (parse.GetValue(Retries) is { } retries)
        {
            overrides[Key(nameof(ProbeSettings.Retries))] = retries.ToString(CultureInfo.InvariantCulture);
        }

        if (parse.GetValue(NoTls))
        {
            overrides[Key(nameof(ProbeSettings.StartTls))] = "false";
        }

        if (parse.GetValue(EhloName) is { } ehloName)
        {
            overrides[Key(nameof(ProbeSettings.EhloName))] = ehloName;
        }
    }

    private static string Invariant(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static string Seconds(TimeSpan value) => value.TotalSeconds.ToString(CultureInfo.InvariantCulture);
}
