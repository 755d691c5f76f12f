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

    /// <summary>Puts the value of <c>--lang</c>, when given, over <c>Report:Language</c>.</summary>
    public static void AddLanguageOverride(ParseResult parse, Option<string?> lang, Dictionary<string, string?> overrides)
    {
        if (parse.GetValue(lang) is { } language)
        {
            overrides[$"{ReportSettings.Section}:{nameof(ReportSettings.Language)}"] = language;
        }
    }

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
            directory = DatabaseSettings.ReportsDirectory(host.Services.GetRequiredService<IConfiguration>());
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
        IHost host, StoredRun run, string path, Language language, bool resend, TextWriter error, string name, CancellationToken cancellationToken)
    {
        var outcome = await host.Services.GetRequiredService<RunMailer>().MailOnceAsync(run, path, language, resend, cancellationToken).ConfigureAwait(false);
        var (line, code) = outcome.Kind switch
        {
            MailOutcomeKind.Sent => ($"mailed to {outcome.Detail}", ExitCodes.Ok),
            MailOutcomeKind.AlreadyMailed => ($"run {run.RunId} was mailed at {outcome.At!.Value.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z; nothing sent (--resend sends it again)", ExitCodes.Ok),
            MailOutcomeKind.NotConfigured => ($"--email needs {MailSettings.Section}:{nameof(MailSettings.Host)} (appsettings.json or ESF_Mail__Host); the workbook is at {path}", ExitCodes.Error),
            _ => ($"not mailed: {TranscriptText.ForTerminal(outcome.Detail)}; the workbook stays at {path}", ExitCodes.Error),
        };
        await error.WriteLineAsync($"{name}: {line}").ConfigureAwait(false);
        return code;
    }
}
