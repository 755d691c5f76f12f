using System.Globalization;
using ExchangeSmtpFleet.Core.Auditing;
using ExchangeSmtpFleet.Core.Knowledge;
using ExchangeSmtpFleet.Core.Storage;

namespace ExchangeSmtpFleet.Jobs;

/// <summary>
/// The words of the Audit pages in English and German (the language of <c>Report:Language</c>). Verdict titles, causes and
/// procedures come from the knowledge base; these are the page's own labels. Every text is plain: the pages encode it.
/// </summary>
internal sealed class DashboardText
{
    private static readonly DashboardText English = new(Language.English);
    private static readonly DashboardText German = new(Language.German);

    private DashboardText(Language language)
    {
        Language = language;
    }

    /// <summary>The language.</summary>
    public Language Language { get; }

    private bool De => Language == Language.German;

    public static DashboardText For(Language language) => language == Language.German ? German : English;

    public static string Audit => "Audit";

    public string Runs => De ? "Läufe" : "Runs";

    public string Run => De ? "Lauf" : "Run";

    public static string Host => "Host";

    public static string Name => "Name";

    public string Site => De ? "Standort" : "Site";

    public string Owner => De ? "Verantwortlich" : "Owner";

    public string Verdict => De ? "Befund" : "Verdict";

    public string Reason => De ? "Grund" : "Reason";

    public string Family => De ? "Familie" : "Family";

    public string Evidence => De ? "Woran erkannt" : "Evidence";

    public static string Banner => "Banner";

    public static string Version => "Version";

    public string Missing => De ? "Fehlende Verben" : "Missing keywords";

    public string Unexpected => De ? "Unerwartete Verben" : "Unexpected keywords";

    public string Detail => De ? "Einzelheit" : "Detail";

    public string Profile => De ? "Profil" : "Profile";

    public string Address => De ? "Adresse" : "Address";

    public string Timings => De ? "Zeiten" : "Timings";

    public string InThisState => De ? "In diesem Zustand" : "In this state";

    public string New => De ? "neu" : "new";

    public string NewTitle => De ? "Im Lauf davor hatte dieser Host einen anderen Befund" : "This host had another verdict in the run before";

    public string Started => De ? "Gestartet" : "Started";

    public string Finished => De ? "Beendet" : "Finished";

    public string Duration => De ? "Dauer" : "Duration";

    public static string Status => "Status";

    public static string Hosts => "Hosts";

    public string Workbook => De ? "Arbeitsmappe" : "Workbook";

    public string Download => De ? "herunterladen" : "download";

    public string DownloadWorkbook => De ? "Arbeitsmappe herunterladen" : "Download the workbook";

    public string AllRuns => De ? "Alle Läufe" : "All runs";

    public string RunNow => De ? "Audit jetzt ausführen" : "Run the audit now";

    public string RunNowLoading => De ? "Wird gestartet …" : "Starting…";

    public static string NoRun => "No run is stored yet.";

    public string NeedsAction => De ? "Maßnahme erforderlich" : "Needs action";

    public string NeedsActionHint => De
        ? "Exchange-Server, deren SMTP-Ereignissenken nicht geladen sind oder deren Metabase beschädigt scheint: das Verfahren auf der Hostseite ausführen."
        : "Exchange servers whose SMTP event sinks are not loaded or whose metabase looks damaged: run the procedure on the host's page.";

    public string NothingNeedsAction => De ? "Kein Exchange-Server erfordert eine Maßnahme." : "No Exchange server needs action.";

    public string CouldNotCheck => De ? "Nicht prüfbar" : "Could not be checked";

    public string CouldNotCheckHint => De
        ? "Nicht erreichbar, abgewiesen oder kein SMTP: Host oder Netz prüfen, nicht Exchange."
        : "Unreachable, refused or not SMTP: look at the host or the network, not at Exchange.";

    public string OtherServers => De ? "Andere Server" : "Other servers";

    public string Healthy => De ? "In Ordnung" : "Healthy";

    public string ProbableCauses => De ? "Mögliche Ursachen" : "Probable causes";

    public string WhatToDo => De ? "Was zu tun ist" : "What to do";

    public string Prerequisites => De ? "Voraussetzungen" : "Prerequisites";

    public string Warnings => De ? "Warnungen" : "Warnings";

    public string Reference => De ? "Referenz" : "Reference";

    public string Findings => De ? "Beobachtungen" : "Findings";

    public string Transcript => De ? "Protokoll der Sitzung" : "Transcript";

