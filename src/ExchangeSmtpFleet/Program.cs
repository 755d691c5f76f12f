using ExchangeSmtpFleet.Cli;
using ExchangeSmtpFleet.Hosting;

// Decided before any socket exists; the rule is documented on ProcessRole.
ProcessRoles.Apply(ProcessRoles.Of(args));

return await EsfleetCli.RunAsync(args, Console.Out, Console.Error, TimeProvider.System).ConfigureAwait(false);
