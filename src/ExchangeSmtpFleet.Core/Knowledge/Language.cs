namespace ExchangeSmtpFleet.Core.Knowledge;

/// <summary>Languages of the texts people read (terminal, report, e-mail).</summary>
public enum Language
{
    /// <summary>English (<c>en</c>).</summary>
    English,

    /// <summary>German (<c>de</c>).</summary>
    German,
}
