using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace ExchangeSmtpFleet.Infrastructure.Tests.Persistence;

/// <summary>Reads T-SQL with ScriptDom for the offline checks: parse trees, and the tables and columns scripts create.</summary>
internal static class TSqlSchema
{
    /// <summary>
    /// Parses with the grammar of SQL Server 2016 (TSql130Parser), the oldest server esfleet supports (SP1): a statement
    /// that only a later version knows (STRING_AGG, CREATE OR ALTER TABLE, ...) fails here as it would on that server.
    /// </summary>
    public static (TSqlFragment Fragment, IList<ParseError> Errors) Parse(string text)
    {
        using var reader = new StringReader(text);
        var fragment = new TSql130Parser(initialQuotedIdentifiers: true).Parse(reader, out var errors);
        return (fragment, errors);
    }

    /// <summary>
    /// The width of every character column the texts create (table to column to its length in characters; null for MAX),
    /// temp tables included (their names keep the <c>#</c>).
    /// </summary>
    public static Dictionary<string, Dictionary<string, int?>> CharacterWidths(IEnumerable<string> texts)
    {
        var widths = new Dictionary<string, Dictionary<string, int?>>(StringComparer.OrdinalIgnoreCase);
        foreach (var text in texts)
        {
            var collector = new CreateTableCollector();
            Parse(text).Fragment.Accept(collector);
            foreach (var create in collector.Tables)
            {
                Add(widths, create.SchemaObjectName.BaseIdentifier.Value, create.Definition.ColumnDefinitions);
            }

            foreach (var (table, column) in collector.AddedDefinitions)
            {
                Add(widths, table, [column]);
            }
        }

        return widths;
    }

    /// <summary>Whether a column's type holds characters (CHAR, VARCHAR, NCHAR, NVARCHAR, TEXT, NTEXT).</summary>
    public static bool IsCharacter(ColumnDefinition column) =>
        column.DataType is SqlDataTypeReference
        {
            SqlDataTypeOption: SqlDataTypeOption.Char or SqlDataTypeOption.VarChar or SqlDataTypeOption.NChar
            or SqlDataTypeOption.NVarChar or SqlDataTypeOption.Text or SqlDataTypeOption.NText
        };

    private static void Add(Dictionary<string, Dictionary<string, int?>> widths, string table, IEnumerable<ColumnDefinition> columns)
    {
        var of = widths.TryGetValue(table, out var known) ? known : widths[table] = new(StringComparer.OrdinalIgnoreCase);
        foreach (var column in columns.Where(IsCharacter))
        {
            var length = ((SqlDataTypeReference)column.DataType).Parameters.FirstOrDefault();
            of[column.ColumnIdentifier.Value] = length is MaxLiteral ? null : int.Parse(length!.Value, System.Globalization.CultureInfo.InvariantCulture);
        }
    }

    /// <summary>
    /// Every table and view the texts leave (CREATE TABLE, ALTER TABLE ... ADD, DROP TABLE, CREATE [OR ALTER] VIEW, in script
    /// order), with its columns in order, without the schema name.
    /// </summary>
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

            foreach (var dropped in collector.Dropped)
            {
                tables.Remove(dropped);
            }

            foreach (var (view, columns) in collector.Views)
            {
                tables[view] = columns;
            }
        }

        return tables;
    }

    private sealed class CreateTableCollector : TSqlFragmentVisitor
    {
        public List<CreateTableStatement> Tables { get; } = [];

        public List<(string Table, string Column)> Added { get; } = [];

        public override void Visit(CreateTableStatement node) => Tables.Add(node);

        public List<string> Dropped { get; } = [];

        public List<(string View, List<string> Columns)> Views { get; } = [];

        public List<(string Table, ColumnDefinition Column)> AddedDefinitions { get; } = [];

        public override void Visit(AlterTableAddTableElementStatement node)
        {
            Added.AddRange(node.Definition.ColumnDefinitions.Select(c => (node.SchemaObjectName.BaseIdentifier.Value, c.ColumnIdentifier.Value)));
            AddedDefinitions.AddRange(node.Definition.ColumnDefinitions.Select(c => (node.SchemaObjectName.BaseIdentifier.Value, c)));
        }

        public override void Visit(DropTableStatement node) => Dropped.AddRange(node.Objects.Select(o => o.BaseIdentifier.Value));

        /// <summary>A view's columns: the names of its first SELECT's columns (alias, else the column's own name).</summary>
        public override void Visit(ViewStatementBody node)
        {
            var query = node.SelectStatement.QueryExpression;
            while (query is BinaryQueryExpression binary)
            {
                query = binary.FirstQueryExpression;
            }

            var columns = ((QuerySpecification)query).SelectElements.OfType<SelectScalarExpression>()
                .Select(e => e.ColumnName?.Value ?? ((ColumnReferenceExpression)e.Expression).MultiPartIdentifier.Identifiers[^1].Value)
                .ToList();
            Views.Add((node.SchemaObjectName.BaseIdentifier.Value, columns));
        }
    }
}
