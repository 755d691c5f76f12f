using ExchangeSmtpFleet.Cli;

return await EsfleetCli.RunAsync(args, Console.Out, Console.Error, TimeProvider.System).ConfigureAwait(false);
