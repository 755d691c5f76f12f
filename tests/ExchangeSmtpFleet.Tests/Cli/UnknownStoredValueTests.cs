using System.Globalization;
using ExchangeSmtpFleet.Simulator;
using Microsoft.Data.Sqlite;

namespace ExchangeSmtpFleet.Tests.Cli;

/// <summary>
/// Issue 18, item 7: a verdict, reason or run status this build does not know (a newer esfleet wrote it, or a hand) is one
/// line naming the value in every reading command, exit 2 (UNKNOWN for check), never "internal error" with a stack trace.
/// A newer esfleet that adds one adds a schema script with it, so this build refuses its database before (StoredVocabularyTests).
/// </summary>
public sealed class UnknownStoredValueTests
{
    private static int _block;

    public static TheoryData<string, string> Values() => new()
    {
        { "results", "verdict = 'FutureVerdict'" },
        { "results", "reason = 'FutureReason'" },
        { "results", "verdict = 'Healthy '" },
        { "results", "verdict = '7'" },
        { "runs", "status = 'Paused'" },
    };

    [Theory]
    [MemberData(nameof(Values))]
    public async Task ReadingCommands_UnknownStoredValue_OneLineNamingIt(string table, string assignment)
    {
        var block = Interlocked.Increment(ref _block);
        var db = Path.Combine(CliRunner.DataDirectory, $"unknown-value-{block}.db");
        var address = string.Create(CultureInfo.InvariantCulture, $"127.62.{block}.1");
        var inventory = CliRunner.TempFile($"Host,Port,Name\n{address},2525,EXCH01\n");
        await using (await SmtpSimulator.StartAsync(new FleetDefinition
        {
            Hosts = [new SimulatedHostDefinition { Address = address, Port = 2525, TranscriptText = File.ReadAllText(CliRunner.Sample("transcripts", "seed-example-2-missing-sinks.txt")) }],
        }, TimeProvider.System))
        {
            for (var scan = 0; scan < 2; scan++)
            {
                Assert.Equal(1, (await CliRunner.RunAsync("scan", "--inventory", inventory, "--db", db, "--no-tls")).ExitCode);
            }
        }

        var value = assignment[(assignment.IndexOf('\'', StringComparison.Ordinal) + 1)..^1];
        await using (var connection = new SqliteConnection($"Data Source={db};Pooling=False"))
        {
            await connection.OpenAsync(TestContext.Current.CancellationToken);
            using var update = connection.CreateCommand();
            update.CommandText = $"UPDATE {table} SET {assignment}";
            Assert.True(await update.ExecuteNonQueryAsync(TestContext.Current.CancellationToken) > 0);
        }

        string[][] commands =
        [
            ["runs"], ["history", $"{address}:2525"], ["changes"], ["lacking", "XEXCH50"], ["report", "--out", Path.Combine(CliRunner.DataDirectory, $"unknown-{block}.xlsx")], ["check"],
        ];
        var refused = new List<string>();
        foreach (var command in commands)
        {
            var run = await CliRunner.RunAsync([.. command, "--db", db]);
            Assert.DoesNotContain("internal error", run.Error, StringComparison.Ordinal);
            if (command[0] == "check" ? run.ExitCode < 3 : run.ExitCode < 2)
            {
                // A command that does not read this column (runs never reads a reason) is not disturbed by it.
                continue;
            }

            refused.Add(command[0]);
            Assert.True(command[0] != "check" || run.ExitCode == 3, $"check: exit {run.ExitCode}");
            var line = Assert.Single((command[0] == "check" ? run.Output : run.Error).TrimEnd('\n').Split('\n'));
            Assert.Contains($"'{value}', which this esfleet (version ", line, StringComparison.Ordinal);
            Assert.Contains("does not know: a newer esfleet or another tool wrote it", line, StringComparison.Ordinal);
        }

        // Every command that reads the column says so: the workbook reads them all.
        Assert.Contains("report", refused);
        Assert.Contains(table == "runs" ? "runs" : "history", refused);
    }
}
