using System.Collections.Immutable;
using System.Globalization;
using ExchangeSmtpFleet.Core.Knowledge;
using ExchangeSmtpFleet.Core.Profiles;
using ExchangeSmtpFleet.Core.Protocol;

namespace ExchangeSmtpFleet.Core.Inventory;

/// <summary>
/// Applies the rules of SPEC 4 to the rows of an inventory. Every bad row becomes a problem with its line
/// number; the valid rows are still returned. Only a file without a usable header is rejected as a whole.
/// </summary>
public sealed class InventoryValidator(ProfileCatalog profiles)
{
    /// <summary>Validates the header and every record.</summary>
    public InventoryReadResult Validate(IReadOnlyList<string> headers, IEnumerable<InventoryRecord> records)
    {
        ArgumentNullException.ThrowIfNull(headers);
        ArgumentNullException.ThrowIfNull(records);
        var headerError = CheckHeaders(headers, out var columns);
        if (headerError is not null)
        {
            return InventoryReadResult.Unusable(headerError) with { Headers = headers };
        }

        var hosts = ImmutableArray.CreateBuilder<InventoryHost>();
        var problems = ImmutableArray.CreateBuilder<InventoryProblem>();
        var firstLineOf = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        int rows = 0, disabled = 0;
        foreach (var record in records)
        {
            rows++;
            if (record.ReaderProblem is not null)
            {
                problems.Add(new InventoryProblem(record.LineNumber, record.ReaderProblem, record.RawText));
                continue;
            }

            var outcome = ValidateRow(record, headers, columns);
            if (outcome.Problem is not null)
            {
                problems.Add(new InventoryProblem(record.LineNumber, outcome.Problem, record.RawText));
                continue;
            }

            if (outcome.Disabled)
            {
                disabled++;
                continue;
            }

            var host = outcome.Host!;
            if (firstLineOf.TryGetValue(host.Key, out var firstLine))
            {
                problems.Add(new InventoryProblem(record.LineNumber, $"duplicate of line {firstLine} ({host.Key})", record.RawText));
                continue;
            }

            firstLineOf.Add(host.Key, record.LineNumber);
            hosts.Add(host);
        }

        return new InventoryReadResult
        {
            Hosts = hosts.ToImmutable(),
            Problems = problems.ToImmutable(),
            DisabledCount = disabled,
            RowCount = rows,
            Headers = headers,
        };
    }

    private static string? CheckHeaders(IReadOnlyList<string> headers, out Dictionary<string, int> columns)
    {
        columns = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        var seen = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < headers.Count; i++)
        {
            var name = headers[i].Trim();
            if (name.Length == 0)
            {
                continue;
            }

            if (!seen.TryAdd(name, i))
            {
                return $"line 1: column '{name}' appears twice in the header";
            }

            if (InventoryColumns.Canonical(name) is { } canonical)
            {
                columns[canonical] = i;
            }
        }

        if (!columns.ContainsKey(InventoryColumns.Host))
        {
            return $"line 1: the header has no '{InventoryColumns.Host}' column (found: {string.Join(", ", headers.Select(h => $"'{h}'"))})";
        }

        return null;
    }

    private RowOutcome ValidateRow(InventoryRecord record, IReadOnlyList<string> headers, Dictionary<string, int> columns)
    {
        if (record.Fields.Count > headers.Count)
        {
            return RowOutcome.Bad($"{Plural.Of(record.Fields.Count, "field")}, but the header has {Plural.Of(headers.Count, "column")}");
        }

        string? Get(string column) =>
            columns.TryGetValue(column, out var index) && index < record.Fields.Count && !string.IsNullOrWhiteSpace(record.Fields[index])
                ? record.Fields[index].Trim()
                : null;

        if (Get(InventoryColumns.Enabled) is { } enabledText)
        {
            if (!TryParseBool(enabledText, out var enabled))
            {
                return RowOutcome.Bad($"Enabled '{enabledText}' is not true or false");
            }

            if (!enabled)
            {
                return RowOutcome.Skip;
            }
        }

        var host = Get(InventoryColumns.Host);
        if (host is null)
        {
            return RowOutcome.Bad("Host is missing");
        }

        if (HostNameRules.Problem(host) is { } hostProblem)
        {
            return RowOutcome.Bad(hostProblem);
        }

        var port = 25;
        if (Get(InventoryColumns.Port) is { } portText
            && (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535))
        {
            return RowOutcome.Bad($"Port '{portText}' is not a number from 1 to 65535");
        }

        var profile = Get(InventoryColumns.Profile) ?? ProfileCatalog.DefaultProfileId;
        if (!profiles.TryGet(profile, out var knownProfile))
        {
            return RowOutcome.Bad($"unknown profile '{profile}' (known: {string.Join(", ", profiles.Ids)})");
        }

        var ignore = ImmutableArray<string>.Empty;
        if (Get(InventoryColumns.IgnoreVerbs) is { } ignoreText)
        {
            var verbs = ignoreText.Split([';', ',', ' ', '\t'], StringSplitOptions.RemoveEmptyEntries)
                .Select(v => v.ToUpperInvariant())
                .Distinct(StringComparer.Ordinal)
                .ToImmutableArray();
            var invalid = verbs.FirstOrDefault(v => !EhloKeyword.Parse(v).HasValidSyntax);
            if (invalid is not null)
            {
                return RowOutcome.Bad($"IgnoreVerbs '{invalid}' is not an ESMTP keyword");
            }

            ignore = verbs;
        }

        var extra = ImmutableDictionary.CreateBuilder<string, string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < headers.Count && i < record.Fields.Count; i++)
        {
            var header = headers[i].Trim();
            if (header.Length > 0 && InventoryColumns.Canonical(header) is null)
            {
                extra[header] = record.Fields[i];
            }
        }

        return RowOutcome.Valid(new InventoryHost
        {
            LineNumber = record.LineNumber,
            Host = HostNameRules.Unbracket(host),
            Port = port,
            Name = Get(InventoryColumns.Name),
            Site = Get(InventoryColumns.Site),
            Owner = Get(InventoryColumns.Owner),
            Profile = knownProfile.Id,
            IgnoreVerbs = ignore,
            Extra = extra.ToImmutable(),
        });
    }

    private static bool TryParseBool(string text, out bool value)
    {
        switch (text.Trim().ToUpperInvariant())
        {
            case "TRUE" or "YES" or "Y" or "1" or "JA" or "WAHR":
                value = true;
                return true;
            case "FALSE" or "NO" or "N" or "0" or "NEIN" or "FALSCH":
                value = false;
                return true;
            default:
                value = false;
                return false;
        }
    }

    private sealed record RowOutcome(InventoryHost? Host, string? Problem, bool Disabled)
    {
        public static RowOutcome Skip { get; } = new(null, null, true);

        public static RowOutcome Bad(string problem) => new(null, problem, false);

        public static RowOutcome Valid(InventoryHost host) => new(host, null, false);
    }
}
