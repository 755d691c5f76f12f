using System.Collections.Frozen;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ExchangeSmtpFleet.Core.Profiles;

/// <summary>The known profiles, loaded from the embedded <c>profiles.json</c> (or another JSON file of the same shape).</summary>
public sealed class ProfileCatalog
{
    /// <summary>The profile a host gets when the inventory names none.</summary>
    public const string DefaultProfileId = "exchange-2003";

    private static readonly Lazy<ProfileCatalog> BuiltInCatalog = new(LoadBuiltIn);
    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);
    private readonly FrozenDictionary<string, ServerProfile> _profiles;

    /// <summary>A catalogue of <paramref name="profiles"/>; ids are case-insensitive and must be unique.</summary>
    public ProfileCatalog(IEnumerable<ServerProfile> profiles)
    {
        var map = new Dictionary<string, ServerProfile>(StringComparer.OrdinalIgnoreCase);
        foreach (var profile in profiles)
        {
            if (string.IsNullOrWhiteSpace(profile.Id))
            {
                throw new InvalidDataException("a profile has no id");
            }

            if (!map.TryAdd(profile.Id, profile))
            {
                throw new InvalidDataException($"profile '{profile.Id}' is defined twice");
            }
        }

        _profiles = map.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>The profiles shipped with the tool.</summary>
    public static ProfileCatalog BuiltIn => BuiltInCatalog.Value;

    /// <summary>The profile ids, sorted.</summary>
    public IEnumerable<string> Ids => _profiles.Keys.Order(StringComparer.Ordinal);

    /// <summary>Whether any profile names <paramref name="keyword"/> (required or optional).</summary>
    /// <param name="keyword">An ESMTP keyword.</param>
    public bool AnyKnows(string keyword) => _profiles.Values.Any(p => p.Knows(keyword));

    /// <summary>Every keyword some profile names, in order.</summary>
    public IEnumerable<string> KnownKeywords =>
        _profiles.Values.SelectMany(p => p.RequiredKeywords.Concat(p.OptionalKeywords)).Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.Ordinal);

    /// <summary>The profile with <paramref name="id"/>, when there is one.</summary>
    public bool TryGet(string id, out ServerProfile profile) => _profiles.TryGetValue(id, out profile!);

    /// <summary>The profile with this id.</summary>
    /// <exception cref="KeyNotFoundException">No profile has that id.</exception>
    public ServerProfile Get(string id) => _profiles.TryGetValue(id, out var p)
        ? p
        : throw new KeyNotFoundException($"unknown profile '{id}' (known: {string.Join(", ", Ids)})");

    /// <summary>Reads profiles from JSON of the shape of the embedded <c>profiles.json</c>.</summary>
    public static ProfileCatalog Load(Stream json)
    {
        var document = JsonSerializer.Deserialize<ProfileDocument>(json, JsonOptions)
            ?? throw new InvalidDataException("the profile file is empty");
        return new ProfileCatalog(document.Profiles.Select(p => new ServerProfile(
            p.Id ?? string.Empty,
            p.Description ?? string.Empty,
            [.. p.Families ?? []],
            [.. (p.SinkKeywords ?? []).Select(k => k.ToUpperInvariant())],
            [.. (p.BaseKeywords ?? []).Select(k => k.ToUpperInvariant())],
            [.. (p.OptionalKeywords ?? []).Select(k => k.ToUpperInvariant())],
            p.ReportUnexpected ?? true)));
    }

    private static ProfileCatalog LoadBuiltIn()
    {
        using var stream = typeof(ProfileCatalog).Assembly.GetManifestResourceStream("ExchangeSmtpFleet.Core.Profiles.profiles.json")
            ?? throw new InvalidOperationException("embedded profiles.json is missing from the build");
        return Load(stream);
    }

    private sealed class ProfileDocument
    {
        [JsonPropertyName("profiles")]
        public List<ProfileDto> Profiles { get; set; } = [];
    }

    private sealed class ProfileDto
    {
        public string? Id { get; set; }

        public string? Description { get; set; }

        public List<string>? Families { get; set; }

        public List<string>? SinkKeywords { get; set; }

        public List<string>? BaseKeywords { get; set; }

        public List<string>? OptionalKeywords { get; set; }

        public bool? ReportUnexpected { get; set; }
    }
}
