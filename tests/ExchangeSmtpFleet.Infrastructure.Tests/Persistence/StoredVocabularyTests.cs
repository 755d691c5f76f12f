using ExchangeSmtpFleet.Core.Auditing;
using ExchangeSmtpFleet.Core.Classification;
using ExchangeSmtpFleet.Infrastructure.Persistence;

namespace ExchangeSmtpFleet.Infrastructure.Tests.Persistence;

/// <summary>
/// Issue 18, item 7: an older esfleet never meets a stored name it does not know, because every new name comes with a schema
/// script, which the older build refuses at its schema check ("its schema is newer than this esfleet"). This pins the names
/// to the newest script: a name added, renamed or removed without a new script fails here.
/// </summary>
public sealed class StoredVocabularyTests
{
    /// <summary>The newest script when the names below were last changed; a new name needs a new script and this updated.</summary>
    private const string NamesOfScript = "0005_keyword_sets.sql";

    [Fact]
    public void StoredNames_ChangeOnlyWithANewSchemaScript()
    {
        string[] verdicts = ["Healthy", "MissingSinks", "SuspectedMetabaseCorruption", "UnexpectedServer", "Rejected", "ProtocolError", "Unreachable"];
        string[] statuses = ["Running", "Completed", "Interrupted", "Failed"];
        string[] reasons =
        [
            "ProfileSatisfied", "ExchangeKeywordsAbsent", "ExchangeKeywordsIncomplete", "WindowsKeywordsIncomplete", "KeywordListIncomplete",
            "UnexpectedFamily", "MaskedByFirewall", "NoEsmtp", "RequiredKeywordsMissing", "ServiceNotAvailable", "NoService", "EhloRejected",
            "EhloRejectedByFirewall", "NotSmtp", "LineTooLong", "ReplyTooLong", "SessionTooLong", "UnexpectedReply", "IncompleteTranscript",
            "DnsFailure", "ConnectionRefused", "ConnectTimeout", "GreetingTimeout", "ReplyTimeout", "ConnectionClosed", "NetworkUnreachable",
            "DeadlineExceeded",
        ];
        var newest = SchemaScripts.For(SchemaScripts.Sqlite)[^1].Name;

        Assert.Equal(NamesOfScript, newest);
        Assert.Equal(verdicts, Enum.GetNames<Verdict>());
        Assert.Equal(statuses, Enum.GetNames<AuditRunStatus>());
        Assert.Equal(reasons, Enum.GetNames<Reason>());
    }
}
