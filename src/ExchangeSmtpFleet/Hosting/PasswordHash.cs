using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace ExchangeSmtpFleet.Hosting;

/// <summary>
/// Password hashes of dashboard users: PBKDF2 with SHA-256, a random 16-byte salt and 600,000 iterations (OWASP's
/// figure for PBKDF2-HMAC-SHA256), written <c>pbkdf2-sha256$600000$&lt;salt&gt;$&lt;hash&gt;</c> in base64. Verified in
/// constant time.
/// </summary>
internal sealed record PasswordHash(int Iterations, byte[] Salt, byte[] Hash)
{
    /// <summary>Iterations of new hashes.</summary>
    public const int DefaultIterations = 600_000;

    private const string Scheme = "pbkdf2-sha256";

    /// <summary>A hash of <paramref name="password"/> with a new salt.</summary>
    public static string Create(string password, int iterations = DefaultIterations)
    {
        var salt = RandomNumberGenerator.GetBytes(16);
        var hash = Derive(password, salt, iterations);
        return string.Create(CultureInfo.InvariantCulture, $"{Scheme}${iterations}${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}");
    }

    /// <summary>Reads a hash; false for anything else.</summary>
    public static bool TryParse(string? text, out PasswordHash hash)
    {
        hash = new PasswordHash(0, [], []);
        var parts = (text ?? string.Empty).Split('$');
        if (parts.Length != 4 || parts[0] != Scheme
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var iterations) || iterations is < 10_000 or > 10_000_000)
        {
            return false;
        }

        try
        {
            var salt = Convert.FromBase64String(parts[2]);
            var value = Convert.FromBase64String(parts[3]);
            if (salt.Length < 8 || value.Length != 32)
            {
                return false;
            }

            hash = new PasswordHash(iterations, salt, value);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    /// <summary>Whether <paramref name="password"/> is the one hashed (constant time in the comparison).</summary>
    public bool Matches(string password) => CryptographicOperations.FixedTimeEquals(Derive(password, Salt, Iterations), Hash);

    private static byte[] Derive(string password, byte[] salt, int iterations) =>
        Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, 32);
}
