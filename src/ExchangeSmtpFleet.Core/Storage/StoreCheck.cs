namespace ExchangeSmtpFleet.Core.Storage;

/// <summary>One check of a database before the first night (<c>esfleet db check</c>).</summary>
/// <param name="Name">What was checked (<c>connect</c>, <c>schema</c>, <c>journal mode</c>).</param>
/// <param name="Outcome">Pass, warn or fail.</param>
/// <param name="Detail">What was found and, when it is not a pass, what to do.</param>
public sealed record StoreCheck(string Name, CheckOutcome Outcome, string Detail);
