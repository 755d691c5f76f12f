namespace ExchangeSmtpFleet.Hosting;

/// <summary>
/// Where runs are stored: configuration section <c>Database</c>; <c>--db PATH</c> on a command overrides the path. The
/// embedded default is the SQLite file <c>esfleet.db</c> in the data folder (<c>ESF_DATA_DIR</c>, default <c>./data</c>).
/// </summary>
internal sealed class DatabaseSettings : ISettings
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Database";

    /// <summary>The configuration key of the data folder (environment variable <c>ESF_DATA_DIR</c>).</summary>
    public const string DataDirectoryKey = "DATA_DIR";

    /// <summary>The data folder when <c>ESF_DATA_DIR</c> is not set.</summary>
    public const string DefaultDataDirectory = "data";

    /// <summary>The embedded provider.</summary>
    public const string Sqlite = "sqlite";

    /// <summary>The production provider.</summary>
    public const string SqlServer = "sqlserver";

    /// <summary>The other shared provider (issue 22).</summary>
    public const string Postgres = "postgres";

    /// <summary>The connection string key of the SQL Server or PostgreSQL database (<c>ConnectionStrings:Fleet</c>).</summary>
    public const string ConnectionStringName = "Fleet";

    /// <summary>The providers this build can store runs with.</summary>
    public static readonly string[] Providers = [Sqlite, SqlServer, Postgres];

    /// <summary><c>sqlite</c> (the embedded default), <c>sqlserver</c> or <c>postgres</c> (both with <c>ConnectionStrings:Fleet</c>).</summary>
    public string Provider { get; set; } = Sqlite;

    /// <summary>Whether <see cref="Provider"/> names SQL Server (any case).</summary>
    public bool IsSqlServer => string.Equals(Provider, SqlServer, StringComparison.OrdinalIgnoreCase);

    /// <summary>Whether <see cref="Provider"/> names PostgreSQL (any case).</summary>
    public bool IsPostgres => string.Equals(Provider, Postgres, StringComparison.OrdinalIgnoreCase);

    /// <summary>Whether the database is a server that several processes share (SQL Server, PostgreSQL), and with it the job storage.</summary>
    public bool IsShared => IsSqlServer || IsPostgres;

    /// <summary>
    /// PostgreSQL's job storage: how long a batch taken by a worker stays invisible to the others without a sign of life. A
    /// live worker renews it every fifth of this (sliding invisibility); a job of a worker that died comes back after it.
    /// </summary>
    public int JobInvisibilitySeconds { get; set; } = 300;

    /// <summary>The SQLite file; empty for <c>esfleet.db</c> in the data folder.</summary>
    public string? Path { get; set; }

    /// <summary>Transcripts of runs older than this many days are dropped by <c>esfleet db prune</c> (verdicts stay).</summary>
    public int KeepTranscriptsDays { get; set; } = 30;

    /// <summary>Runs older than this many days are deleted as a whole by <c>esfleet db prune</c>; null keeps them forever.</summary>
    public int? KeepRunsDays { get; set; }

    /// <summary>What is wrong with the values, one line each, naming the setting.</summary>
    public IEnumerable<string> Problems()
    {
        if (!Providers.Contains(Provider, StringComparer.OrdinalIgnoreCase))
        {
            yield return $"{Section}:{nameof(Provider)} must be one of {string.Join(", ", Providers)}, not '{Provider}'";
        }

        if (JobInvisibilitySeconds is < 10 or > 3600)
        {
            yield return $"{Section}:{nameof(JobInvisibilitySeconds)} must be 10-3600, not {JobInvisibilitySeconds}";
        }

        if (KeepRunsDays is < 1)
        {
            yield return $"{Section}:{nameof(KeepRunsDays)} must be 1 or more (or absent: keep runs forever), not {KeepRunsDays}";
        }

        if (KeepTranscriptsDays < 0)
        {
            yield return $"{Section}:{nameof(KeepTranscriptsDays)} must be 0 or more, not {KeepTranscriptsDays}";
        }
    }

    /// <summary>The database file: <see cref="Path"/>, else <c>esfleet.db</c> in <paramref name="dataDirectory"/>.</summary>
    public string DatabasePath(string? dataDirectory) =>
        System.IO.Path.GetFullPath(string.IsNullOrWhiteSpace(Path) ? System.IO.Path.Combine(DataDirectory(dataDirectory), "esfleet.db") : Path);

    /// <summary>The data folder: <c>ESF_DATA_DIR</c> (configuration <c>DATA_DIR</c>) when set, else <c>./data</c>.</summary>
    /// <param name="configured">The configured value, or null.</param>
    public static string DataDirectory(string? configured) => string.IsNullOrWhiteSpace(configured) ? DefaultDataDirectory : configured;

    /// <summary>The data folder as <paramref name="configuration"/> sets it.</summary>
    /// <param name="configuration">The configuration.</param>
    public static string DataDirectory(Microsoft.Extensions.Configuration.IConfiguration configuration) =>
        DataDirectory(configuration?[DataDirectoryKey]);

    /// <summary>Where workbooks go by default: <c>reports</c> in the data folder.</summary>
    /// <param name="configuration">The configuration.</param>
    public static string ReportsDirectory(Microsoft.Extensions.Configuration.IConfiguration configuration) =>
        System.IO.Path.Combine(DataDirectory(configuration), "reports");
}
