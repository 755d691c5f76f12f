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
    /// <summary>Greetings slower than this are reported (RFC 5321 4.5.3.2.1 lets servers delay, but it hints at load or tarpitting).</summary>
    public static readonly TimeSpan SlowGreetingThreshold = TimeSpan.FromSeconds(10);

    /// <summary>Certificates expiring within this span are reported.</summary>
    public static readonly TimeSpan CertificateWarningWindow = TimeSpan.FromDays(30);

    private static readonly string[] InternalKeywords =
        ["XPROXY", "XPROXYFROM", "XPROXYTO", "XSESSIONPARAMS", "XATTR", "XSYSPROBE", "XMSGID", "XORIGFROM", "X-MESSAGECONTEXT"];

    public ClassificationResult Classify(SmtpObservation observation, ClassificationContext context)
    {
        ArgumentNullException.ThrowIfNull(observation);
        ArgumentNullException.ThrowIfNull(context);
        var profile = profiles.Get(context.ProfileId);
        var findings = new List<Finding>();
        var banner = observation.Greeting?.FirstLine;
        var bannerMasked = FamilyDetector.IsMaskedBanner(banner);

        CollectReplyAnomalies(observation, findings);
        if (observation.GreetingTime is { } greetingTime && greetingTime > SlowGreetingThreshold)
        {
            findings.Add(new Finding("SlowGreeting", FindingSeverity.Warning,
                string.Create(CultureInfo.InvariantCulture, $"greeting took {greetingTime.TotalSeconds:0.0} s")));
        }

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
                findings.Add(new Finding("UnusualGreetingCode", FindingSeverity.Warning, $"greeting code {greeting.Code} instead of 220"));
            }
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

        AddFamilyFindings(detection, ehlo, findings);
        AddNameFinding(context.ExpectedName, banner, ehlo, findings);
        AddTlsFindings(observation, ehlo, postTls, context.Now, findings);
        if (observation.Failure is { } lateFailure)
        {
            findings.Add(new Finding("DialogueEndedEarly", FindingSeverity.Info,
                $"after the EHLO reply: {lateFailure.Reason} ({lateFailure.Detail})"));
        }

        var evaluation = Evaluate(profile, detection.Family, ehlo, context.IgnoreVerbs);
        if (evaluation.Unexpected.Length > 0)
        {
            findings.Add(new Finding("UnexpectedKeywords", FindingSeverity.Info,
                $"advertised but not in profile {profile.Id}: {string.Join(", ", evaluation.Unexpected)}"));
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
        if (code == 421)
        {
            return early(Reason.ServiceNotAvailable, bannerFamily, $"EHLO answered 421 {ehloReply.Value.FirstLine}");
        }

        if (bannerMasked)
        {
            // Cisco PIX "fixup smtp" answers EHLO with 500 itself; the server behind it is never asked.
            return early(Reason.EhloRejectedByFirewall, ServerFamily.Masked, $"EHLO answered {code} behind a masked banner");
        }

        if (observation.HeloReply is { IsPositive: true } helo)
        {
            findings.Add(new Finding("HeloFallback", FindingSeverity.Warning, $"EHLO refused with {code}; HELO accepted"));
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

    private static void CollectReplyAnomalies(SmtpObservation observation, List<Finding> findings)
    {
        foreach (var (step, reply) in new (string, SmtpReply?)[]
        {
            ("greeting", observation.Greeting), ("EHLO", observation.EhloReply), ("HELO", observation.HeloReply),
            ("STARTTLS", observation.StartTlsReply), ("post-TLS EHLO", observation.PostTlsEhloReply),
        })
        {
            if (reply is null)
            {
                continue;
            }

            foreach (var anomaly in reply.Value.Anomalies)
            {
                var code = anomaly.Kind switch
                {
                    ReplyAnomalyKind.CodeMismatch => "ReplyCodeAnomaly",
                    ReplyAnomalyKind.Truncated => "ReplyTruncated",
                    _ => "ReplySyntaxAnomaly",
                };
                findings.Add(new Finding(code, FindingSeverity.Info, $"{step} reply: {anomaly.Detail}"));
            }
        }
    }

    private static void AddFamilyFindings(FamilyDetection detection, EhloResponse ehlo, List<Finding> findings)
    {
        foreach (var anomaly in ehlo.Anomalies.Where(a => a.Kind is ReplyAnomalyKind.InvalidKeywordSyntax or ReplyAnomalyKind.DuplicateKeyword))
        {
            findings.Add(new Finding("KeywordAnomaly", FindingSeverity.Info, $"{anomaly.Kind}: {anomaly.Detail}"));
        }

        if (detection.BannerFamily is { } bannerFamily && bannerFamily != detection.Family
            && !(bannerFamily == ServerFamily.MicrosoftIis && detection.Family == ServerFamily.MicrosoftExchange2003))
        {
            findings.Add(new Finding("BannerFamilyMismatch", FindingSeverity.Warning,
                $"banner looks like {bannerFamily}, keywords like {detection.Family} ({detection.Evidence}); a proxy or gateway may answer for the server"));
        }

        // Exchange 2003 cannot run on Windows 2008 or later: an IIS 7+ banner with Exchange 2003 keywords is an emulation.
        if (detection.Family == ServerFamily.MicrosoftExchange2003 && detection.Version is { } version
            && int.TryParse(version.Split('.')[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var major) && major >= 7)
        {
            findings.Add(new Finding("ImplausibleVersion", FindingSeverity.Warning,
                $"IIS SMTP version {version} with Exchange 2000/2003 keywords: Exchange 2003 does not run on that Windows; emulation or honeypot?"));
        }

        var exposed = InternalKeywords.Where(ehlo.Has).ToList();
        if (exposed.Count > 0)
        {
            findings.Add(new Finding("InternalKeywordsExposed", FindingSeverity.Warning,
                $"Exchange-internal keywords offered to an anonymous client: {string.Join(", ", exposed)}"));
        }
    }

    private static void AddNameFinding(string? expectedName, string? banner, EhloResponse ehlo, List<Finding> findings)
    {
        if (string.IsNullOrWhiteSpace(expectedName))
        {
            return;
        }

        var names = new[] { BannerDomain(banner), ehlo.GreetingDomain }.Where(n => !string.IsNullOrEmpty(n)).ToList();
        if (names.Count == 0)
        {
            return;
        }

        static bool Matches(string announced, string expected) =>
            string.Equals(announced, expected, StringComparison.OrdinalIgnoreCase)
            || announced.StartsWith(expected + ".", StringComparison.OrdinalIgnoreCase)
            || expected.StartsWith(announced + ".", StringComparison.OrdinalIgnoreCase);

        if (!names.Any(n => Matches(n!, expectedName.Trim())))
        {
            findings.Add(new Finding("BannerNameMismatch", FindingSeverity.Warning,
                $"server calls itself '{names[0]}', the inventory expects '{expectedName.Trim()}'"));
        }
    }

    private static string? BannerDomain(string? banner)
    {
        if (string.IsNullOrWhiteSpace(banner))
        {
            return null;
        }

        var space = banner.IndexOf(' ', StringComparison.Ordinal);
        return space < 0 ? banner.Trim() : banner[..space];
    }

    private static void AddTlsFindings(SmtpObservation observation, EhloResponse ehlo, EhloResponse? postTls, DateTimeOffset now, List<Finding> findings)
    {
        // Exchange 2007+ omits STARTTLS when no certificate matches the connector (decompiled EHLO handler).
        if (ehlo.Has("X-ANONYMOUSTLS") && !ehlo.Has("STARTTLS"))
        {
            findings.Add(new Finding("StartTlsNotAdvertised", FindingSeverity.Warning,
                "X-ANONYMOUSTLS without STARTTLS: Exchange found no certificate for the receive connector"));
        }

        if (observation.TlsError is { } tlsError)
        {
            findings.Add(new Finding("StartTlsFailed", FindingSeverity.Warning, tlsError));
        }

        if (observation.Tls is { } tls)
        {
            if (tls.NotAfter < now)
            {
                findings.Add(new Finding("CertificateExpired", FindingSeverity.Error,
                    string.Create(CultureInfo.InvariantCulture, $"certificate '{tls.Subject}' expired on {tls.NotAfter:yyyy-MM-dd}")));
            }
            else if (tls.NotAfter - now < CertificateWarningWindow)
            {
                findings.Add(new Finding("CertificateExpiring", FindingSeverity.Warning,
                    string.Create(CultureInfo.InvariantCulture, $"certificate '{tls.Subject}' expires on {tls.NotAfter:yyyy-MM-dd}")));
            }

            if (!tls.ValidationErrors.IsDefaultOrEmpty)
            {
                findings.Add(new Finding("CertificateNotTrusted", FindingSeverity.Warning,
                    $"certificate '{tls.Subject}': {string.Join("; ", tls.ValidationErrors)}"));
            }
        }

        if (postTls is not null)
        {
            var before = ehlo.Keywords.Select(k => k.Name).Where(k => k != "STARTTLS").ToHashSet(StringComparer.Ordinal);
            var after = postTls.Keywords.Select(k => k.Name).ToHashSet(StringComparer.Ordinal);
            var gone = before.Except(after).Order(StringComparer.Ordinal).ToList();
            var added = after.Except(before).Order(StringComparer.Ordinal).ToList();
            if (gone.Count > 0 || added.Count > 0)
            {
                findings.Add(new Finding("PostTlsKeywordsDiffer", FindingSeverity.Info,
                    $"after STARTTLS: {(added.Count > 0 ? "added " + string.Join(", ", added) : "nothing added")}; {(gone.Count > 0 ? "dropped " + string.Join(", ", gone) : "nothing dropped")}"));
            }

            if (postTls.Has("STARTTLS"))
            {
                findings.Add(new Finding("StartTlsAfterTls", FindingSeverity.Info, "STARTTLS advertised again after TLS (RFC 3207 4.2 forbids it)"));
            }
        }
    }

    private sealed record ProfileEvaluation(Reason Reason, ImmutableArray<string> Missing, ImmutableArray<string> Unexpected);
}
