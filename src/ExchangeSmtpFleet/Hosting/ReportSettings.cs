using ExchangeSmtpFleet.Core.Knowledge;

namespace ExchangeSmtpFleet.Hosting;

/// <summary>The Excel report: configuration section <c>Report</c>, overridden by <c>esfleet report --lang</c>.</summary>
internal sealed class ReportSettings : ISettings
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Report";

    /// <summary>The language of the workbook: <c>en</c> or <c>de</c>.</summary>
    public string Language { get; set; } = "en";

    /// <summary>What is wrong with the values, one line each, naming the setting.</summary>
    public IEnumerable<string> Problems()
    {
        if (!LanguageCodes.TryParse(Language, out _))
        {
            yield return $"{Section}:{nameof(Language)} must be en or de, not '{Language}'";
        }
    }
}
