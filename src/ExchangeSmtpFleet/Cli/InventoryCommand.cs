using System.CommandLine;
using ExchangeSmtpFleet.Core.Auditing;
using ExchangeSmtpFleet.Core.Inventory;
using ExchangeSmtpFleet.Core.Probing;
using Microsoft.Extensions.DependencyInjection;

namespace ExchangeSmtpFleet.Cli;

/// <summary><c>esfleet inventory check FILE</c>: validates an inventory, every problem with its line number.</summary>
internal static class InventoryCommand
{
    public static Command Create(CliContext context)
    {
        var file = new Argument<FileInfo>("FILE") { Description = "The inventory CSV (SPEC 4)." };
        var check = new Command("check", "Validate an inventory: lists every problem as 'line N: reason'. Exit 0 valid, 1 row problems, 2 unusable file.")
        {
            file,
        };
        check.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            var path = parse.GetValue(file)!.FullName;
            using var host = context.BuildHost();
            var result = host.Services.GetRequiredService<IInventoryReader>().ReadFile(path);
            if (!result.IsUsable)
            {
                error.WriteLine(TranscriptText.ForTerminal($"{path}: unusable inventory: {result.FatalError}"));
                return ExitCodes.Error;
            }

            foreach (var problem in result.Problems)
            {
                output.WriteLine(TranscriptText.ForTerminal(problem.ToString()));
            }

            var separator = result.Separator == '\t' ? "tab" : $"'{result.Separator}'";
            output.WriteLine(TranscriptText.ForTerminal(
                $"{path}: {result.RowCount} rows, {result.Hosts.Length} hosts to audit, {result.Problems.Length} with problems, {result.DisabledCount} disabled (separator {separator}, {result.Encoding})"));
            return result.Problems.IsEmpty ? ExitCodes.Ok : ExitCodes.Findings;
        });
        return new Command("inventory", "Inventory commands.") { check };
    }
}
