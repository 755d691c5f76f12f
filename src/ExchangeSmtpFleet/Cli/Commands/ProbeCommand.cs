using System.CommandLine;
using System.Globalization;
using ExchangeSmtpFleet.Core.Auditing;
using ExchangeSmtpFleet.Core.Classification;
using ExchangeSmtpFleet.Core.Inventory;
using ExchangeSmtpFleet.Core.Knowledge;
using ExchangeSmtpFleet.Core.Probing;
using Microsoft.Extensions.DependencyInjection;

namespace ExchangeSmtpFleet.Cli.Commands;

/// <summary><c>esfleet probe</c>: one host, live transcript, verdict, causes and remediation.</summary>
internal sealed class ProbeCommand(ProbeCommandDefinition definition, ParseResult parse, CliContext context)
{
    public async Task<int> ExecuteAsync(CancellationToken cancellationToken)
    {
        var output = parse.InvocationConfiguration.Output;
        if (!HostPort.TryParse(parse.GetValue(definition.Target)!, out var host, out var port, out var problem))
        {
            throw new CommandException(problem!);
        }

        var overrides = new Dictionary<string, string?>();
        definition.Probe.AddOverrides(parse, overrides);
        using var services = context.BuildHost(overrides);
        var workflow = services.Services.GetRequiredService<AuditWorkflow>();

        var asJson = parse.GetValue(definition.Json);
        var language = CommonOptions.LanguageOf(parse, definition.Language);
        var knowledge = KnowledgeBase.BuiltIn;
        Action<TranscriptLine>? live = asJson ? null : line => output.WriteLine($"  {Live(line, knowledge, language)}");
        if (!asJson)
        {
            await output.WriteLineAsync(string.Format(CultureInfo.InvariantCulture, knowledge.LabelText(Label.ProbeHeading, language), TranscriptText.Escape($"{host}:{port}")))
                .ConfigureAwait(false);
        }

        var inventoryHost = new InventoryHost { LineNumber = 0, Host = host, Port = port, Profile = parse.GetValue(definition.Profile)!, Name = parse.GetValue(definition.Name) };
        var outcome = await workflow.CheckHostAsync(inventoryHost, live, cancellationToken).ConfigureAwait(false);
        if (asJson)
        {
            await output.WriteLineAsync(ResultJson.ToLine(outcome.Classification, outcome.Probe)).ConfigureAwait(false);
        }
        else
        {
            await output.WriteLineAsync().ConfigureAwait(false);
            ResultRenderer.Write(output, $"{host}:{port}", outcome.Classification, language);
        }

        return outcome.Classification.Verdict == Verdict.Healthy ? ExitCodes.Ok : ExitCodes.Findings;
    }

    /// <summary>A line of the live transcript: the dialogue as it went, the probe's own notes in the reader's language.</summary>
    private static string Live(TranscriptLine line, KnowledgeBase knowledge, Language language) =>
        line.Note is { } note ? $"*  {knowledge.NoteText(note, language)}" : line.ToString();
}
