using ExchangeSmtpFleet.Smtp.Probing;

namespace ExchangeSmtpFleet.Hosting;

/// <summary>
/// What kind of process this is, decided once from the command line before the first socket exists, and the
/// process-wide settings that follow from it.
/// </summary>
/// <remarks>
/// The rule for inline socket completions (<see cref="SocketEngineTuning"/>): they are for a process that does nothing
/// but probe, whose socket continuations are all short and never block (the probe's line parsing and classification;
/// result sinks run on tasks of their own, see <c>IResultSink</c>). They are never for a process that hosts Kestrel,
/// the Hangfire dashboard or a Hangfire server: there a request handler or a job would run on the socket engine's few
/// threads and stall every socket of the process. A command that hosts anything of that kind is not
/// <see cref="ProbeOnly"/>, and must not become so.
/// </remarks>
internal enum ProcessRole
{
    /// <summary>A command that may do anything (read files, host services); the runtime's defaults.</summary>
    General,

    /// <summary><c>probe</c> and <c>scan</c>: thousands of short socket dialogues and nothing else.</summary>
    ProbeOnly,
}
