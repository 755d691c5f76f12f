using System.Globalization;
using ExchangeSmtpFleet.Core.Protocol;

namespace ExchangeSmtpFleet.Core.Classification;

/// <summary>
/// The rules that produce findings: secondary observations next to the verdict, never a reason for it. Each rule
/// adds to the list it is given; the classifier decides which apply at which point of the dialogue.
/// </summary>
internal static class FindingRules
{
    /// <summary>Greetings slower than this are reported (RFC 5321 4.5.3.2.1 lets servers delay, but it hints at load or tarpitting).</summary>
    public static readonly TimeSpan SlowGreetingThreshold = TimeSpan.FromSeconds(10);

    /// <summary>Certificates expiring within this span are reported.</summary>
    public static readonly TimeSpan CertificateWarningWindow = TimeSpan.FromDays(30);

    private static readonly string[] InternalKeywords =
        ["XPROXY", "XPROXYFROM", "XPROXYTO", "XSESSIONPARAMS", "XATTR", "XSYSPROBE", "XMSGID", "XORIGFROM", "X-MESSAGECONTEXT"];

    public static void AddReplyAnomalies(SmtpObservation observation, List<Finding> findings)
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
                    ReplyAnomalyKind.CodeMismatch => FindingCode.ReplyCodeAnomaly,
                    ReplyAnomalyKind.Truncated => FindingCode.ReplyTruncated,
                    _ => FindingCode.ReplySyntaxAnomaly,
                };
                findings.Add(Finding.Of(code, step, anomaly.Detail));
            }
        }
    }

    public static void AddUnsolicited(SmtpObservation observation, List<Finding> findings)
    {
        if (observation.UnsolicitedLineCount > 0)
        {
            findings.Add(Finding.Of(FindingCode.UnsolicitedData, observation.UnsolicitedLineCount.ToString(CultureInfo.InvariantCulture),
                observation.UnsolicitedLines.IsDefaultOrEmpty ? string.Empty : observation.UnsolicitedLines[0]));
        }
    }

    public static void AddSlowGreeting(SmtpObservation observation, List<Finding> findings)
    {
        if (observation.GreetingTime is { } greetingTime && greetingTime > SlowGreetingThreshold)
        {
            findings.Add(Finding.Of(FindingCode.SlowGreeting, greetingTime.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)));
        }
    }

    public static void AddFamilyFindings(FamilyDetection detection, EhloResponse ehlo, List<Finding> findings)
    {
        foreach (var anomaly in ehlo.Anomalies.Where(a => a.Kind is ReplyAnomalyKind.InvalidKeywordSyntax or ReplyAnomalyKind.DuplicateKeyword))
        {
            findings.Add(Finding.Of(FindingCode.KeywordAnomaly, anomaly.Kind.ToString(), anomaly.Detail));
        }

        if (detection.BannerFamily is { } bannerFamily && bannerFamily != detection.Family
            && !(bannerFamily == ServerFamily.MicrosoftIis && detection.Family == ServerFamily.MicrosoftExchange2003))
        {
            findings.Add(Finding.Of(FindingCode.BannerFamilyMismatch, bannerFamily, detection.Family, detection.Evidence));
        }

        // Exchange 2003 cannot run on Windows 2008 or later: an IIS 7+ banner with Exchange 2003 keywords is an emulation.
        if (detection.Family == ServerFamily.MicrosoftExchange2003 && detection.Version is { } version
            && int.TryParse(version.Split('.')[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var major) && major >= 7)
        {
            findings.Add(Finding.Of(FindingCode.ImplausibleVersion, version));
        }

        var exposed = InternalKeywords.Where(ehlo.Has).ToList();
        if (exposed.Count > 0)
        {
            findings.Add(Finding.Of(FindingCode.InternalKeywordsExposed, string.Join(", ", exposed)));
        }
    }

    public static void AddNameFinding(string? expectedName, string? banner, EhloResponse ehlo, List<Finding> findings)
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
            findings.Add(Finding.Of(FindingCode.BannerNameMismatch, names[0]!, expectedName.Trim()));
        }
    }

    public static void AddTlsFindings(SmtpObservation observation, EhloResponse ehlo, EhloResponse? postTls, DateTimeOffset now, List<Finding> findings)
    {
        // Exchange 2007+ omits STARTTLS when no certificate matches the connector (decompiled EHLO handler).
        if (ehlo.Has("X-ANONYMOUSTLS") && !ehlo.Has("STARTTLS"))
        {
            findings.Add(Finding.Of(FindingCode.StartTlsNotAdvertised));
        }

        if (observation.TlsError is { } tlsError)
        {
            findings.Add(Finding.Of(FindingCode.StartTlsFailed, tlsError));
        }

        if (observation.Tls is { } tls)
        {
            var notAfter = tls.NotAfter.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            if (tls.NotAfter < now)
            {
                findings.Add(Finding.Of(FindingCode.CertificateExpired, tls.Subject, notAfter));
            }
            else if (tls.NotAfter - now < CertificateWarningWindow)
            {
                findings.Add(Finding.Of(FindingCode.CertificateExpiring, tls.Subject, notAfter));
            }

            if (!tls.ValidationErrors.IsDefaultOrEmpty)
            {
                findings.Add(Finding.Of(FindingCode.CertificateNotTrusted, tls.Subject, string.Join("; ", tls.ValidationErrors)));
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
                findings.Add(Finding.Of(FindingCode.PostTlsKeywordsDiffer, string.Join(", ", added), string.Join(", ", gone)));
            }

            if (postTls.Has("STARTTLS"))
            {
                findings.Add(Finding.Of(FindingCode.StartTlsAfterTls));
            }
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
}
