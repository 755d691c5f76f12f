using ExchangeSmtpFleet.Cli;
using ExchangeSmtpFleet.Smtp.Probing;

// The probing commands hold thousands of short socket dialogues: see SocketEngineTuning. Decided before any socket exists.
if (args.Length > 0 && args[0] is "probe" or "scan")
{
    SocketEngineTuning.PreferInlineCompletions();
}

return await EsfleetCli.RunAsync(args, Console.Out, Console.Error, TimeProvider.System).ConfigureAwait(false);
