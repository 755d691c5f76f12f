using System.Text.Json.Serialization;

namespace ExchangeSmtpFleet.Infrastructure.Persistence;

/// <summary>Source-generated JSON for what the database keeps as JSON text.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, UseStringEnumConverter = true)]
[JsonSerializable(typeof(string[]))]
[JsonSerializable(typeof(StoredTls))]
[JsonSerializable(typeof(StoredProbeOptions))]
internal sealed partial class StoredJson : JsonSerializerContext;
