using ExchangeSmtpFleet.Core.Knowledge;
using ExchangeSmtpFleet.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace ExchangeSmtpFleet.Jobs;

/// <summary>What an Audit page is rendered with: the request's services, the words in the report's language, how to build links.</summary>
/// <param name="Services">The request's services.</param>
/// <param name="Text">The page's words.</param>
/// <param name="Url">Turns a dashboard path (<c>/audit/runs</c>) into a link (<c>/hangfire/audit/runs</c>).</param>
/// <param name="IsReadOnly">Whether the user is a viewer (no buttons that change anything).</param>
/// <param name="Query">Reads a query parameter of the request (null when absent).</param>
/// <param name="CancellationToken">The request's cancellation.</param>
internal sealed record AuditPageContext(
    IServiceProvider Services, DashboardText Text, Func<string, string> Url, bool IsReadOnly, Func<string, string?> Query, CancellationToken CancellationToken)
{
    /// <summary>The language of the pages: <c>Report:Language</c>, like the workbook and the mail.</summary>
    public static DashboardText TextOf(IServiceProvider services) =>
        DashboardText.For(LanguageCodes.TryParse(services.GetRequiredService<ReportSettings>().Language, out var language) ? language : Language.English);

    public T Get<T>()
        where T : notnull => Services.GetRequiredService<T>();
}
