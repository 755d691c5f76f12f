using System.Reflection;

namespace ExchangeSmtpFleet.Infrastructure.Persistence;

/// <summary>
/// The versioned schema scripts of <c>sql/sqlite/</c>, <c>sql/sqlserver/</c> and <c>sql/postgres/</c>, embedded in this assembly. Applied in
/// name order and journaled by name: never rename or change a script that has shipped, add a new one.
/// </summary>
public static class SchemaScripts
{
    /// <summary>The SQLite dialect's folder.</summary>
    public const string Sqlite = "sqlite";

    /// <summary>The SQL Server dialect's folder.</summary>
    public const string SqlServer = "sqlserver";

    /// <summary>The PostgreSQL dialect's folder.</summary>
    public const string Postgres = "postgres";

    private const string Prefix = "ExchangeSmtpFleet.Sql.";

    /// <summary>The scripts of one dialect in the order they apply: (name, text).</summary>
    public static IReadOnlyList<(string Name, string Text)> For(string dialect)
    {
        var assembly = typeof(SchemaScripts).Assembly;
        var prefix = $"{Prefix}{dialect}.";
        return [.. assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(prefix, StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(n => (n[prefix.Length..], Read(assembly, n)))];
    }

    private static string Read(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
