using ExchangeSmtpFleet.Hosting;
using Microsoft.Extensions.Hosting;

namespace ExchangeSmtpFleet.Cli;

/// <summary>What every command gets from the process: the clock, and how to build the composition root.</summary>
/// <param name="Time">The clock (tests pass a fake one).</param>
/// <param name="SettingsFile">The appsettings file; null for <c>appsettings.json</c> beside the executable.</param>
internal sealed record CliContext(TimeProvider Time, string? SettingsFile = null)
{
    /// <summary>The host for one command, with the command line's settings applied last.</summary>
    /// <exception cref="ConfigurationProblemException">The configuration cannot be read.</exception>
    public IHost BuildHost(IReadOnlyDictionary<string, string?>? overrides = null) =>
        EsfleetHost.Build(Time, overrides ?? new Dictionary<string, string?>(), SettingsFile);
}
