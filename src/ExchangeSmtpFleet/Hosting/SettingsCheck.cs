namespace ExchangeSmtpFleet.Hosting;

/// <summary>Resolves one settings section, which binds and validates it: what <see cref="EsfleetHost.Validate"/> runs for every section at start.</summary>
/// <param name="Resolve">Resolves the section's options value.</param>
internal sealed record SettingsCheck(Func<IServiceProvider, object> Resolve);
