namespace ExchangeSmtpFleet.Hosting;

/// <summary>A section of esfleet's configuration that can say what is wrong with its values.</summary>
internal interface ISettings
{
    /// <summary>What is wrong with the values, one line each, naming the setting (never a secret).</summary>
    IEnumerable<string> Problems();
}
