using System.CommandLine;
using ExchangeSmtpFleet.Core.Auditing;
using ExchangeSmtpFleet.Core.Classification;
using ExchangeSmtpFleet.Core.Inventory;
using Microsoft.Extensions.DependencyInjection;

namespace ExchangeSmtpFleet.Cli;

/// <summary><c>esfleet probe HOST[:PORT]</c>: one host, live transcript, verdict, causes and remediation.</summary>
internal static class ProbeCommand
{
    public static Command Create(CliContext context)
    {
        var target = new Argument<string>("HOST[:PORT]") { Description = "DNS name or IP address, optionally with a port (default 25); IPv6 as [addr]:port." };
        var json = new Option<bool>("--json") { Description = "Print the result as one JSON object instead of the transcript and advice." };
        var profile = CommonOptions.Profile();
        var lang = CommonOptions.Language();
        var name = new Option<string?>("--name") { Description = "Expected server name, compared with the banner." };
        var probeOptions = new ProbeCliOptions();
        var command = new Command("probe", "Probe one host: live transcript, verdict, causes and remediation.") { target, json, profile, lang, name };
        probeOptions.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            if (!HostPort.TryParse(parse.GetValue(target)!, out var host, out var port, out var problem))
            {
                await error.WriteLineAsync($"esfleet probe: {problem}").ConfigureAwait(false);
                return ExitCodes.Error;
            }

            var overrides = new Dictionary<string, string?>();
            probeOptions.AddOverrides(parse, overrides);
            using var services = context.BuildHost(overrides);
            var audit = services.Services.GetRequiredService<AuditService>();

            var asJson = parse.GetValue(json);
            Action<Core.Probing.TranscriptLine>? live = asJson ? null : line => output.WriteLine($"  {line}");
            if (!asJson)
            {
                await output.WriteLineAsync($"Probing {host}:{port}").ConfigureAwait(false);
            }

            var inventoryHost = new InventoryHost { LineNumber = 0, Host = host, Port = port, Profile = parse.GetValue(profile)!, Name = parse.GetValue(name) };
            var outcome = await audit.ProbeHostAsync(inventoryHost, live, cancellationToken).ConfigureAwait(false);
            if (asJson)
            {
                await output.WriteLineAsync(ResultJson.ToLine(outcome.Classification, outcome.Probe)).ConfigureAwait(false);
            }
            else
            {
                await output.WriteLineAsync().ConfigureAwait(false);
                ResultRenderer.Write(output, $"{host}:{port}", outcome.Classification, CommonOptions.LanguageOf(parse, lang));
            }

            return outcome.Classification.Verdict == Verdict.Healthy ? ExitCodes.Ok : ExitCodes.Findings;
        });
        return command;
    }
}
