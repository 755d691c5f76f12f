using Npgsql;
using NpgsqlTypes;

namespace ExchangeSmtpFleet.Infrastructure.Persistence;

/// <summary>Nullable values into a binary COPY (<see cref="NpgsqlBinaryImporter"/>): a null is written as NULL.</summary>
internal static class PostgresCopy
{
    public static Task TextAsync(NpgsqlBinaryImporter copy, string? value, CancellationToken cancellationToken) =>
        value is null ? copy.WriteNullAsync(cancellationToken) : copy.WriteAsync(value, NpgsqlDbType.Text, cancellationToken);

    public static Task DoubleAsync(NpgsqlBinaryImporter copy, double? value, CancellationToken cancellationToken) =>
        value is { } v ? copy.WriteAsync(v, NpgsqlDbType.Double, cancellationToken) : copy.WriteNullAsync(cancellationToken);

    /// <summary>A UTC instant into a <c>timestamptz</c> column.</summary>
    public static Task TimeAsync(NpgsqlBinaryImporter copy, DateTimeOffset value, CancellationToken cancellationToken) =>
        copy.WriteAsync(value.UtcDateTime, NpgsqlDbType.TimestampTz, cancellationToken);
}
