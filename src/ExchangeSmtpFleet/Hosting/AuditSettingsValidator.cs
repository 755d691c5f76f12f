using Microsoft.Extensions.Options;

namespace ExchangeSmtpFleet.Hosting;

/// <summary>Validates <c>Audit</c> against the probe settings it depends on (a batch's worst case), for every command.</summary>
internal sealed class AuditSettingsValidator(IOptions<ProbeSettings> probe) : IValidateOptions<AuditSettings>
{
    public ValidateOptionsResult Validate(string? name, AuditSettings options)
    {
        ArgumentNullException.ThrowIfNull(options);
        // The probe settings' own problems are listed by their section; the checks against them wait until they are right.
        var problems = options.Problems(EsfleetServices.ValidOrNull(probe)).ToList();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
