using System.Collections.Immutable;
using System.Globalization;
using ExchangeSmtpFleet.Core.Profiles;
using ExchangeSmtpFleet.Core.Protocol;

namespace ExchangeSmtpFleet.Core.Classification;

/// <summary>
/// Turns an <see cref="SmtpObservation"/> into exactly one verdict with reason, family, keyword
/// differences and findings. Pure: no I/O, the clock comes in the context.
/// </summary>
public sealed class Classifier(ProfileCatalog profiles)
{
    /// <summary>Judges one dialogue against the profile the context names.</summary>
    /// <param name="observation">What the dialogue showed.</param>
    /// <param name="context">What the inventory expects, and the clock reading.</param>
    /// <exception cref="KeyNotFoundException">The context names a profile the catalogue does not know.</exception>
    public ClassificationResult Classify(SmtpObservation observation, ClassificationContext context)
    {
        ArgumentNullException.ThrowIfNull(observation);
        ArgumentNullException.ThrowIfNull(context);
        var profile = profiles.Get(context.ProfileId);
        var findings = new List<Finding>();
        var banner = observation.Greeting?.FirstLine;
        var bannerMasked = FamilyDetector.IsMaskedBanner(banner);

        FindingRules.AddReplyAnomalies(observation, findings);
        FindingRules.AddSlowGreeting(observation, findings);
        FindingRules.AddUnsolicited(observation, findings);

        ClassificationResult Early(Reason reason, string family, string? detail) => new()
        {
            Verdict = ReasonVerdicts.VerdictOf(reason),
            Reason = reason,
            Family = family,
            ProfileId = profile.Id,
            Banner = banner,
            Findings = [.. findings],
            Detail = detail,
        };

        // 1. Greeting (RFC 5321 3.1: 554 = no service; 3.8: 421 = service not available).
        if (observation.Greeting is { } greeting)
        {
            var family = bannerMasked ? ServerFamily.Masked : FamilyDetector.Detect(banner, null).Family;
            if (greeting.Code == 421 || (greeting.Code is >= 400 and < 500))
            {
                return Early(Reason.ServiceNotAvailable, family, $"greeting {greeting.Code} {banner}");
            }

            if (greeting.Code >= 500)
            {
                return Early(Reason.NoService, family, $"greeting {greeting.Code} {banner}");
            }

            if (greeting.Code != 220)
            {
                findings.Add(Finding.Of(FindingCode.UnusualGreetingCode, greeting.Code.ToString(CultureInfo.InvariantCulture)));
            }
        }

        // RFC 5321 3.8: 421 at any point means the service is closing; whatever came before it says nothing reliable.
        if (ServiceClosing(observation) is { } closing)
        {
            return Early(Reason.ServiceNotAvailable, bannerMasked ? ServerFamily.Masked : FamilyDetector.Detect(banner, null).Family, closing);
        }

        // 2. EHLO, with HELO fallback (RFC 5321 4.1.4).
        var ehloReply = observation.EhloReply;
        if (ehloReply is null || ehloReply.Value.IsNegative)
        {
            return ClassifyWithoutEhlo(observation, profile, findings, banner, bannerMasked, Early);
        }

        if (!ehloReply.Value.IsPositive)
        {
            return Early(Reason.UnexpectedReply, ServerFamily.Unknown, $"EHLO answered with {ehloReply.Value.Code}");
        }

        var ehlo = EhloResponse.FromReply(ehloReply.Value);
        var detection = FamilyDetector.Detect(banner, ehlo);
        var postTls = observation.PostTlsEhloReply is { IsPositive: true } post ? EhloResponse.FromReply(post) : null;

        FindingRules.AddFamilyFindings(detection, ehlo, findings);
        FindingRules.AddNameFinding(context.ExpectedName, banner, ehlo, findings);
        FindingRules.AddTlsFindings(observation, ehlo, postTls, context.Now, findings);
        if (observation.Failure is { } lateFailure)
        {
            findings.Add(Finding.Of(FindingCode.DialogueEndedEarly, lateFailure.Reason.ToString(), lateFailure.Detail));
        }

        var evaluation = Evaluate(profile, detection.Family, ehlo, context.IgnoreVerbs);
        if (evaluation.Unexpected.Length > 0)
        {
            findings.Add(Finding.Of(FindingCode.UnexpectedKeywords, profile.Id, string.Join(", ", evaluation.Unexpected)));
        }

        return new ClassificationResult
        {
            Verdict = ReasonVerdicts.VerdictOf(evaluation.Reason),
            Reason = evaluation.Reason,
            Family = detection.Family,
            FamilyEvidence = detection.Evidence,
            Version = detection.Version,
            ProfileId = profile.Id,
            Banner = banner,
            EhloGreeting = ehlo.Greeting,
            Keywords = ehlo.Keywords,
            PostTlsKeywords = postTls?.Keywords ?? [],
            Missing = evaluation.Missing,
            Unexpected = evaluation.Unexpected,
            Findings = [.. findings],
            Tls = observation.Tls,
        };
    }

