using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace ExchangeSmtpFleet.Infrastructure.Tests.Persistence;

/// <summary>
/// Why a T-SQL script changes nothing when it runs a second time, statement by statement (issue 21, item 4): every
/// statement that changes the schema or data is either idempotent by its nature (CREATE OR ALTER, DROP ... IF EXISTS, an
/// UPDATE of rows whose target column is still NULL) or guarded by an IF that is false once it has run: a table by
/// <c>OBJECT_ID(name) IS NULL</c> with no type (any object of the name: version 5 turned the table <c>keywords</c> into a
/// view), an index by its name in <c>sys.indexes</c>, a column by <c>COL_LENGTH</c>, a row by NOT EXISTS over its table, a
/// one-time block by the table it drops. What the walk does not know is reported, so a new kind of statement needs a rule.
/// </summary>
internal static class TSqlGuards
{
    /// <summary>Every statement of <paramref name="script"/> whose second run could change something, as <c>line N: why</c>.</summary>
    public static List<string> Unguarded(string script)
    {
        var (fragment, errors) = TSqlSchema.Parse(script);
        Assert.Empty(errors.Select(e => $"line {e.Line} column {e.Column}: {e.Message}"));
        return [.. ((TSqlScript)fragment).Batches.SelectMany(b => b.Statements)
            .Select(s => Judge(s) is { } problem ? $"line {s.StartLine}: {problem}" : null)
            .OfType<string>()];
    }

    private static string? Judge(TSqlStatement statement) => statement switch
    {
        PredicateSetStatement or DeclareVariableStatement or SetVariableStatement or PrintStatement or ThrowStatement => null,
        BeginTransactionStatement => null,
        ExecuteStatement execute when Procedure(execute) is "sp_getapplock" or "sp_releaseapplock" => null,
        CreateOrAlterViewStatement => null,
        DropIndexStatement drop when drop.IsIfExists => null,
        UpdateStatement update => UpdatesOnlyNulls(update),
        IfStatement guard => Guarded(guard),
        _ => $"{statement.GetType().Name} runs every time without a guard",
    };

    private static string? Guarded(IfStatement guard)
    {
        if (guard.ElseStatement is not null)
        {
            return "an IF with ELSE";
        }

        var predicate = guard.Predicate;
        return guard.ThenStatement switch
        {
            CreateTableStatement create => IsMissing(predicate, Name(create.SchemaObjectName))
                ? null
                : $"CREATE TABLE {Name(create.SchemaObjectName)} is not guarded by OBJECT_ID(N'{Name(create.SchemaObjectName)}') IS NULL (any object of the name, no type)",
            CreateIndexStatement index => IsNotExists(predicate, "indexes", index.Name.Value)
                ? null
                : $"CREATE INDEX {index.Name.Value} is not guarded by its name in sys.indexes",
            AlterTableAddTableElementStatement add => IsColumnMissing(predicate, Name(add.SchemaObjectName), add.Definition.ColumnDefinitions.Select(c => c.ColumnIdentifier.Value))
                ? null
                : $"ALTER TABLE {Name(add.SchemaObjectName)} ADD is not guarded by COL_LENGTH of a column it adds",
            InsertStatement insert when insert.InsertSpecification.Target is NamedTableReference target =>
                Conjuncts(predicate).Any(p => IsNotExists(p, target.SchemaObject.BaseIdentifier.Value, null))
                    ? null
                    : $"INSERT INTO {Name(target.SchemaObject)} is not guarded by NOT EXISTS over its table",
            CommitTransactionStatement => Mentions(predicate, "@@TRANCOUNT") ? null : "COMMIT not guarded by @@TRANCOUNT",
            ThrowStatement => null,
            BeginEndBlockStatement block => RunsOnce(predicate, block) ? null : "a block that its guard does not make run once",
            var other => $"IF ... {other.GetType().Name} has no rule",
        };
    }

    /// <summary><c>OBJECT_ID(N'name') IS NULL</c>: one argument (any object of the name), naming the table made.</summary>
    private static bool IsMissing(BooleanExpression predicate, string name) =>
        predicate is BooleanIsNullExpression { IsNot: false, Expression: FunctionCall call }
        && string.Equals(call.FunctionName.Value, "OBJECT_ID", StringComparison.OrdinalIgnoreCase)
        && call.Parameters is [StringLiteral literal]
        && string.Equals(literal.Value, name, StringComparison.OrdinalIgnoreCase);

