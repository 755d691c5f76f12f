namespace ExchangeSmtpFleet.Core.Knowledge;

/// <summary>
/// The labels of what people read next to the knowledge base's texts (terminal, report, e-mail). Each has an English and
/// a German text in <c>knowledge.json</c>; a missing one fails when the knowledge base loads.
/// </summary>
public enum Label
{
    /// <summary>"Verdict".</summary>
    Verdict,

    /// <summary>"Reason".</summary>
    Reason,

    /// <summary>"Family".</summary>
    Family,

    /// <summary>"Profile".</summary>
    Profile,

    /// <summary>"Banner".</summary>
    Banner,

    /// <summary>"Detail".</summary>
    Detail,

    /// <summary>"Keywords".</summary>
    Keywords,

    /// <summary>"After STARTTLS" (the keywords advertised after the TLS upgrade).</summary>
    PostTlsKeywords,

    /// <summary>"Missing".</summary>
    Missing,

    /// <summary>"Unexpected".</summary>
    Unexpected,

    /// <summary>"Finding".</summary>
    Finding,

    /// <summary>"Probable causes".</summary>
    Causes,

    /// <summary>"Prerequisite".</summary>
    Prerequisite,

    /// <summary>"Warning" (of a procedure).</summary>
    Warning,

    /// <summary>"(none)".</summary>
    None,

    /// <summary>The name of <see cref="Classification.FindingSeverity.Info"/>.</summary>
    SeverityInfo,

    /// <summary>The name of <see cref="Classification.FindingSeverity.Warning"/>.</summary>
    SeverityWarning,

    /// <summary>The name of <see cref="Classification.FindingSeverity.Error"/>.</summary>
    SeverityError,

    /// <summary>Report: "Summary".</summary>
    ReportSummary,

    /// <summary>Report: "Healthy".</summary>
    ReportHealthy,

    /// <summary>Report: "Missing sinks".</summary>
    ReportMissingSinks,

    /// <summary>Report: "Metabase".</summary>
    ReportMetabase,

    /// <summary>Report: "Other verdicts".</summary>
    ReportOther,

    /// <summary>Report: "Remediation".</summary>
    ReportRemediation,

    /// <summary>Report: "Exchange SMTP audit".</summary>
    ReportTitle,

    /// <summary>Report: "Run".</summary>
    ReportRun,

    /// <summary>Report: "Started (UTC)".</summary>
    ReportStarted,

    /// <summary>Report: "Finished (UTC)".</summary>
    ReportFinished,

    /// <summary>Report: "Status".</summary>
    ReportStatus,

    /// <summary>Report: "Tool version".</summary>
    ReportToolVersion,

    /// <summary>Report: "Inventory".</summary>
    ReportInventory,

    /// <summary>Report: "Hosts audited".</summary>
    ReportHostsAudited,

    /// <summary>Report: "Hosts".</summary>
    ReportHosts,

    /// <summary>Report: "Changes since the previous run".</summary>
    ReportChanges,

    /// <summary>Report: "Change".</summary>
    ReportChange,

    /// <summary>Report: "Previous run".</summary>
    ReportPreviousRun,

    /// <summary>Report: "Most frequent probable causes".</summary>
    ReportTopCauses,

    /// <summary>Report: "Probable cause".</summary>
    ReportCause,

    /// <summary>Report: "Hosts per site".</summary>
    ReportSites,

    /// <summary>Report: "Site".</summary>
    ReportSite,

    /// <summary>Report: "Not healthy".</summary>
    ReportNotHealthy,

    /// <summary>Report: "Recent runs".</summary>
    ReportRecentRuns,

    /// <summary>Report: "Host".</summary>
    ReportHost,

    /// <summary>Report: "Name".</summary>
    ReportName,

    /// <summary>Report: "Owner".</summary>
    ReportOwner,

    /// <summary>Report: "In this verdict since".</summary>
    ReportSince,

    /// <summary>Report: "Days".</summary>
    ReportDays,

    /// <summary>Report: "Procedure".</summary>
    ReportProcedure,

    /// <summary>Report: "Step".</summary>
    ReportStep,

    /// <summary>Report: "Text".</summary>
    ReportText,

    /// <summary>Report: "Reference".</summary>
    ReportReference,

    /// <summary>Report: "Kind".</summary>
    ReportKind,

    /// <summary>Report: "[cut: Excel's cell limit]".</summary>
    ReportCut,

    /// <summary>Report: "(none)".</summary>
    ReportNone,

    /// <summary>Mail: "New problems since the previous run".</summary>
    MailNewProblems,

    /// <summary>Mail: "Act first: missing sinks and suspected metabase corruption, longest-standing first".</summary>
    MailActFirst,

    /// <summary>Mail: "The workbook is too large to attach; it lies here".</summary>
    MailNotAttached,

    /// <summary>Report: "Keyword matrix".</summary>
    ReportKeywordMatrix,

    /// <summary>Report: "present".</summary>
    ReportPresent,

    /// <summary>Report: "missing".</summary>
    ReportMissingKeyword,

    /// <summary>Report: "unexpected" (a keyword the profile does not know).</summary>
    ReportNotExpected,

    /// <summary>Report: "Hosts per verdict" (the chart's title).</summary>
    ReportHostsPerVerdict,

    /// <summary>Report: "Raw results".</summary>
    ReportRawResults,

    /// <summary>Report: "Inventory problems".</summary>
    ReportInventoryProblems,

    /// <summary>Report: "Line".</summary>
    ReportLine,

    /// <summary>Report: "Row as written".</summary>
    ReportRawText,

