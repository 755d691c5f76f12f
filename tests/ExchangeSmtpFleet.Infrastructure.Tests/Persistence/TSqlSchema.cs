using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace ExchangeSmtpFleet.Infrastructure.Tests.Persistence;

/// <summary>Reads T-SQL with ScriptDom for the offline checks: parse trees, and the tables and columns scripts create.</summary>
internal static class TSqlSchema
{
    public static (TSqlFragment Fragment, IList<ParseError> Errors) Parse(string text)
    {
        using var reader = new StringReader(text);
        var fragment = new TSql160Parser(initialQuotedIdentifiers: true).Parse(reader, out var errors);
        return (fragment, errors);
    }

    /// <summary>Every table the texts create (CREATE TABLE, then ALTER TABLE ... ADD), with its columns in order, without the schema name.</summary>
    public static Dictionary<string, List<string>> Tables(IEnumerable<string> texts)
    {
        var tables = new Dictionary<string, List<string>>(StringComparer.OrdinalIgnoreCase);
        foreach (var text in texts)
        {
            var collector = new CreateTableCollector();
            Parse(text).Fragment.Accept(collector);
            foreach (var create in collector.Tables)
            {
                tables[create.SchemaObjectName.BaseIdentifier.Value] = [.. create.Definition.ColumnDefinitions.Select(c => c.ColumnIdentifier.Value)];
            }

            foreach (var (table, column) in collector.Added)
            {
                tables[table].Add(column);
            }
        }

        return tables;
    }

    private sealed class CreateTableCollector : TSqlFragmentVisitor
    {
        public List<CreateTableStatement> Tables { get; } = [];

        public List<(string Table, string Column)> Added { get; } = [];

        public override void Visit(CreateTableStatement node) => Tables.Add(node);

        public override void Visit(AlterTableAddTableElementStatement node) =>
            Added.AddRange(node.Definition.ColumnDefinitions.Select(c => (node.SchemaObjectName.BaseIdentifier.Value, c.ColumnIdentifier.Value)));
    }
}
