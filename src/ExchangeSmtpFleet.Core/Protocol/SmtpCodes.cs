namespace ExchangeSmtpFleet.Core.Protocol;

/// <summary>Reply-code rules shared by the probe and the classifier.</summary>
public static class SmtpCodes
{
    /// <summary>
    /// RFC 5321 4.1.4: a server that finds EHLO unacceptable answers 500, 501, 502 or 550 and stays in the same
    /// state, and the client then tries HELO.
    /// </summary>
    public static bool IsEhloUnacceptable(int code) => code is 500 or 501 or 502 or 550;
}