    private static ClassificationResult ClassifyWithoutEhlo(
        SmtpObservation observation,
        ServerProfile profile,
        List<Finding> findings,
        string? banner,
        bool bannerMasked,
        Func<Reason, string, string?, ClassificationResult> early)
    {
        var ehloReply = observation.EhloReply;
        var bannerFamily = bannerMasked ? ServerFamily.Masked : FamilyDetector.Detect(banner, null).Family;
        if (ehloReply is null)
        {
            if (observation.Failure is { } failure)
            {
                return early(failure.Reason, bannerFamily, failure.Detail);
            }

            return early(Reason.IncompleteTranscript, bannerFamily,
                observation.Greeting is null ? "no greeting and no EHLO reply" : "no EHLO reply after the greeting");
        }

        var code = ehloReply.Value.Code;
        if (bannerMasked)
        {
            // Cisco PIX "fixup smtp" answers EHLO with 500 itself; the server behind it is never asked.
            return early(Reason.EhloRejectedByFirewall, ServerFamily.Masked, $"EHLO answered {code} behind a masked banner");
        }

        if (observation.HeloReply is { IsPositive: true } helo)
        {
            findings.Add(Finding.Of(FindingCode.HeloFallback, code.ToString(CultureInfo.InvariantCulture)));
            var result = early(Reason.NoEsmtp, bannerFamily, $"EHLO refused with {code}, HELO accepted: no ESMTP keywords");
            return result with { EhloGreeting = helo.FirstLine, Missing = [.. profile.RequiredKeywords] };
        }

        // EHLO refused with a code that allows HELO, then the line dropped: still a refusal. Any other
        // negative EHLO followed by a transport failure is judged by the failure.
        if (observation.Failure is { } lateFailure && observation.HeloReply is null && !SmtpCodes.IsEhloUnacceptable(code))
        {
            return early(lateFailure.Reason, bannerFamily, lateFailure.Detail);
        }

        var heloText = observation.HeloReply is { } refused ? $", HELO answered {refused.Code}" : string.Empty;
        return early(Reason.EhloRejected, bannerFamily, $"EHLO answered {code} {ehloReply.Value.FirstLine}{heloText}");
    }

    private static string? ServiceClosing(SmtpObservation observation)
    {
        foreach (var (step, reply) in new (string, SmtpReply?)[]
        {
            ("EHLO", observation.EhloReply), ("HELO", observation.HeloReply), ("STARTTLS", observation.StartTlsReply),
            ("post-TLS EHLO", observation.PostTlsEhloReply),
        })
        {
            if (reply is { Code: 421 } closing)
            {
                return $"{step} answered 421 {closing.Lines[^1]}";
            }
        }

        return null;
    }

    private static ProfileEvaluation Evaluate(ServerProfile profile, string family, EhloResponse ehlo, ImmutableArray<string> ignore)
    {
        var ignored = new HashSet<string>(ignore.IsDefault ? [] : ignore, StringComparer.OrdinalIgnoreCase);
        var unexpected = profile.ReportUnexpected
            ? ehlo.Keywords.Select(k => k.Name).Where(k => !profile.Knows(k) && !ignored.Contains(k)).ToImmutableArray()
            : [];
        var missingSinks = profile.SinkKeywords.Where(k => !ignored.Contains(k) && !ehlo.Has(k)).ToList();
        var missingBase = profile.BaseKeywords.Where(k => !ignored.Contains(k) && !ehlo.Has(k)).ToList();
        ImmutableArray<string> missing = [.. missingSinks, .. missingBase];

        if (family == ServerFamily.Masked)
        {
            return new ProfileEvaluation(Reason.MaskedByFirewall, missing, unexpected);
        }

        if (!profile.Accepts(family))
        {
            return new ProfileEvaluation(Reason.UnexpectedFamily, missing, unexpected);
        }

        if (missing.IsEmpty)
        {
            return new ProfileEvaluation(Reason.ProfileSatisfied, missing, unexpected);
        }

        if (profile.SinkKeywords.IsDefaultOrEmpty)
        {
            return new ProfileEvaluation(Reason.RequiredKeywordsMissing, missing, unexpected);
        }

        var expectedSinks = profile.SinkKeywords.Count(k => !ignored.Contains(k));
        var reason = (missingSinks.Count, missingBase.Count) switch
        {
            (var s, 0) when s == expectedSinks => Reason.ExchangeKeywordsAbsent,
            (_, 0) => Reason.ExchangeKeywordsIncomplete,
            (0, _) => Reason.WindowsKeywordsIncomplete,
            _ => Reason.KeywordListIncomplete,
        };
        return new ProfileEvaluation(reason, missing, unexpected);
    }

    private sealed record ProfileEvaluation(Reason Reason, ImmutableArray<string> Missing, ImmutableArray<string> Unexpected);
}
