using System.CommandLine;
using ExchangeSmtpFleet.Core.Auditing;
using ExchangeSmtpFleet.Simulator;

namespace ExchangeSmtpFleet.Cli;

/// <summary><c>esfleet simulate --fleet F</c>: a simulated SMTP fleet on 127.0.0.0/8 until Ctrl+C.</summary>
internal static class SimulateCommand
{
    private const int ListLimit = 60;

    public static Command Create(CliContext context)
    {
        var fleet = new Option<FileInfo>("--fleet", "-f") { Description = "The fleet JSON file (see samples/lab-fleet.json).", Required = true };
        var command = new Command("simulate", "Run a simulated fleet on loopback addresses for demos, tests and benchmarks; stops on Ctrl+C.") { fleet };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            var path = parse.GetValue(fleet)!.FullName;
            SmtpSimulator simulator;
            try
            {
                simulator = await SmtpSimulator.StartAsync(FleetDefinition.Load(path), context.Time).ConfigureAwait(false);
            }
            catch (FleetDefinitionException e)
            {
                await error.WriteLineAsync($"esfleet simulate: {e.Message}").ConfigureAwait(false);
                return ExitCodes.Error;
            }

            await using (simulator.ConfigureAwait(false))
            {
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
                await output.WriteLineAsync($"stopped after {stats.Sessions} sessions (at most {stats.MaxConcurrentSessions} at once)").ConfigureAwait(false);
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
