using System.Collections.Immutable;
using ExchangeSmtpFleet.Core.Classification;
using ExchangeSmtpFleet.Core.Knowledge;

namespace ExchangeSmtpFleet.Core.Probing;

/// <summary>
/// What a note of the probe says, so that it can be read in another language than the one it is stored in
/// (<see cref="KnowledgeBase.NoteText"/>). The transcript keeps the English text, the evidence every view shows.
/// </summary>
/// <param name="Label">The note's text, with <c>{0}</c>, <c>{1}</c> ... for the values.</param>
/// <param name="Reason">When set, the value <c>{0}</c>: its code in the stored text, its title when read in German.</param>
/// <param name="Arguments">The other values (after the reason), already escaped where they came from the network.</param>
public sealed record TranscriptNote(Label Label, Reason? Reason, ImmutableArray<string> Arguments);