    /// <summary><c>COL_LENGTH(N'table', N'column') IS NULL</c> for one of the columns added.</summary>
    private static bool IsColumnMissing(BooleanExpression predicate, string table, IEnumerable<string> columns) =>
        predicate is BooleanIsNullExpression { IsNot: false, Expression: FunctionCall call }
        && string.Equals(call.FunctionName.Value, "COL_LENGTH", StringComparison.OrdinalIgnoreCase)
        && call.Parameters is [StringLiteral of, StringLiteral column]
        && string.Equals(of.Value, table, StringComparison.OrdinalIgnoreCase)
        && columns.Contains(column.Value, StringComparer.OrdinalIgnoreCase);

    /// <summary><c>NOT EXISTS (SELECT ... FROM table ...)</c>, naming <paramref name="literal"/> somewhere when given.</summary>
    private static bool IsNotExists(BooleanExpression predicate, string table, string? literal) =>
        Unwrap(predicate) is BooleanNotExpression { Expression: var inner }
        && Unwrap(inner) is ExistsPredicate exists
        && Nodes(exists).OfType<NamedTableReference>().Any(t => string.Equals(t.SchemaObject.BaseIdentifier.Value, table, StringComparison.OrdinalIgnoreCase))
        && (literal is null || Nodes(exists).OfType<StringLiteral>().Any(s => string.Equals(s.Value, literal, StringComparison.OrdinalIgnoreCase)));

    /// <summary>A block guarded by <c>OBJECT_ID(x, ...) IS NOT NULL</c> that drops x: after one run the guard is false.</summary>
    private static bool RunsOnce(BooleanExpression predicate, BeginEndBlockStatement block) =>
        predicate is BooleanIsNullExpression { IsNot: true, Expression: FunctionCall { Parameters: [StringLiteral literal, ..] } call }
        && string.Equals(call.FunctionName.Value, "OBJECT_ID", StringComparison.OrdinalIgnoreCase)
        && Nodes(block).OfType<DropTableStatement>().SelectMany(d => d.Objects).Any(o => string.Equals(Name(o), literal.Value, StringComparison.OrdinalIgnoreCase));

    /// <summary>An UPDATE whose WHERE requires a column it sets to be NULL: the second time it finds no rows.</summary>
    private static string? UpdatesOnlyNulls(UpdateStatement update)
    {
        var set = update.UpdateSpecification.SetClauses.OfType<AssignmentSetClause>()
            .Select(c => c.Column.MultiPartIdentifier.Identifiers[^1].Value).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var nulls = update.UpdateSpecification.WhereClause is { } where
            ? Nodes(where).OfType<BooleanIsNullExpression>().Where(n => !n.IsNot).Select(n => n.Expression).OfType<ColumnReferenceExpression>()
                .Select(c => c.MultiPartIdentifier.Identifiers[^1].Value)
            : [];
        return nulls.Any(set.Contains) ? null : "an UPDATE that does not only fill columns that are still NULL";
    }

    private static IEnumerable<BooleanExpression> Conjuncts(BooleanExpression predicate) =>
        Unwrap(predicate) is BooleanBinaryExpression { BinaryExpressionType: BooleanBinaryExpressionType.And } and
            ? Conjuncts(and.FirstExpression).Concat(Conjuncts(and.SecondExpression))
            : [predicate];

    private static BooleanExpression Unwrap(BooleanExpression predicate) =>
        predicate is BooleanParenthesisExpression parenthesis ? Unwrap(parenthesis.Expression) : predicate;

    private static bool Mentions(TSqlFragment fragment, string global) =>
        Nodes(fragment).OfType<GlobalVariableExpression>().Any(g => string.Equals(g.Name, global, StringComparison.OrdinalIgnoreCase));

    private static string? Procedure(ExecuteStatement execute) =>
        (execute.ExecuteSpecification.ExecutableEntity as ExecutableProcedureReference)?.ProcedureReference?.ProcedureReference?.Name?.BaseIdentifier.Value;

    private static string Name(SchemaObjectName name) => string.Join('.', name.Identifiers.Select(i => i.Value));

    private static List<TSqlFragment> Nodes(TSqlFragment fragment)
    {
        var all = new AllNodes();
        fragment.Accept(all);
        return all.Found;
    }

    private sealed class AllNodes : TSqlFragmentVisitor
    {
        public List<TSqlFragment> Found { get; } = [];

        public override void Visit(TSqlFragment fragment) => Found.Add(fragment);
    }
}
