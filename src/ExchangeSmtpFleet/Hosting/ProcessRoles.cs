using ExchangeSmtpFleet.Smtp.Probing;

namespace ExchangeSmtpFleet.Hosting;

/// <summary>Decides the <see cref="ProcessRole"/> from the command line and applies its process-wide settings.</summary>
internal static class ProcessRoles
{
    /// <summary>The commands that only probe (see the rule on <see cref="ProcessRole"/>).</summary>
    private static readonly string[] ProbeOnlyCommands = ["probe", "scan"];

    public static ProcessRole Of(IReadOnlyList<string> args) =>
        args.Count > 0 && ProbeOnlyCommands.Contains(args[0], StringComparer.Ordinal) ? ProcessRole.ProbeOnly : ProcessRole.General;

    /// <summary>Applies the role's settings; must run before the process's first socket operation.</summary>
    /// <returns>True when inline socket completions are in effect.</returns>
    public static bool Apply(ProcessRole role) => role == ProcessRole.ProbeOnly && SocketEngineTuning.PreferInlineCompletions();
}
