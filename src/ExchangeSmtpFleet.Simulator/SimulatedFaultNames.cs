using System.Collections.Frozen;

namespace ExchangeSmtpFleet.Simulator;

/// <summary>The names faults have in fleet files.</summary>
public static class SimulatedFaultNames
{
    private static readonly FrozenDictionary<string, SimulatedFault> ByName = new Dictionary<string, SimulatedFault>(StringComparer.OrdinalIgnoreCase)
    {
        ["none"] = SimulatedFault.None,
        ["refuse"] = SimulatedFault.Refuse,
        ["silent"] = SimulatedFault.Silent,
        ["close"] = SimulatedFault.Close,
        ["421"] = SimulatedFault.ServiceNotAvailable,
        ["554"] = SimulatedFault.NoService,
        ["not-smtp"] = SimulatedFault.NotSmtp,
        ["garbage"] = SimulatedFault.Garbage,
        ["ehlo-rejected"] = SimulatedFault.EhloRejected,
        ["all-rejected"] = SimulatedFault.AllRejected,
        ["endless-reply"] = SimulatedFault.EndlessReply,
        ["one-byte-at-a-time"] = SimulatedFault.OneByteAtATime,
        ["cut-mid-reply"] = SimulatedFault.CutMidReply,
        ["slow-greeting"] = SimulatedFault.SlowGreeting,
        ["starttls-self-signed"] = SimulatedFault.StartTlsSelfSigned,
        ["long-line"] = SimulatedFault.LongLine,
        ["tls-broken"] = SimulatedFault.TlsBroken,
        ["early-talker"] = SimulatedFault.EarlyTalker,
        ["ehlo-ends-421"] = SimulatedFault.EhloEndsIn421,
        ["bare-cr"] = SimulatedFault.BareCr,
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    public static IEnumerable<string> All => ByName.Keys.Order(StringComparer.Ordinal);

    public static bool TryParse(string? name, out SimulatedFault fault) =>
        ByName.TryGetValue(string.IsNullOrWhiteSpace(name) ? "none" : name.Trim(), out fault);

    public static string NameOf(SimulatedFault fault) => ByName.First(p => p.Value == fault).Key;
}
