namespace ExchangeSmtpFleet.Hosting;

/// <summary>
/// Who may use the dashboard from the network (configuration section <c>Dashboard</c>). Without users the dashboard
/// answers local requests only; with users every request needs one of them (HTTP Basic), and a request from another
/// machine must come over HTTPS.
/// </summary>
internal sealed class DashboardSettings : ISettings
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Dashboard";

    /// <summary>The role that may trigger, requeue and delete jobs.</summary>
    public const string Admin = "admin";

    /// <summary>The read-only role.</summary>
    public const string Viewer = "viewer";

    /// <summary>The users: name, PBKDF2 hash (<c>esfleet dashboard hash-password</c>), role.</summary>
    public List<DashboardUser> Users { get; set; } = [];

    /// <summary>
    /// The dashboard's address as people reach it (e.g. <c>https://esfleet.corp.example:5443</c>); the mail links a run's page
    /// under it. Empty: the mail has no link.
    /// </summary>
    public string? PublicUrl { get; set; }

    /// <summary>The dashboard's public address, or null when none is set (call without problems).</summary>
    public Uri? PublicUri => string.IsNullOrWhiteSpace(PublicUrl) ? null : new Uri(PublicUrl.Trim(), UriKind.Absolute);

    /// <summary>What is wrong with the values, one line each, naming the setting (never a hash).</summary>
    public IEnumerable<string> Problems()
    {
        if (!string.IsNullOrWhiteSpace(PublicUrl)
            && (!Uri.TryCreate(PublicUrl.Trim(), UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || !string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment)))
        {
            yield return $"{Section}:{nameof(PublicUrl)} must be an http or https address without query, not '{PublicUrl}'";
        }

        for (var i = 0; i < Users.Count; i++)
        {
            var user = Users[i];
            var where = $"{Section}:Users:{i}";
            if (string.IsNullOrWhiteSpace(user.Name) || user.Name.Contains(':', StringComparison.Ordinal))
            {
                yield return $"{where}:Name must be a name without ':'";
            }
            else if (Users.Take(i).Any(u => string.Equals(u.Name, user.Name, StringComparison.Ordinal)))
            {
                yield return $"{where}:Name '{user.Name}' is there twice";
            }

            if (!PasswordHash.TryParse(user.PasswordHash, out _))
            {
                yield return $"{where}:PasswordHash is not a hash made by 'esfleet dashboard hash-password' (pbkdf2-sha256$iterations$salt$hash)";
            }

            if (user.Role is not (Admin or Viewer))
            {
                yield return $"{where}:Role must be {Admin} or {Viewer}, not '{user.Role}'";
            }
        }
    }
}
