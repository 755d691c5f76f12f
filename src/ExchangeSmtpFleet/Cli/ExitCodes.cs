namespace ExchangeSmtpFleet.Cli;

/// <summary>Exit codes of every command (SPEC 9).</summary>
internal static class ExitCodes
{
    /// <summary>All healthy / valid.</summary>
    public const int Ok = 0;

    /// <summary>Findings: a host not healthy, an inventory row with problems.</summary>
    public const int Findings = 1;

    /// <summary>An error: bad arguments, unreadable input, unusable file, an interrupted run.</summary>
    public const int Error = 2;
}
