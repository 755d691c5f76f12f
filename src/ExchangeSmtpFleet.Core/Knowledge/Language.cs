namespace ExchangeSmtpFleet.Core.Knowledge;

/// <summary>Languages of the texts people read (terminal, report, e-mail).</summary>
public enum Language
{
    English,
    German,
}
