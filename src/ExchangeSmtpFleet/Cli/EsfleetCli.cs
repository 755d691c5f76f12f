using System.CommandLine;
using System.Reflection;
using ExchangeSmtpFleet.Cli.Commands;
using ExchangeSmtpFleet.Core.Auditing;
using ExchangeSmtpFleet.Core.Storage;
using ExchangeSmtpFleet.Hosting;

namespace ExchangeSmtpFleet.Cli;

/// <summary>The <c>esfleet</c> command line: builds the command tree, runs it against given writers, and turns every failure into its line and exit code.</summary>
internal static class EsfleetCli
{
    public static string Version =>
        typeof(EsfleetCli).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";

    public static RootCommand BuildRootCommand(CliContext context) =>
    [
        new ClassifyCommandDefinition(context),
        new InventoryCommandDefinition(context),
        new ProbeCommandDefinition(context),
        new ScanCommandDefinition(context),
        new AuditCommandDefinition(context),
        new SimulateCommandDefinition(context),
        new ReportCommandDefinition(context),
        new ServeCommandDefinition(context),
        new DemoCommandDefinition(context),
        new DashboardCommandDefinition(),
        new RunsCommandDefinition(context),
        new HistoryCommandDefinition(context),
        new LackingCommandDefinition(context),
        new ChangesCommandDefinition(context),
        new DbCommandDefinition(context),
        new CheckCommandDefinition(context),
    ];

    /// <summary>Parses and runs; every failure is a line on <paramref name="error"/> and an exit code, never an unhandled exception.</summary>
    /// <param name="args">The command line.</param>
    /// <param name="output">Standard output.</param>
    /// <param name="error">Standard error.</param>
    /// <param name="time">The clock.</param>
    /// <param name="settingsFile">The appsettings file; null for <c>appsettings.json</c> beside the executable.</param>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, TimeProvider time, string? settingsFile = null)
    {
        ArgumentNullException.ThrowIfNull(error);
        var root = BuildRootCommand(new CliContext(time, settingsFile));
        root.Description = "ExchangeSmtpFleet: audits the SMTP service of Exchange servers by the ESMTP keywords they advertise to EHLO.";
        var parse = root.Parse(args);

        // The default handler would exit with 1, which SPEC 9 reserves for findings.
        // A stop request (Ctrl+C, SIGTERM) cancels the command's token; serve then hands its running batches back, which takes
        // longer than the default grace of 2 s.
        var configuration = new InvocationConfiguration
        {
            Output = output,
            Error = error,
            EnableDefaultExceptionHandler = false,
            ProcessTerminationTimeout = TimeSpan.FromSeconds(60),
        };
        var name = CommandPath(parse);
        if (parse.Action is not System.CommandLine.Help.HelpAction && ParseProblems.Describe(parse) is { Count: > 0 } problems)
        {
            // One line per problem in our words, no help page: a monitoring plugin says UNKNOWN, everything else exits 2.
            foreach (var problem in problems)
            {
                await error.WriteLineAsync(Line(name, problem)).ConfigureAwait(false);
            }

            if (parse.CommandResult.Command is not CheckCommandDefinition)
            {
                return ExitCodes.Error;
            }

            return await CheckCommand.TrySayParseProblemAsync(args, string.Join("; ", problems), output).ConfigureAwait(false) ? CheckCommand.Ok : CheckCommand.Unknown;
        }

        try
        {
            var code = await parse.InvokeAsync(configuration).ConfigureAwait(false);

            // System.CommandLine returns 1 for parse errors; SPEC 9 reserves 1 for findings, and a monitoring plugin says UNKNOWN.
            return parse.Errors.Count == 0 ? code : parse.CommandResult.Command is CheckCommandDefinition ? CheckCommand.Unknown : ExitCodes.Error;
        }
        catch (CommandException e)
        {
            await error.WriteLineAsync(Line(name, e.Message)).ConfigureAwait(false);
            return e.ExitCode;
        }
        catch (Exception e) when (e is StoreException or AuditException)
        {
            await error.WriteLineAsync(Line(name, e.Message)).ConfigureAwait(false);
            return ExitCodes.Error;
        }
        catch (ConfigurationProblemException e)
        {
            foreach (var problem in e.Problems)
            {
                await error.WriteLineAsync(Line("esfleet: configuration", problem)).ConfigureAwait(false);
            }

            return ExitCodes.Error;
        }
        catch (OperationCanceledException)
        {
            await error.WriteLineAsync($"{name}: cancelled").ConfigureAwait(false);
            return ExitCodes.Error;
        }
        catch (Exception e)
        {
            await error.WriteLineAsync($"esfleet: internal error, please report it: {e}").ConfigureAwait(false);
            return ExitCodes.Error;
        }
    }

    /// <summary>"esfleet db migrate": the command that ran, for the first word of its error lines.</summary>
    private static string CommandPath(ParseResult parse)
    {
        var names = new List<string>();
        for (var result = parse.CommandResult; result is not null; result = result.Parent as System.CommandLine.Parsing.CommandResult)
        {
            names.Add(result.Command is RootCommand ? "esfleet" : result.Command.Name);
        }

        names.Reverse();
        return string.Join(' ', names);
    }

    /// <summary>One line, escaped for the terminal: messages may quote a server, a file or a database.</summary>
    private static string Line(string name, string message) => Core.Probing.TranscriptText.ForTerminal($"{name}: {message}");
}
