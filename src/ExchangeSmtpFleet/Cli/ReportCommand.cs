using System.CommandLine;
using ExchangeSmtpFleet.Core.Auditing;
using ExchangeSmtpFleet.Core.Knowledge;
using ExchangeSmtpFleet.Core.Probing;
using ExchangeSmtpFleet.Core.Storage;
using ExchangeSmtpFleet.Hosting;
using ExchangeSmtpFleet.Infrastructure.Mail;
using ExchangeSmtpFleet.Infrastructure.Reporting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ExchangeSmtpFleet.Cli;

/// <summary><c>esfleet report</c>: the Excel workbook of a stored run, written again for any run.</summary>
internal static class ReportCommand
{
    public static Command Create(CliContext context)
    {
        var run = new Option<string>("--run") { Description = "A run id, or latest (the default).", DefaultValueFactory = _ => "latest" };
        var output = new Option<string?>("--out") { Description = "The .xlsx file (default: reports/<run id>.xlsx in ESF_DATA_DIR, ./data)." };
        var lang = new Option<string?>("--lang")
        {
            Description = "en or de (default: Report:Language, en).",
            Validators =
            {
                r =>
                {
                    var value = r.Tokens.Count == 1 ? r.Tokens[0].Value : string.Empty;
                    if (!LanguageCodes.TryParse(value, out _))
                    {
                        r.AddError($"--lang must be en or de, not '{value}'");
                    }
                },
            },
        };
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
            if (parse.GetValue(lang) is { } language)
            {
                overrides[$"{ReportSettings.Section}:{nameof(ReportSettings.Language)}"] = language;
            }

            using var host = context.BuildHost(overrides);
            var store = host.Services.GetRequiredService<IAuditStore>();
            // Validated when the host was built: en or de.
            var reportLanguage = LanguageCodes.TryParse(host.Services.GetRequiredService<ReportSettings>().Language, out var parsed) ? parsed : Language.English;
            var found = await store.FindRunAsync(parse.GetValue(run)!, cancellationToken).ConfigureAwait(false);
            if (found is null)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync(
                    $"esfleet report: no run '{parse.GetValue(run)}' in {store.Description} (esfleet runs lists them)").ConfigureAwait(false);
                return ExitCodes.Error;
            }

            var dataDirectory = host.Services.GetRequiredService<IConfiguration>()[DatabaseSettings.DataDirectoryKey];
            var path = Path.GetFullPath(parse.GetValue(output)
                ?? Path.Combine(string.IsNullOrWhiteSpace(dataDirectory) ? DatabaseSettings.DefaultDataDirectory : dataDirectory, "reports", $"{found.RunId}.xlsx"));
            try
            {
                await ExcelReport.WriteAsync(store, found.RunId, path, reportLanguage, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync($"esfleet report: cannot write {path}: {e.Message}").ConfigureAwait(false);
                return ExitCodes.Error;
            }

            await parse.InvocationConfiguration.Output.WriteLineAsync(path).ConfigureAwait(false);
            return parse.GetValue(email)
                ? await MailAsync(parse, host, store, found, path, reportLanguage, parse.GetValue(resend), cancellationToken).ConfigureAwait(false)
                : ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>Mails the workbook once per run; a failed send exits 2 with the relay's answer and leaves the workbook where it is.</summary>
    private static async Task<int> MailAsync(
        ParseResult parse, IHost host, IAuditStore store, StoredRun found, string path, Language language, bool resend, CancellationToken cancellationToken)
    {
        var error = parse.InvocationConfiguration.Error;
        var settings = host.Services.GetRequiredService<MailSettings>();
        if (!settings.Configured)
        {
            await error.WriteLineAsync(
                $"esfleet report: --email needs {MailSettings.Section}:{nameof(MailSettings.Host)} (appsettings.json or ESF_Mail__Host); the workbook is at {path}").ConfigureAwait(false);
            return ExitCodes.Error;
        }

        if (!resend && await store.MailedAtAsync(found.RunId, cancellationToken).ConfigureAwait(false) is { } mailedAt)
        {
            await error.WriteLineAsync(
                $"esfleet report: run {found.RunId} was mailed at {mailedAt.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z; nothing sent (--resend sends it again)").ConfigureAwait(false);
            return ExitCodes.Ok;
        }

        var options = settings.ToOptions();
        var results = new List<StoredResult>();
        await foreach (var result in store.ReadResultsAsync(found.RunId, cancellationToken).ConfigureAwait(false))
        {
            results.Add(result);
        }

        var changes = await store.ChangesAsync(found.RunId, null, cancellationToken).ConfigureAwait(false);
        var message = ReportMailer.Compose(options, found, results, changes, path, language);
        try
        {
            await ReportMailer.SendAsync(options, message, cancellationToken).ConfigureAwait(false);
        }
        catch (MailException e)
        {
            await error.WriteLineAsync($"esfleet report: not mailed: {TranscriptText.ForTerminal(e.Message)}; the workbook stays at {path}").ConfigureAwait(false);
            return ExitCodes.Error;
        }

        var time = host.Services.GetRequiredService<TimeProvider>();
        await store.RecordMailedAsync(found.RunId, time.GetUtcNow(), string.Join(", ", options.To), cancellationToken).ConfigureAwait(false);
        await error.WriteLineAsync($"esfleet report: mailed to {string.Join(", ", options.To)} via {options.Host}:{options.Port}").ConfigureAwait(false);
        return ExitCodes.Ok;
    }
}
