using System.CommandLine;
using System.Text;
using ExchangeSmtpFleet.Core.Classification;
using ExchangeSmtpFleet.Core.Probing;
using ExchangeSmtpFleet.Core.Transcripts;
using ExchangeSmtpFleet.Infrastructure.Files;
using Microsoft.Extensions.DependencyInjection;

namespace ExchangeSmtpFleet.Cli.Commands;

/// <summary><c>esfleet classify</c>: diagnoses pasted telnet transcripts offline, file by file; a bad file is one line and the others go on.</summary>
internal sealed class ClassifyCommand(ClassifyCommandDefinition definition, ParseResult parse, CliContext context)
{
    /// <summary>Pasted transcripts are small; a larger file is not a transcript.</summary>
    private const long MaxTranscriptBytes = 4 * 1024 * 1024;

    public async Task<int> ExecuteAsync(CancellationToken cancellationToken)
    {
        var output = parse.InvocationConfiguration.Output;
        var error = parse.InvocationConfiguration.Error;
        using var host = context.BuildHost();
        var classifier = host.Services.GetRequiredService<Classifier>();
        var classification = new ClassificationContext(parse.GetValue(definition.Profile)!, [], null, context.Time.GetUtcNow());
        var language = CommonOptions.LanguageOf(parse, definition.Language);
        var worst = ExitCodes.Ok;
        foreach (var file in parse.GetValue(definition.Files)!)
        {
            var (text, problem) = await ReadAsync(file, cancellationToken).ConfigureAwait(false);
            if (problem is not null)
            {
                await error.WriteLineAsync(TranscriptText.ForTerminal($"esfleet classify: {problem}")).ConfigureAwait(false);
                worst = ExitCodes.Error;
                continue;
            }

            var parsed = TranscriptParser.Parse(text!);
            if (parsed.ServerLineCount == 0)
            {
                await error.WriteLineAsync(TranscriptText.ForTerminal($"esfleet classify: {file.Name}: {HowToFix(parsed)}")).ConfigureAwait(false);
                worst = ExitCodes.Error;
                continue;
            }

            var result = classifier.Classify(parsed.Observation, classification);
            if (parse.GetValue(definition.Json))
            {
                await output.WriteLineAsync(ResultJson.ToLine(result, file.Name == "-" ? "-" : file.FullName)).ConfigureAwait(false);
            }
            else
            {
                var heading = file.Name == "-" ? "(standard input)" : file.Name;
                ResultRenderer.Write(output, parsed.KeywordListOnly ? $"{heading} (a keyword list: no banner, no reply codes)" : heading, result, language);
            }

            if (result.Verdict != Verdict.Healthy && worst == ExitCodes.Ok)
            {
                worst = ExitCodes.Findings;
            }
        }

        return worst;
    }

    /// <summary>Why nothing was read, and what to change in the paste.</summary>
    private static string HowToFix(TranscriptParseResult parsed) => parsed.MisplacedReplyLine is { } line
        ? $"no SMTP reply lines: '{Shorten(line)}' has something before its reply code; remove it, so that each server line starts with the code (250-TURN), or paste only the EHLO keywords"
        : "no SMTP reply lines: paste the server's lines as telnet shows them (220 ..., 250-TURN ... 250 OK), or only the EHLO keywords, one a line or separated by commas; lines quoted with '>' are read as well";

    private static string Shorten(string line) => line.Length <= 60 ? line : $"{line[..57]}...";

    private static async Task<(string? Text, string? Problem)> ReadAsync(FileInfo file, CancellationToken cancellationToken)
    {
        var (bytes, problem) = await BoundedFile.ReadAsync(file.Name == "-" ? "-" : file.FullName, MaxTranscriptBytes, "a transcript", cancellationToken)
            .ConfigureAwait(false);
        return bytes is null ? (null, problem) : (Encoding.UTF8.GetString(bytes), null);
    }
}
