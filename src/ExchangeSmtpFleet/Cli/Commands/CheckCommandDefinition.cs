using System.CommandLine;

namespace ExchangeSmtpFleet.Cli.Commands;

/// <summary>What <c>esfleet check</c> prints: the line of a monitoring plugin, or what another monitoring system reads.</summary>
internal enum CheckFormat
{
    Plugin,
    Json,
    Checkmk,
    Prtg,
}

/// <summary><c>esfleet check</c>: its options.</summary>
internal sealed class CheckCommandDefinition : Command
{
    public CheckCommandDefinition(CliContext context)
        : base("check", "A monitoring plugin (Nagios, Icinga, Checkmk, PRTG): reads the latest stored run, does not probe, prints one line with performance data. Exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (--format checkmk and prtg exit 0: the state is in what they print).")
    {
        Options.Add(Host);
        Options.Add(WarningAge);
        Options.Add(CriticalAge);
        Options.Add(Json);
        Options.Add(Format);
        Store.AddTo(this);
        SetAction((parse, cancellationToken) => new CheckCommand(this, parse, context).ExecuteAsync(cancellationToken));
    }

    public Option<string?> Host { get; } = new("--host", "-H") { Description = "One server's own check: HOST[:PORT] as the inventory names it, or its Name." };

    public Option<int?> WarningAge { get; } = NumberOptions.Integer("--warning-age", "WARNING when the latest completed run is older than this many hours (default 26).", 1, 10_000, "-w");

    public Option<int?> CriticalAge { get; } = NumberOptions.Integer("--critical-age", "CRITICAL when it is older than this many hours (default 50).", 1, 10_000, "-c");

    public Option<bool> Json { get; } = new("--json") { Description = "One JSON object instead of the plugin line (the same as --format json)." };

    public Option<string?> Format { get; } = new("--format")
    {
        Description = "plugin: the Nagios/Icinga line (default); json: one object; checkmk: a Checkmk local check line; prtg: the JSON of PRTG's EXE/Script Advanced sensor (exit 0, the state in its channels).",
        Validators =
        {
            r =>
            {
                var value = r.Tokens.Count == 1 ? r.Tokens[0].Value : string.Empty;
                if (!Enum.GetNames<CheckFormat>().Contains(value, StringComparer.OrdinalIgnoreCase))
                {
                    r.AddError($"--format must be plugin, json, checkmk or prtg, not '{value}'");
                }
            },
        },
    };

    /// <summary>The format asked for: <c>--format</c>, or <c>--json</c>, or the plugin line.</summary>
    public CheckFormat FormatOf(ParseResult parse) =>
        parse.GetValue(Format) is { } format ? Enum.Parse<CheckFormat>(format, ignoreCase: true) : parse.GetValue(Json) ? CheckFormat.Json : CheckFormat.Plugin;

    public StoreOptions Store { get; } = new();
}
