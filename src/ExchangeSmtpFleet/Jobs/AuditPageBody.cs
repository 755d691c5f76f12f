namespace ExchangeSmtpFleet.Jobs;

/// <summary>An Audit page's title, HTML body and status code.</summary>
/// <param name="Title">The page's title (the browser tab).</param>
/// <param name="Html">The body, every outside text encoded.</param>
/// <param name="Status">The HTTP status (404 for an unknown run or host).</param>
internal sealed record AuditPageBody(string Title, string Html, int Status = 200);
