using System.CommandLine;
using ExchangeSmtpFleet.Core.Inventory;
using ExchangeSmtpFleet.Core.Probing;
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

        var separator = result.Separator == '\t' ? "tab" : $"'{result.Separator}'";
        output.WriteLine(TranscriptText.ForTerminal(
            $"{path}: {result.RowCount} rows, {result.Hosts.Length} hosts to audit, {result.Problems.Length} with problems, {result.DisabledCount} disabled (separator {separator}, {result.Encoding})"));
        return result.Problems.IsEmpty ? ExitCodes.Ok : ExitCodes.Findings;
    }
}
