using System.Data;

namespace ExchangeSmtpFleet.Infrastructure.Tests.Persistence.SqlServerOffline;

/// <summary>A command as it would have gone to SQL Server: its text and each parameter's name, SqlClient type and value.</summary>
internal sealed record RecordedCommand(string Text, IReadOnlyList<(string Name, SqlDbType Type, object? Value)> Parameters);
