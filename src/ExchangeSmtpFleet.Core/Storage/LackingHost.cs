using ExchangeSmtpFleet.Core.Classification;

namespace ExchangeSmtpFleet.Core.Storage;

/// <summary>A host that answered EHLO without a given keyword.</summary>
/// <param name="HostKey">Its identity (<c>host:port</c>).</param>
/// <param name="Name">The inventory's name for it.</param>
/// <param name="Verdict">Its verdict in that run.</param>
/// <param name="Family">The detected server family.</param>
/// <param name="SkippedOnPurpose">Whether the host's inventory row names the keyword in IgnoreVerbs (turned off on purpose).</param>
public sealed record LackingHost(string HostKey, string? Name, Verdict Verdict, string Family, bool SkippedOnPurpose = false);