    public string TranscriptPruned => De
        ? "Das Protokoll dieses Laufs wurde gelöscht (esfleet db prune)."
        : "The transcript of this run was pruned (esfleet db prune).";

    public string TlsCertificate => De ? "TLS-Zertifikat" : "TLS certificate";

    public string NoTls => De
        ? "Keine TLS-Sitzung: STARTTLS wurde nicht angeboten, nicht versucht oder ist gescheitert."
        : "No TLS session: STARTTLS was not offered, not tried, or failed.";

    public string Subject => De ? "Antragsteller" : "Subject";

    public string Issuer => De ? "Aussteller" : "Issuer";

    public string ValidFrom => De ? "Gültig ab" : "Valid from";

    public string ValidTo => De ? "Gültig bis" : "Valid to";

    public string AlternativeNames => De ? "Alternative Namen" : "Alternative names";

    public string Thumbprint => De ? "Fingerabdruck (SHA-1)" : "Thumbprint (SHA-1)";

    public string Protocol => De ? "Protokoll" : "Protocol";

    public string Cipher => De ? "Verschlüsselung" : "Cipher suite";

    public string ValidationErrors => De ? "Prüffehler" : "Validation errors";

    public string Valid => De ? "gültig" : "valid";

    public string History => De ? "Befundverlauf" : "Verdict history";

    public string NotInAnyRun => De ? "Dieser Host ist in keinem gespeicherten Lauf." : "This host is in no stored run.";

    public string ShownRun => De ? "Gezeigt wird der Lauf" : "Showing the run";

    public string LatestRunOfHost => De ? "der neueste Lauf mit diesem Host" : "the newest run with this host";

    public string BadHostKey => De
        ? "Das ist kein Host-Schlüssel (host:port, wie ihn die Läufe speichern)."
        : "This is not a host key (host:port, as the runs store it).";

    public string NoSuchRun => De ? "Diesen Lauf gibt es nicht." : "There is no such run.";

    public string StillFailing => De ? "Weiterhin fehlerhaft" : "Still failing";

    public string ChangesTitle => De ? "Änderungen" : "Changes";

    public string Change => De ? "Änderung" : "Change";

    public string Before => De ? "Vorher" : "Before";

    public string After => De ? "Nachher" : "After";

    public string NoEarlierRun => De ? "Kein früherer Lauf zum Vergleich." : "No earlier run to compare with.";

    public string Schedule => De ? "Zeitplan" : "Schedule";

    public string NotRegistered(string id) => De
        ? $"Der wiederkehrende Job {id} ist in dieser Job-Ablage nicht eingetragen: nur esfleet serve (und esfleet demo --serve nach seinem Audit) trägt ihn ein."
        : $"The recurring job {id} is not registered in this job storage: esfleet serve registers it (and esfleet demo --serve, after its own audit).";

    public string Days(int days) => days switch
    {
        1 => De ? "1 Tag" : "1 day",
        _ => string.Create(CultureInfo.InvariantCulture, $"{days} {(De ? "Tage" : "days")}"),
    };

    public string Since(string date) => De ? $"seit {date}" : $"since {date}";

    public string More(int count, string where) => De ? $"und {count} weitere: {where}" : $"and {count} more: {where}";

    public string SeeWorkbook => De ? "siehe die Arbeitsmappe" : "see the workbook";

    public string NeedActionCount(int count) => count switch
    {
        0 => NothingNeedsAction,
        1 => De ? "Exchange-Server erfordert eine Maßnahme" : "Exchange server needs action",
        _ => De ? "Exchange-Server erfordern Maßnahmen" : "Exchange servers need action",
    };

    public string CouldNotCheckCount(int count) => count == 1
        ? (De ? "Host nicht prüfbar" : "host could not be checked")
        : (De ? "Hosts nicht prüfbar" : "hosts could not be checked");

    public string OtherCount(int count) => count == 1 ? (De ? "anderer Server" : "other server") : (De ? "andere Server" : "other servers");

    public string HealthyCount(int count) => De ? "in Ordnung" : "healthy";

    public string NoChangesSince(string run, string date) => De ? $"Keine Änderungen seit {run}, {date}." : $"No changes since {run}, {date}.";

    public string ChangesSince(string run, string date) => De ? $"Änderungen seit {run}, {date}" : $"Changes since {run}, {date}";

    public string StillFailingCount(int count) => De
        ? string.Create(CultureInfo.InvariantCulture, $"Weiterhin fehlerhaft wie im Lauf davor: {count} {(count == 1 ? "Host" : "Hosts")}.")
        : string.Create(CultureInfo.InvariantCulture, $"Still failing as in the run before: {count} {(count == 1 ? "host" : "hosts")}.");

