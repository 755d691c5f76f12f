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

/// <summary>Writes a stored run's workbook and mails it: what <c>esfleet report</c> and <c>esfleet audit</c> share.</summary>
internal static class ReportPublisher
{
    /// <summary><c>--lang en|de</c>, checked when the command line is parsed.</summary>
    public static Option<string?> LanguageOption() => new("--lang")
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

    /// <summary>The report's language: <c>Report:Language</c> (validated when the host was built), after <c>--lang</c>.</summary>
    public static Language LanguageOf(IHost host) =>
        LanguageCodes.TryParse(host.Services.GetRequiredService<ReportSettings>().Language, out var parsed) ? parsed : Language.English;

    /// <summary>The workbook's path: <paramref name="file"/>, else <c>&lt;run id&gt;.xlsx</c> in <paramref name="directory"/>, else in <c>reports</c> of the data folder.</summary>
    public static string PathFor(IHost host, string runId, string? file, string? directory)
    {
        if (file is not null)
        {
            return Path.GetFullPath(file);
        }

        if (directory is null)
        {
            var dataDirectory = host.Services.GetRequiredService<IConfiguration>()[DatabaseSettings.DataDirectoryKey];
            directory = Path.Combine(string.IsNullOrWhiteSpace(dataDirectory) ? DatabaseSettings.DefaultDataDirectory : dataDirectory, "reports");
        }

        return Path.GetFullPath(Path.Combine(directory, $"{runId}.xlsx"));
    }

    /// <summary>Writes the workbook; false (with one line on <paramref name="error"/>) when the file cannot be written.</summary>
    public static async Task<bool> WriteAsync(IAuditStore store, string runId, string path, Language language, TextWriter error, string name, CancellationToken cancellationToken)
    {
        try
        {
            await ExcelReport.WriteAsync(store, runId, path, language, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            await error.WriteLineAsync($"{name}: cannot write {path}: {e.Message}").ConfigureAwait(false);
            return false;
        }
    }

    /// <summary>Mails the workbook once per run; a failed send exits 2 with the relay's answer and leaves the workbook where it is.</summary>
    public static async Task<int> MailAsync(
        IHost host, IAuditStore store, StoredRun run, string path, Language language, bool resend, TextWriter error, string name, CancellationToken cancellationToken)
    {
        var settings = host.Services.GetRequiredService<MailSettings>();
        if (!settings.Configured)
        {
            await error.WriteLineAsync(
                $"{name}: --email needs {MailSettings.Section}:{nameof(MailSettings.Host)} (appsettings.json or ESF_Mail__Host); the workbook is at {path}").ConfigureAwait(false);
            return ExitCodes.Error;
        }

        if (!resend && await store.MailedAtAsync(run.RunId, cancellationToken).ConfigureAwait(false) is { } mailedAt)
        {
            await error.WriteLineAsync(
                $"{name}: run {run.RunId} was mailed at {mailedAt.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z; nothing sent (--resend sends it again)").ConfigureAwait(false);
            return ExitCodes.Ok;
        }

        var options = settings.ToOptions();
        var results = new List<StoredResult>();
        await foreach (var result in store.ReadResultsAsync(run.RunId, cancellationToken).ConfigureAwait(false))
        {
            results.Add(result);
        }

        var changes = await store.ChangesAsync(run.RunId, null, cancellationToken).ConfigureAwait(false);
        var message = ReportMailer.Compose(options, run, results, changes, path, language);
        try
        {
            await ReportMailer.SendAsync(options, message, cancellationToken).ConfigureAwait(false);
        }
        catch (MailException e)
        {
            await error.WriteLineAsync($"{name}: not mailed: {TranscriptText.ForTerminal(e.Message)}; the workbook stays at {path}").ConfigureAwait(false);
            return ExitCodes.Error;
        }

        var time = host.Services.GetRequiredService<TimeProvider>();
        await store.RecordMailedAsync(run.RunId, time.GetUtcNow(), string.Join(", ", options.To), cancellationToken).ConfigureAwait(false);
        await error.WriteLineAsync($"{name}: mailed to {string.Join(", ", options.To)} via {options.Host}:{options.Port}").ConfigureAwait(false);
        return ExitCodes.Ok;
    }
}
