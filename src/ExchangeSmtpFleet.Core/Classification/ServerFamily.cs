namespace ExchangeSmtpFleet.Core.Classification;

/// <summary>The detected server family vocabulary (SPEC 3). Values are stored and exported.</summary>
public static class ServerFamily
{
    /// <summary>Windows (IIS) SMTP service without Exchange keywords; also Exchange 2000/2003 whose sinks are not loaded.</summary>
    public const string MicrosoftIis = "microsoft-iis";

    /// <summary>Exchange 2000/2003 on the IIS SMTP service with (some) Exchange keywords.</summary>
    public const string MicrosoftExchange2003 = "microsoft-exchange-2000/2003";

    /// <summary>Exchange 2007 and later transport (no <c>Version:</c> in the banner, X-ANONYMOUSTLS, XRDST, XSHADOW...).</summary>
    public const string MicrosoftExchange2007Plus = "microsoft-exchange-2007+";

    /// <summary>Exchange Online / EOP.</summary>
    public const string Microsoft365 = "microsoft-365";

    /// <summary>Exchange 5.5 (its own SMTP service, XEXCH50 without the IIS keywords).</summary>
    public const string MicrosoftExchange55 = "microsoft-exchange-5.5";
    /// <summary>Postfix.</summary>
    public const string Postfix = "postfix";
    /// <summary>Sendmail.</summary>
    public const string Sendmail = "sendmail";
    /// <summary>Exim.</summary>
    public const string Exim = "exim";
    /// <summary>HCL (Lotus) Domino.</summary>
    public const string Domino = "domino";
    /// <summary>MDaemon.</summary>
    public const string MDaemon = "mdaemon";
    /// <summary>hMailServer.</summary>
    public const string HMailServer = "hmailserver";

    /// <summary>A firewall with SMTP inspection (Cisco PIX/ASA) masks banner or keywords.</summary>
    public const string Masked = "masked";

    /// <summary>No family could be recognised.</summary>
    public const string Unknown = "unknown";

    /// <summary>True for the families the Exchange 2000/2003 check applies to.</summary>
    public static bool IsExchange2003Lineage(string family) =>
        family is MicrosoftIis or MicrosoftExchange2003;
}
