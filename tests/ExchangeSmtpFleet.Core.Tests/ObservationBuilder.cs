using ExchangeSmtpFleet.Core.Classification;
using ExchangeSmtpFleet.Core.Protocol;

namespace ExchangeSmtpFleet.Core.Tests;

/// <summary>Builds observations from wire lines, as a live probe would record them.</summary>
internal sealed class ObservationBuilder
{
    public const string Ex2003Banner = "220 mail1.example.com Microsoft ESMTP MAIL Service, Version: 6.0.3790.3959 ready at  Sat, 3 Sep 2011 08:39:16 -0700";

    public static readonly string[] HealthyEx2003Ehlo =
    [
        "250-mail1.example.com Hello [172.16.0.1]", "250-TURN", "250-ATRN", "250-SIZE 5242880", "250-ETRN", "250-PIPELINING",
        "250-DSN", "250-ENHANCEDSTATUSCODES", "250-8bitmime", "250-BINARYMIME", "250-CHUNKING", "250-VRFY",
        "250-X-EXPS GSSAPI NTLM", "250-AUTH GSSAPI NTLM", "250-X-EXPS=LOGIN", "250-X-LINK2STATE", "250-XEXCH50", "250 OK",
    ];

    private SmtpObservation _observation = new();

    public static ObservationBuilder Ex2003() => new ObservationBuilder().Greeting(Ex2003Banner).Ehlo(HealthyEx2003Ehlo);

    /// <summary>The healthy Exchange 2003 list without the given keywords.</summary>
    public static ObservationBuilder Ex2003Without(params string[] keywords) =>
        new ObservationBuilder().Greeting(Ex2003Banner).Ehlo(HealthyEx2003Ehlo.Where(l => !keywords.Any(k => Keyword(l) == k)).ToArray());

    public ObservationBuilder Greeting(params string[] lines) => With(o => o with { Greeting = Reply(lines) });

    public ObservationBuilder Ehlo(params string[] lines) => With(o => o with { EhloReply = Reply(lines) });

    public ObservationBuilder Helo(params string[] lines) => With(o => o with { HeloReply = Reply(lines) });

    public ObservationBuilder PostTlsEhlo(params string[] lines) => With(o => o with { PostTlsEhloReply = Reply(lines) });

    public ObservationBuilder Failure(Reason reason, string detail = "test") => With(o => o with { Failure = new ProbeFailure(reason, detail) });

    public ObservationBuilder Tls(TlsObservation tls) => With(o => o with { Tls = tls });

    public ObservationBuilder GreetingTime(TimeSpan time) => With(o => o with { GreetingTime = time });

    public SmtpObservation Build() => _observation;

    public static SmtpReply Reply(params string[] lines)
    {
        var accumulator = new ReplyAccumulator();
        foreach (var line in lines)
        {
            var step = accumulator.Add(line);
            if (step.IsComplete)
            {
                return step.Reply!.Value;
            }

            Assert.False(step.IsError, $"test reply line '{line}' rejected: {step.Error}");
        }

        return accumulator.CompleteTruncated()!.Value;
    }

    private static string Keyword(string line) => line[4..].Split(' ')[0].ToUpperInvariant();

    private ObservationBuilder With(Func<SmtpObservation, SmtpObservation> change)
    {
        _observation = change(_observation);
        return this;
    }
}