    /// <summary>Page 1: "No Exchange server needs action."</summary>
    ActionHeadlineNone,

    /// <summary>Page 1: "{0} Exchange server needs action" (one).</summary>
    ActionHeadlineOne,

    /// <summary>Page 1: "{0} Exchange servers need action".</summary>
    ActionHeadlineMany,

    /// <summary>Page 1: "{0} with the Exchange event sinks not loaded".</summary>
    ActionWithSinks,

    /// <summary>Page 1: "{0} with suspected metabase corruption".</summary>
    ActionWithMetabase,

    /// <summary>Page 1: "{0} new since yesterday".</summary>
    ActionNewSinceYesterday,

    /// <summary>Page 1: "{0} new since {1}" (the previous run's date).</summary>
    ActionNewSince,

    /// <summary>Mail subject: "{0} new".</summary>
    ActionNew,

    /// <summary>Page 1: "Could not be checked: {0}".</summary>
    ActionNotChecked,

    /// <summary>Page 1: "Other servers: {0}".</summary>
    ActionOtherServers,

    /// <summary>Page 1: "Healthy: {0}".</summary>
    ActionHealthy,

    /// <summary>Page 1: "and {0} more: see the sheets {1}".</summary>
    ActionMore,

    /// <summary>"and {0} more" after a few names.</summary>
    AndMore,

    /// <summary>Report: "New" (column).</summary>
    ReportNew,

    /// <summary>Report: "new" (a host new to its verdict since the previous run).</summary>
    ReportNewMark,

    /// <summary>Report: "What to do" (the procedure to run).</summary>
    ReportWhatToDo,

    /// <summary>Report: "Problem".</summary>
    ReportProblem,

    /// <summary>Report: "Missing keywords".</summary>
    ReportMissingKeywords,

    /// <summary>Report: "Comment" (the inventory's comment column).</summary>
    ReportComment,

    /// <summary>Report: "Which hosts".</summary>
    ReportWhich,

    /// <summary>Report: "About this run".</summary>
    ReportAboutRun,

    /// <summary>Report footer: "Page {0} of {1}".</summary>
    ReportPageOf,

    /// <summary>Keyword matrix: the column of the rarest keywords, "Other keywords ({0} rarer ones, per host)".</summary>
    ReportOtherKeywords,

    /// <summary>Report: "Recent runs (the data of the chart)".</summary>
    ReportChartData,

    /// <summary>Run status "Running".</summary>
    StatusRunning,

    /// <summary>Run status "Completed".</summary>
    StatusCompleted,

    /// <summary>Run status "Interrupted".</summary>
    StatusInterrupted,

    /// <summary>Run status "Failed".</summary>
    StatusFailed,

    /// <summary>Change "New problem".</summary>
    ChangeNewProblem,

    /// <summary>Change "Recovered".</summary>
    ChangeRecovered,

    /// <summary>Change "Verdict changed".</summary>
    ChangeVerdictChanged,

    /// <summary>Change "Still failing".</summary>
    ChangeStillFailing,

    /// <summary>Change "Added to the inventory".</summary>
    ChangeAdded,

    /// <summary>Change "Removed from the inventory".</summary>
    ChangeRemoved,

    /// <summary>Mail subject: "{0} servers need action".</summary>
    MailNeedActionMany,

    /// <summary>Mail subject: "1 server needs action".</summary>
    MailNeedActionOne,

    /// <summary>Mail subject: "no server needs action".</summary>
    MailNeedActionNone,

    /// <summary>Mail subject: "{0} could not be checked".</summary>
    MailNotChecked,

    /// <summary>Mail: "What to do, per server".</summary>
    MailWhatToDo,

    /// <summary>Mail: "The workbook is attached ({0}): every host, the causes and the procedures step by step."</summary>
    MailAttached,

    /// <summary>Mail: "This run on the dashboard".</summary>
    MailDashboard,

    /// <summary>Mail: "and {0} more in the workbook".</summary>
    MailMoreInWorkbook,

    /// <summary><c>esfleet probe</c>: "Probing {0}" (the host).</summary>
    ProbeHeading,

    /// <summary>Transcript note: "connecting to {0}" (an address and port).</summary>
    NoteConnecting,

    /// <summary>Transcript note: "connect attempt {1} failed ({0}: {2}); retrying" ({0} the reason).</summary>
    NoteConnectRetry,

    /// <summary>Transcript note: "{0}: {1}", why the probe ended early ({0} the reason).</summary>
    NoteAborted,

    /// <summary>Transcript note: "{0} lines arrived before EHLO was sent; ...".</summary>
    NoteEarlyLines,

    /// <summary>Transcript note: "server sent {0} bytes after its STARTTLS 220; dropped".</summary>
    NoteInjected,

    /// <summary>Transcript note: "TLS handshake".</summary>
    NoteTlsHandshake,

    /// <summary>Transcript note: "TLS handshake failed: {0}".</summary>
    NoteTlsFailed,

    /// <summary>Transcript note: "TLS handshake: {0}" (a time-out or a closed connection).</summary>
    NoteTlsStopped,

    /// <summary>Transcript note: "TLS {0}, {1}, certificate {2}".</summary>
    NoteTlsEstablished,

    /// <summary>Transcript note: "QUIT: {0}".</summary>
    NoteQuit,

    /// <summary>Transcript note: "transcript truncated".</summary>
    NoteTruncated,

    /// <summary>The family <c>unknown</c> for people.</summary>
    FamilyUnknown,

    /// <summary>The family <c>masked</c> for people.</summary>
    FamilyMasked,
}
