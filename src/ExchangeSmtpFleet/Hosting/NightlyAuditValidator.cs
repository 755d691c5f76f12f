using Microsoft.Extensions.Options;

namespace ExchangeSmtpFleet.Hosting;

/// <summary>What a job host that runs the nightly audit (<c>serve</c>, <c>demo</c>) also needs: the inventory, and a relay when the report is mailed.</summary>
internal sealed class NightlyAuditValidator(IOptions<MailSettings> mail) : IValidateOptions<AuditSettings>
{
    public ValidateOptionsResult Validate(string? name, AuditSettings options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = options.NightlyProblems(mail.Value).ToList();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
