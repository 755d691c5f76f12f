using System.CommandLine;
using System.Globalization;
using ExchangeSmtpFleet.Core.Inventory;
using ExchangeSmtpFleet.Core.Knowledge;
using ExchangeSmtpFleet.Core.Probing;
using ExchangeSmtpFleet.Core.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace ExchangeSmtpFleet.Cli.Commands;

/// <summary><c>esfleet inventory check</c>: validates an inventory, every problem with its line number.</summary>
internal sealed class InventoryCheckCommand(InventoryCommandDefinition definition, ParseResult parse, CliContext context)
{
    public int Execute()
    {
        var output = parse.InvocationConfiguration.Output;
        var path = parse.GetValue(definition.File)!.FullName;
        using var host = context.BuildHost();
        var result = host.Services.GetRequiredService<IInventoryReader>().ReadFile(path);
        if (!result.IsUsable)
        {
            throw new CommandException($"{path}: unusable inventory: {result.FatalError}");
        }

        foreach (var problem in result.Problems)
        {
            output.WriteLine(TranscriptText.ForTerminal(problem.ToString()));
        }

        foreach (var warning in Cut(path, result))
        {
            output.WriteLine(TranscriptText.ForTerminal(warning));
        }

        var separator = result.Separator == '\t' ? "tab" : $"'{result.Separator}'";
        output.WriteLine(TranscriptText.ForTerminal(
            $"{path}: {Plural.Of(result.RowCount, "row")}, {Plural.Of(result.Hosts.Length, "host")} to audit, {result.Problems.Length} with problems, {result.DisabledCount} disabled (separator {separator}, {result.Encoding})"));
        return result.Problems.IsEmpty ? ExitCodes.Ok : ExitCodes.Findings;
    }

    /// <summary>
    /// The fields the database will cut (<see cref="StoredLimits"/>): the host is still audited and the report shows the
    /// stored text, so these are warnings, not problems, and do not change the exit code.
    /// </summary>
    private static IEnumerable<string> Cut(string path, InventoryReadResult result)
    {
        if (StoredLimits.WillCut(path, StoredLimits.InventoryPath))
        {
            yield return string.Create(CultureInfo.InvariantCulture,
                $"warning: the inventory's path is {path.Length} characters; runs store its first {StoredLimits.InventoryPath - 1} and a mark");
        }

        foreach (var host in result.Hosts)
        {
            foreach (var (column, value) in new (string Column, string? Value)[] { ("Name", host.Name), ("Site", host.Site), ("Owner", host.Owner) })
            {
                if (StoredLimits.WillCut(value, StoredLimits.Label))
                {
                    yield return string.Create(CultureInfo.InvariantCulture,
                        $"line {host.LineNumber}: warning: {column} is {value!.Length} characters; the database stores its first {StoredLimits.Label - 1} and a mark");
                }
            }
        }
    }
}
