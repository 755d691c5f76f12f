using System.CommandLine;
using System.Reflection;
using ExchangeSmtpFleet.Core.Auditing;
using ExchangeSmtpFleet.Core.Storage;
using ExchangeSmtpFleet.Hosting;

namespace ExchangeSmtpFleet.Cli;

/// <summary>The <c>esfleet</c> command line: builds the command tree and runs it against given writers.</summary>
internal static class EsfleetCli
{
    public static RootCommand BuildRootCommand(CliContext context)
    {
        var root = new RootCommand(
            "ExchangeSmtpFleet: audits the SMTP service of Exchange servers by the ESMTP keywords they advertise to EHLO.");
        root.Subcommands.Add(ClassifyCommand.Create(context));
        root.Subcommands.Add(InventoryCommand.Create(context));
        root.Subcommands.Add(ProbeCommand.Create(context));
        root.Subcommands.Add(ScanCommand.Create(context));
        root.Subcommands.Add(ScanCommand.CreateAudit(context));
        root.Subcommands.Add(SimulateCommand.Create(context));
        root.Subcommands.Add(ReportCommand.Create(context));
        root.Subcommands.Add(ServeCommand.Create(context));
        root.Subcommands.Add(DemoCommand.Create(context));
        root.Subcommands.Add(DashboardCommand.Create(context));
        foreach (var command in HistoryCommands.Create(context))
        {
            root.Subcommands.Add(command);
        }
        return root;
    }

    /// <summary>Parses and runs; every failure is an exit code, never an unhandled exception.</summary>
    /// <param name="args">The command line.</param>
    /// <param name="output">Standard output.</param>
    /// <param name="error">Standard error.</param>
    /// <param name="time">The clock.</param>
    /// <param name="settingsFile">The appsettings file; null for <c>appsettings.json</c> beside the executable.</param>
    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, TimeProvider time, string? settingsFile = null)
    {
        var root = BuildRootCommand(new CliContext(time, settingsFile));
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
        int code;
        try
        {
            code = await parse.InvokeAsync(configuration).ConfigureAwait(false);
        }
        catch (StoreException e)
        {
            await error.WriteLineAsync($"esfleet: {e.Message}").ConfigureAwait(false);
            return ExitCodes.Error;
        }
        catch (ConfigurationProblemException e)
        {
            await error.WriteLineAsync($"esfleet: configuration: {e.Message}").ConfigureAwait(false);
            return ExitCodes.Error;
        }
        catch (OperationCanceledException)
        {
            await error.WriteLineAsync("esfleet: cancelled").ConfigureAwait(false);
            return ExitCodes.Error;
        }
        catch (Exception e)
        {
            await error.WriteLineAsync($"esfleet: internal error, please report it: {e}").ConfigureAwait(false);
            return ExitCodes.Error;
        }

        // System.CommandLine returns 1 for parse errors; SPEC 9 reserves 1 for findings.
        return parse.Errors.Count > 0 ? ExitCodes.Error : code;
    }

    public static string Version =>
        typeof(EsfleetCli).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
}
