namespace ExchangeSmtpFleet.Infrastructure.Persistence;

/// <summary>The read statements of one SQL dialect; the parameter names are the same in every dialect.</summary>
/// <param name="ListRuns">@limit newest runs.</param>
/// <param name="LatestRun">The newest run.</param>
/// <param name="FindRun">The run @runId.</param>
/// <param name="CountsOfRun">Results per verdict of @run_id.</param>
/// <param name="History">@limit results of @hostKey, newest run first.</param>
/// <param name="Lacking">Hosts of @runId that answered EHLO without @keyword.</param>
/// <param name="RunBefore">The run that started last before @runId.</param>
/// <param name="Verdicts">Host, name and verdict of every result of @runId.</param>
/// <param name="HostsWithoutResult">Hosts of @runId's inventory without a result.</param>
/// <param name="PruneTranscripts">Drops the transcripts of runs that started before @before.</param>
/// <param name="ResultsOfRun">The results of @runId with their inventory rows, in inventory order.</param>
/// <param name="PruneRuns">Deletes every row of the runs that started before @before; the last statement deletes the runs.</param>
/// <param name="CountRunsBefore">How many runs started before @before.</param>
/// <param name="KeywordsOfRun">host_key and name of every pre-TLS keyword of @runId, host by host in advertised order.</param>
/// <param name="EvidenceOfRun">The other fields of every result of @runId with its findings (one row per finding, or one with none), in inventory order.</param>
/// <param name="ProblemsOfRun">The inventory problems of @runId in file order.</param>
/// <param name="MailedAt">sent_at of @runId's mail, if any.</param>
/// <param name="RecordMailed">Records @runId's mail at @sentAt to @recipients, replacing an earlier record.</param>
/// <param name="LatestCompletedRun">The newest run with status Completed.</param>
internal sealed record StoreQueries(
    string ListRuns, string LatestRun, string FindRun, string CountsOfRun, string History, string Lacking, string RunBefore, string Verdicts,
    string HostsWithoutResult, string PruneTranscripts, string ResultsOfRun, string PruneRuns, string CountRunsBefore, string KeywordsOfRun,
    string EvidenceOfRun, string ProblemsOfRun, string MailedAt, string RecordMailed, string LatestCompletedRun);
