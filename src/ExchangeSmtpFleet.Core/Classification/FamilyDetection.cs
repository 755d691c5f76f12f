namespace ExchangeSmtpFleet.Core.Classification;

/// <summary>The family a dialogue points to, and why.</summary>
/// <param name="Family">A <see cref="ServerFamily"/> value.</param>
/// <param name="Evidence">What decided it, for people (e.g. <c>keyword X-LINK2STATE</c>).</param>
/// <param name="Version">The product version the banner shows, when it shows one.</param>
/// <param name="BannerFamily">The family the banner alone names, when it names one.</param>
public sealed record FamilyDetection(string Family, string Evidence, string? Version = null, string? BannerFamily = null);
