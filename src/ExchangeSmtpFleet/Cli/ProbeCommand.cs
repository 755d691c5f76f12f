using System.CommandLine;
using ExchangeSmtpFleet.Core.Classification;
using ExchangeSmtpFleet.Core.Profiles;
using ExchangeSmtpFleet.Smtp.Probing;

namespace ExchangeSmtpFleet.Cli;

/// <summary><c>esfleet probe HOST[:PORT]</c>: one host, live transcript, verdict, causes and remediation.</summary>
internal static class ProbeCommand
{
    public static Command Create(TimeProvider time)
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

            if (probeOptions.TryGetProbeOptions(parse, error, "probe") is not { } options)
            {
                return ExitCodes.Error;
            }

            var asJson = parse.GetValue(json);
            Action<TranscriptLine>? live = asJson ? null : line => output.WriteLine($"  {line}");
            if (!asJson)
            {
                await output.WriteLineAsync($"Probing {host}:{port}").ConfigureAwait(false);
            }

            var probe = await new SmtpProber(options, time).ProbeAsync(host, port, live, cancellationToken).ConfigureAwait(false);
            var context = new ClassificationContext(parse.GetValue(profile)!, [], parse.GetValue(name), time.GetUtcNow());
            var result = new Classifier(ProfileCatalog.BuiltIn).Classify(probe.Observation, context);
            if (asJson)
            {
                await output.WriteLineAsync(ResultJson.ToLine(result, probe)).ConfigureAwait(false);
            }
            else
            {
                await output.WriteLineAsync().ConfigureAwait(false);
                ResultRenderer.Write(output, $"{host}:{port}", result, CommonOptions.LanguageOf(parse, lang));
            }

            return result.Verdict == Verdict.Healthy ? ExitCodes.Ok : ExitCodes.Findings;
        });
        return command;
    }
}
