using System.Collections.Immutable;

namespace ExchangeSmtpFleet.Core.Inventory;

/// <summary>One valid, enabled inventory row (SPEC 4).</summary>
public sealed record InventoryHost
{
    /// <summary>The 1-based line of the CSV file the row starts on.</summary>
    public required int LineNumber { get; init; }

    /// <summary>DNS name or IP literal to connect to, as written (brackets of an IPv6 literal removed).</summary>
    public required string Host
    {
        get;
        init
        {
            field = value;
            _key = KeyOf(value, Port);
        }
    }

    /// <summary>TCP port.</summary>
    public int Port
    {
        get;
        init
        {
            field = value;
            _key = KeyOf(Host, value);
        }
    } = 25;

    /// <summary>Display / expected server name, compared with the banner.</summary>
    public string? Name { get; init; }

    /// <summary>Site, for grouping.</summary>
    public string? Site { get; init; }

    /// <summary>Owner, for grouping.</summary>
    public string? Owner { get; init; }

    /// <summary>The profile the host is judged against.</summary>
    public required string Profile { get; init; }

    /// <summary>Keywords deliberately turned off on this host, upper case.</summary>
    public ImmutableArray<string> IgnoreVerbs { get; init; } = [];

    /// <summary>Columns the tool does not know, kept as they were (header name to value).</summary>
    public ImmutableDictionary<string, string> Extra { get; init; } = ImmutableDictionary<string, string>.Empty;

    /// <summary>The case-insensitive identity used to reject duplicates: <c>host:port</c>.</summary>
    /// <remarks>
    /// Made when Host or Port is set (a <c>with</c> that changes either makes it again), not at each use: the store and the
    /// report ask for it several times per host. Always a function of Host and Port, so record equality is unchanged.
    /// </remarks>
    public string Key => _key ?? HostKey.For(Host, Port);

    private readonly string? _key;

    private static string? KeyOf(string? host, int port) => host is null ? null : HostKey.For(host, port);
}
