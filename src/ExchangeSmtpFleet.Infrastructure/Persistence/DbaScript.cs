using System.Globalization;
using System.Text;

namespace ExchangeSmtpFleet.Infrastructure.Persistence;

/// <summary>
/// The schema as a DBA applies it by hand (<c>esfleet db script</c>): the dialect's scripts in order, each with its row of
/// the journal that esfleet reads at start, so that a login without DDL rights finds the schema applied and runs (issue 21,
/// item 4). On SQL Server idempotent as a whole: the journal and every object are created only when missing, a script's
/// journal row only when the script completed and the row is not there; running it twice changes nothing.
/// </summary>
public static class DbaScript
{
    /// <summary>The whole script of <paramref name="dialect"/> (<see cref="SchemaScripts.Sqlite"/>, <see cref="SchemaScripts.SqlServer"/> or <see cref="SchemaScripts.Postgres"/>).</summary>
    /// <param name="dialect">The dialect's folder name.</param>
    /// <param name="build">The esfleet build that prints it, for the header.</param>
    /// <exception cref="ArgumentException">No such dialect.</exception>
    public static string For(string dialect, string build) => dialect switch
    {
        SchemaScripts.SqlServer => SqlServer(build),
        SchemaScripts.Sqlite => Sqlite(build),
        SchemaScripts.Postgres => Postgres(build),
        _ => throw new ArgumentException($"no schema scripts for '{dialect}'", nameof(dialect)),
    };

    /// <summary>
    /// T-SQL in GO batches for sqlcmd or SSMS. The session takes the schema lock esfleet's migrations take, so an esfleet
    /// starting meanwhile waits; each script is one transaction (XACT_ABORT: an error rolls it back), and its journal row is
    /// written in that transaction only while it is still open, so a script that failed is not journaled.
    /// </summary>
    private static string SqlServer(string build)
    {
        var scripts = SchemaScripts.For(SchemaScripts.SqlServer);
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"""
            -- ExchangeSmtpFleet schema for SQL Server 2016 SP1 or later, as esfleet {build} applies it: the scripts
            -- {scripts[0].Name} to {scripts[^1].Name} and the journal dbo.schema_versions that esfleet reads at start, so that a
            -- login with read and write rights only (db_datareader, db_datawriter) runs once a DBA applied this. Running it
            -- again changes nothing. Apply it as a login that may create tables, views and schemas (db_ddladmin or db_owner):
            --   sqlcmd -S SERVER -d DATABASE -E -b -i esfleet-schema.sql
            -- (-b stops at the first error; each script is one transaction, journaled only when it completed).
            SET XACT_ABORT ON;
            SET NOCOUNT ON;
            GO
            DECLARE @granted INT;
            EXEC @granted = sp_getapplock @Resource = N'{SqlServerDatabase.SchemaLockResource}', @LockMode = N'Exclusive', @LockOwner = N'Session', @LockTimeout = -1;
            IF @granted < 0 THROW 50000, N'esfleet: the schema lock was not granted', 1;
            GO
            {SqlServerDatabase.CreateJournal}
            GO

            """);
        foreach (var (name, script) in scripts)
        {
            var quoted = name.Replace("'", "''", StringComparison.Ordinal);
            text.Append(CultureInfo.InvariantCulture, $"""
                -- esfleet schema script {name}
                BEGIN TRANSACTION;
                GO
                {script.Trim()}
                GO
                IF @@TRANCOUNT > 0 AND NOT EXISTS (SELECT 1 FROM dbo.schema_versions WHERE script = N'{quoted}')
                    INSERT INTO dbo.schema_versions (script, applied_at) VALUES (N'{quoted}', SYSUTCDATETIME());
                IF @@TRANCOUNT > 0 COMMIT TRANSACTION;
                GO

                """);
        }

        text.Append(CultureInfo.InvariantCulture, $"""
            EXEC sp_releaseapplock @Resource = N'{SqlServerDatabase.SchemaLockResource}', @LockOwner = N'Session';
            GO

            """);
        return text.ToString();
    }

    /// <summary>
    /// SQLite statements for the sqlite3 shell, each script in a transaction with its journal row: for a new file (SQLite
    /// has no guard for a column, so its scripts are applied once, as the journal says; esfleet upgrades files itself).
    /// </summary>
    private static string Sqlite(string build)
    {
        var scripts = SchemaScripts.For(SchemaScripts.Sqlite);
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"""
            -- ExchangeSmtpFleet schema for SQLite, as esfleet {build} applies it: the scripts {scripts[0].Name} to
            -- {scripts[^1].Name} and the journal schema_versions. esfleet creates and upgrades its SQLite file itself; to make a
            -- new file by hand:
            --   sqlite3 -bail esfleet.db < esfleet-schema.sql
            -- For a new file only: SQLite cannot guard ALTER TABLE ... ADD COLUMN, so the scripts rely on the journal, which
            -- esfleet reads (esfleet db migrate upgrades an existing file).
            {SqliteDatabase.CreateJournal};

            """);
        foreach (var (name, script) in scripts)
        {
            var quoted = name.Replace("'", "''", StringComparison.Ordinal);
            text.Append(CultureInfo.InvariantCulture, $"""
                -- esfleet schema script {name}
                BEGIN;
                {script.Trim()}
                INSERT OR IGNORE INTO schema_versions (script, applied_at) VALUES ('{quoted}', strftime('%Y-%m-%dT%H:%M:%f0000Z', 'now'));
                COMMIT;

                """);
        }

        return text.ToString();
    }

    /// <summary>
    /// SQL for psql, one transaction as esfleet's own migration is: it takes the advisory lock esfleet's migrations take (an
    /// esfleet starting meanwhile waits), makes the journal, and applies each script with its journal row. Idempotent as a
    /// whole: the scripts are, and a journal row already there is left as it is. A failure rolls everything back.
    /// </summary>
    private static string Postgres(string build)
    {
        var scripts = SchemaScripts.For(SchemaScripts.Postgres);
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"""
            -- ExchangeSmtpFleet schema for PostgreSQL 13 or later, as esfleet {build} applies it: the scripts {scripts[0].Name}
            -- to {scripts[^1].Name} and the journal schema_versions that esfleet reads at start, so that a login with read and
            -- write rights only runs once a DBA applied this (in the login's first search_path schema). Running it again
            -- changes nothing. Apply it as the owner of that schema, stopping at the first error (one transaction):
            --   psql -v ON_ERROR_STOP=1 -d esfleet -f esfleet-schema.sql
            -- Hangfire's schema (hangfire) is made by the first esfleet serve as a login that may CREATE in the database.
            BEGIN;
            SELECT pg_advisory_xact_lock({PostgresDatabase.MigrationLockKey});
            {PostgresDatabase.CreateJournal}

            """);
        foreach (var (name, script) in scripts)
        {
            var quoted = name.Replace("'", "''", StringComparison.Ordinal);
            text.Append(CultureInfo.InvariantCulture, $"""
                -- esfleet schema script {name}
                {script.Trim()}
                INSERT INTO schema_versions (script, applied_at) VALUES ('{quoted}', now()) ON CONFLICT (script) DO NOTHING;

                """);
        }

        text.Append("COMMIT;\n");
        return text.ToString();
    }
}
