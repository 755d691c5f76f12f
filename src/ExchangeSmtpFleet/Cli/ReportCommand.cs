using System.CommandLine;
using ExchangeSmtpFleet.Core.Auditing;
using ExchangeSmtpFleet.Core.Knowledge;
using ExchangeSmtpFleet.Core.Storage;
using ExchangeSmtpFleet.Hosting;
using ExchangeSmtpFleet.Infrastructure.Reporting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

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
        var db = new StoreOptions();
        var command = new Command("report", "Write the Excel report of a stored run (summary, one sheet per verdict group, remediation) and print its path.")
        {
            run, output, lang,
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
            return ExitCodes.Ok;
        });
        return command;
    }
}
