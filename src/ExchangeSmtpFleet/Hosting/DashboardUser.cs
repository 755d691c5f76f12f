namespace ExchangeSmtpFleet.Hosting;

/// <summary>One user of the dashboard.</summary>
internal sealed class DashboardUser
{
    /// <summary>The user name.</summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>The PBKDF2 hash of the password (never the password).</summary>
    public string PasswordHash { get; set; } = string.Empty;

    /// <summary><c>admin</c> or <c>viewer</c> (read-only).</summary>
    public string Role { get; set; } = DashboardSettings.Viewer;
}
