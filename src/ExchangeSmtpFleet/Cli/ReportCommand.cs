using System.CommandLine;
using ExchangeSmtpFleet.Core.Auditing;
using ExchangeSmtpFleet.Core.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace ExchangeSmtpFleet.Cli;

/// <summary><c>esfleet report</c>: the Excel workbook of a stored run, written again for any run.</summary>
internal static class ReportCommand
{
    public static Command Create(CliContext context)
    {
        var run = new Option<string>("--run") { Description = "A run id, or latest (the default).", DefaultValueFactory = _ => "latest" };
        var output = new Option<string?>("--out") { Description = "The .xlsx file (default: reports/<run id>.xlsx in ESF_DATA_DIR, ./data)." };
        var lang = ReportPublisher.LanguageOption();
        var email = new Option<bool>("--email") { Description = "Mail the workbook as configured in Mail:* (once per run)." };
        var resend = new Option<bool>("--resend") { Description = "With --email: mail it although this run's report was mailed before." };
        var db = new StoreOptions();
        var command = new Command("report", "Write the Excel report of a stored run (summary, one sheet per verdict group, remediation), print its path and, with --email, mail it.")
        {
            run, output, lang, email, resend,
        };
        db.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var overrides = db.Overrides(parse);
            ReportPublisher.AddLanguageOverride(parse, lang, overrides);

            using var host = context.BuildHost(overrides);
            var store = host.Services.GetRequiredService<IAuditStore>();
            var reportLanguage = ReportPublisher.LanguageOf(host);
            var found = await store.FindRunAsync(parse.GetValue(run)!, cancellationToken).ConfigureAwait(false);
            if (found is null)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync(
                    $"esfleet report: no run '{parse.GetValue(run)}' in {store.Description} (esfleet runs lists them)").ConfigureAwait(false);
                return ExitCodes.Error;
            }

            var path = ReportPublisher.PathFor(host, found.RunId, parse.GetValue(output), directory: null);
            var error = parse.InvocationConfiguration.Error;
            if (!await ReportPublisher.WriteAsync(store, found.RunId, path, reportLanguage, error, "esfleet report", cancellationToken).ConfigureAwait(false))
            {
                return ExitCodes.Error;
            }

            await parse.InvocationConfiguration.Output.WriteLineAsync(path).ConfigureAwait(false);
            return parse.GetValue(email)
                ? await ReportPublisher.MailAsync(host, found, path, reportLanguage, parse.GetValue(resend), error, "esfleet report", cancellationToken).ConfigureAwait(false)
                : ExitCodes.Ok;
        });
        return command;
    }
}
