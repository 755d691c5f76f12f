using System.CommandLine;
using ExchangeSmtpFleet.Core.Storage;
using Microsoft.Extensions.Hosting;

namespace ExchangeSmtpFleet.Cli.Commands;

/// <summary>What the commands that read stored runs share: their options, the host over the database they name, and a run found by id.</summary>
internal static class StoredRuns
{
    /// <summary><c>--json</c>: one JSON object per line.</summary>
    public static Option<bool> Json() => new("--json") { Description = "One JSON object per line." };

    /// <summary><c>--run ID|latest</c>.</summary>
    public static Option<string> Run() => new("--run")
    {
        Description = "A run id, or latest (the default).",
        DefaultValueFactory = _ => "latest",
    };

    /// <summary>The host over the database <paramref name="store"/> names (with <paramref name="overrides"/> of the command's own).</summary>
    public static IHost Open(CliContext context, ParseResult parse, StoreOptions store, IDictionary<string, string?>? overrides = null)
    {
        var settings = store.Overrides(parse);
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        return context.BuildHost(settings);
    }

    /// <summary>A run by id or <c>latest</c>.</summary>
    /// <exception cref="CommandException">There is no such run.</exception>
    public static async Task<StoredRun> FindAsync(IAuditHistory history, string runId, CancellationToken cancellationToken) =>
        await history.FindRunAsync(runId, cancellationToken).ConfigureAwait(false)
            ?? throw new CommandException($"{(runId == "latest" ? "no run is stored" : $"no run '{runId}'")} in {history.Description} (esfleet runs lists them)");
}
