using System.CommandLine;
using ExchangeSmtpFleet.Core.Knowledge;
using ExchangeSmtpFleet.Simulator;

namespace ExchangeSmtpFleet.Cli.Commands;

/// <summary><c>esfleet simulate</c>: a simulated SMTP fleet on 127.0.0.0/8 until Ctrl+C.</summary>
internal sealed class SimulateCommand(SimulateCommandDefinition definition, ParseResult parse, CliContext context)
{
    private const int ListLimit = 60;

    public async Task<int> ExecuteAsync(CancellationToken cancellationToken)
    {
        var output = parse.InvocationConfiguration.Output;
        var path = parse.GetValue(definition.Fleet)!.FullName;
        await using var simulator = await StartAsync(path, context.Time).ConfigureAwait(false);
        var endpoints = simulator.Endpoints;
        foreach (var endpoint in endpoints.Take(ListLimit))
        {
            await output.WriteLineAsync($"  {endpoint.EndPoint,-24} {SimulatedFaultNames.NameOf(endpoint.Fault),-22} {endpoint.Definition.Name ?? endpoint.Definition.Transcript}")
                .ConfigureAwait(false);
        }

        if (endpoints.Count > ListLimit)
        {
            await output.WriteLineAsync($"  ... and {endpoints.Count - ListLimit} more").ConfigureAwait(false);
        }

        var refusing = endpoints.Count(e => e.Fault == SimulatedFault.Refuse);
        await output.WriteLineAsync($"ready: {endpoints.Count} simulated hosts ({endpoints.Count - refusing} listening, {refusing} refusing) from {path}; Ctrl+C stops")
            .ConfigureAwait(false);
        await output.FlushAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Ctrl+C or SIGTERM: stop cleanly.
        }

        var stats = simulator.Statistics;
        await output.WriteLineAsync($"stopped after {Plural.Of(stats.Sessions, "session")} (at most {stats.MaxConcurrentSessions} at once)").ConfigureAwait(false);
        return ExitCodes.Ok;
    }

    /// <summary>Starts the simulated fleet of a definition file (what <c>simulate</c>, <c>scan --simulate</c> and <c>demo</c> share).</summary>
    /// <exception cref="CommandException">The file cannot be read or describes no fleet.</exception>
    public static async Task<SmtpSimulator> StartAsync(string path, TimeProvider time)
    {
        try
        {
            return await SmtpSimulator.StartAsync(FleetDefinition.Load(path), time).ConfigureAwait(false);
        }
        catch (FleetDefinitionException e)
        {
            throw new CommandException(e.Message, e);
        }
    }
}
