using Hangfire.Dashboard;
using Hangfire.Dashboard.Pages;

namespace ExchangeSmtpFleet.Jobs;

/// <summary>An Audit page inside Hangfire's layout (menu, footer, its stylesheet and scripts with ours).</summary>
/// <param name="render">Renders the body for the request.</param>
internal sealed class AuditRazorPage(Func<AuditPageContext, Task<AuditPageBody>> render) : RazorPage
{
    public override void Execute()
    {
        var http = Context.GetHttpContext();
        var page = new AuditPageContext(
            http.RequestServices, AuditPageContext.TextOf(http.RequestServices), Url.To, IsReadOnly,
            key => Context.Request.GetQuery(key), http.RequestAborted);

        // Hangfire renders pages synchronously; the queries are one run's results and changes, or one host's history.
        var body = render(page).GetAwaiter().GetResult();
        Layout = new LayoutPage(body.Title);
        if (body.Status != 200)
        {
            Context.Response.StatusCode = body.Status;
        }

        WriteLiteral(body.Html);
    }
}
