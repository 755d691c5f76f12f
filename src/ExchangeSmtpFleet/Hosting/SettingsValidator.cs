using Microsoft.Extensions.Options;

namespace ExchangeSmtpFleet.Hosting;

/// <summary>Validates a settings section by its own rules (<see cref="ISettings.Problems"/>), every problem at once.</summary>
/// <typeparam name="T">The settings.</typeparam>
internal sealed class SettingsValidator<T> : IValidateOptions<T>
    where T : class, ISettings
{
    public ValidateOptionsResult Validate(string? name, T options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = options.Problems().ToList();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
