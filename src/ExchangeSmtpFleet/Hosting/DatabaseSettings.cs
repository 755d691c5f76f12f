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

    /// <summary>The connection string key of the SQL Server database (<c>ConnectionStrings:Fleet</c>).</summary>
    public const string ConnectionStringName = "Fleet";

    /// <summary>The providers this build can store runs with.</summary>
    public static readonly string[] Providers = [Sqlite, SqlServer];

    /// <summary><c>sqlite</c> (the embedded default) or <c>sqlserver</c> (with <c>ConnectionStrings:Fleet</c>).</summary>
    public string Provider { get; set; } = Sqlite;

    /// <summary>Whether <see cref="Provider"/> names SQL Server (any case).</summary>
    public bool IsSqlServer => string.Equals(Provider, SqlServer, StringComparison.OrdinalIgnoreCase);

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