    public string HostsOfRun(int results, int hosts) => De
        ? string.Create(CultureInfo.InvariantCulture, $"{results} von {hosts} {(hosts == 1 ? "Host" : "Hosts")} mit Ergebnis")
        : string.Create(CultureInfo.InvariantCulture, $"{results} of {Plural.Of(hosts, "host")} {(results == 1 ? "has" : "have")} a result");

    public string RunningBanner(string run, int done, int of, string started) => De
        ? string.Create(CultureInfo.InvariantCulture, $"Audit {run} läuft: {done} von {of} {(of == 1 ? "Stapel" : "Stapeln")} erledigt, gestartet {started}. Unten der letzte beendete Lauf.")
        : string.Create(CultureInfo.InvariantCulture, $"Audit {run} is running: {done} of {Plural.Of(of, "batch", "batches")} done, started {started}. Below, the last finished run.");

    public string RunningNoBatches(string run, int results, int hosts, string started) => De
        ? string.Create(CultureInfo.InvariantCulture, $"Lauf {run} läuft: {results} von {hosts} {(hosts == 1 ? "Host" : "Hosts")} erledigt, gestartet {started}.")
        : string.Create(CultureInfo.InvariantCulture, $"Run {run} is running: {results} of {Plural.Of(hosts, "host")} done, started {started}.");

    public string ScheduleLine(string cron, string zone, string? next) => De
        ? $"Nächtliches Audit nightly-audit: {cron} ({zone}){(next is null ? string.Empty : $", nächster Lauf {next}")}"
        : $"Nightly audit nightly-audit: {cron} ({zone}){(next is null ? string.Empty : $", next run {next}")}";

    /// <param name="inventory">The inventory file.</param>
    /// <param name="batchSize">Hosts per batch job.</param>
    /// <param name="mailWhen">Null when the report is not mailed, else <c>Mail:When</c> (Always, Findings, Changes).</param>
    public string InventoryLine(string inventory, int batchSize, string? mailWhen) => De
        ? string.Create(CultureInfo.InvariantCulture, $"Inventar {inventory}, Stapel zu {batchSize} {(batchSize == 1 ? "Host" : "Hosts")}{MailedDe(mailWhen)}.")
        : string.Create(CultureInfo.InvariantCulture, $"Inventory {inventory}, batches of {Plural.Of(batchSize, "host")}{MailedEn(mailWhen)}.");

    private static string MailedDe(string? when) => when switch
    {
        null => string.Empty,
        _ when when.Equals("Always", StringComparison.OrdinalIgnoreCase) => ", Bericht per E-Mail",
        _ when when.Equals("Findings", StringComparison.OrdinalIgnoreCase) => ", Bericht per E-Mail, wenn ein Exchange-Server Handlungsbedarf hat (Mail:When Findings)",
        _ => ", Bericht per E-Mail, wenn sich etwas geändert hat (Mail:When Changes)",
    };

    private static string MailedEn(string? when) => when switch
    {
        null => string.Empty,
        _ when when.Equals("Always", StringComparison.OrdinalIgnoreCase) => ", report mailed",
        _ when when.Equals("Findings", StringComparison.OrdinalIgnoreCase) => ", report mailed when an Exchange server needs action (Mail:When Findings)",
        _ => ", report mailed when something changed (Mail:When Changes)",
    };

    public string LastTriggered(string job, string state) => De ? $"zuletzt ausgelöst: Job {job} ({state})" : $"last triggered: job {job} ({state})";

    public string StatusName(AuditRunStatus status) => status switch
    {
        AuditRunStatus.Running => De ? "Läuft" : "Running",
        AuditRunStatus.Completed => De ? "Abgeschlossen" : "Completed",
        AuditRunStatus.Interrupted => De ? "Unterbrochen" : "Interrupted",
        _ => De ? "Fehlgeschlagen" : "Failed",
    };

    public string ChangeName(ChangeKind kind) => kind switch
    {
        ChangeKind.NewProblem => De ? "Neues Problem" : "New problem",
        ChangeKind.Recovered => De ? "Behoben" : "Recovered",
        ChangeKind.VerdictChanged => De ? "Befund geändert" : "Verdict changed",
        ChangeKind.StillFailing => StillFailing,
        ChangeKind.Added => De ? "Neu im Inventar" : "Added to the inventory",
        _ => De ? "Aus dem Inventar entfernt" : "Removed from the inventory",
    };
}
