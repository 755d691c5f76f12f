using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using ExchangeSmtpFleet.Hosting;
using Hangfire.Dashboard;
using Microsoft.AspNetCore.Http;

namespace ExchangeSmtpFleet.Jobs;

/// <summary>
/// Who may use the dashboard (SPEC 7, issue 12). Without <c>Dashboard:Users</c>: local requests only, as admin. With
/// users: every request names one with HTTP Basic; a request from another machine is refused unless it came over HTTPS
/// (even with the right password: it would have crossed the network in clear); passwords are checked against PBKDF2
/// hashes in constant time; an address that keeps failing waits longer and longer for its answer. A <c>viewer</c> gets
/// the dashboard read-only: no trigger, requeue or delete, and Hangfire refuses such commands from it.
/// </summary>
internal sealed class DashboardAccess : IDashboardAsyncAuthorizationFilter
{
    /// <summary>Where the request's role is kept for <see cref="IsReadOnly"/>.</summary>
    public const string RoleItem = "esfleet.dashboard.role";

    /// <summary>Failures from one address within this window count together.</summary>
    public static readonly TimeSpan FailureWindow = TimeSpan.FromMinutes(15);

    /// <summary>Failures an address may have before its answers are delayed.</summary>
    public const int FreeFailures = 5;

    /// <summary>Addresses with failures kept before the expired ones are dropped.</summary>
    private const int MaxTrackedAddresses = 10_000;

    /// <summary>A verified password is remembered this long (PBKDF2 costs about 0.14 CPU-s here; the dashboard polls every few seconds).</summary>
    private static readonly TimeSpan Remember = TimeSpan.FromMinutes(10);

    private readonly (string Name, PasswordHash Hash, string Role)[] _users;
    private readonly TimeProvider _time;
    private readonly Func<TimeSpan, CancellationToken, Task> _delay;
    private readonly ConcurrentDictionary<string, (int Count, DateTimeOffset First)> _failures = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (byte[] Digest, DateTimeOffset Until)> _verified = new(StringComparer.Ordinal);
    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);

    /// <summary>Creates the filter for the configured users.</summary>
    /// <param name="settings">The users.</param>
    /// <param name="time">The clock.</param>
    /// <param name="delay">How the slow-down waits (tests record it).</param>
    public DashboardAccess(DashboardSettings settings, TimeProvider time, Func<TimeSpan, CancellationToken, Task>? delay = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        _users = [.. settings.Users.Select(u => (u.Name, PasswordHash.TryParse(u.PasswordHash, out var hash) ? hash : throw new ArgumentException($"user {u.Name}: bad hash"), u.Role))];
        _time = time;
        _delay = delay ?? ((wait, token) => Task.Delay(wait, time, token));
    }

    /// <summary>Whether users are configured (then the dashboard may be reached from the network).</summary>
    public bool HasUsers => _users.Length > 0;

    /// <summary>Whether a request is read-only: a viewer's.</summary>
    public static bool IsReadOnly(DashboardContext context) =>
        context?.GetHttpContext().Items[RoleItem] is not DashboardSettings.Admin;

    /// <inheritdoc/>
    public async Task<bool> AuthorizeAsync(DashboardContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var http = context.GetHttpContext();
        var local = IsLocal(http.Connection);
        if (_users.Length == 0)
        {
            if (local)
            {
                http.Items[RoleItem] = DashboardSettings.Admin;
            }

            return local;
        }

        if (!local && !http.Request.IsHttps)
        {
            // Refused before the header is even read: a password sent over plain HTTP from the network is already exposed.
            http.Response.Headers["X-Esfleet-Refused"] = "HTTPS required for requests from the network";
            return false;
        }

        var address = http.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        if (Credentials(http.Request) is { } credentials && Verify(credentials.User, credentials.Password) is { } role)
        {
            _failures.TryRemove(address, out _);
            http.Items[RoleItem] = role;
            return true;
        }

        var failures = RecordFailure(address);
        if (failures > FreeFailures)
        {
            var wait = TimeSpan.FromSeconds(Math.Min(Math.Pow(2, failures - FreeFailures - 1), 30));
            await _delay(wait, http.RequestAborted).ConfigureAwait(false);
        }

        http.Response.Headers.WWWAuthenticate = "Basic realm=\"esfleet\", charset=\"UTF-8\"";
        return false;
    }

    private static bool IsLocal(ConnectionInfo connection) =>
        connection.RemoteIpAddress is { } remote && (IPAddress.IsLoopback(remote) || remote.Equals(connection.LocalIpAddress));

    private static (string User, string Password)? Credentials(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (!header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        try
        {
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(header["Basic ".Length..].Trim()));
            var colon = text.IndexOf(':', StringComparison.Ordinal);
            return colon < 0 ? null : (text[..colon], text[(colon + 1)..]);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    /// <summary>The role of the user whose password this is, or null.</summary>
    private string? Verify(string name, string password)
    {
        var now = _time.GetUtcNow();
        var digest = HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes($"{name}\n{password}"));
        var user = _users.FirstOrDefault(u => string.Equals(u.Name, name, StringComparison.Ordinal));
        if (user.Name is null)
        {
            // An unknown name costs what a known one costs: the answer's time tells nothing about which names exist.
            _ = _users[0].Hash.Matches(password);
            return null;
        }

        if (_verified.TryGetValue(name, out var seen) && seen.Until > now && CryptographicOperations.FixedTimeEquals(seen.Digest, digest))
        {
            return user.Role;
        }

        if (!user.Hash.Matches(password))
        {
            return null;
        }

        _verified[name] = (digest, now + Remember);
        return user.Role;
    }

    private int RecordFailure(string address)
    {
        var now = _time.GetUtcNow();
        if (_failures.Count > MaxTrackedAddresses)
        {
            // Many addresses failing (a scan of the network): forget those whose window has passed, so memory stays bounded.
            foreach (var (old, failures) in _failures)
            {
                if (now - failures.First > FailureWindow)
                {
                    _failures.TryRemove(old, out _);
                }
            }
        }

        return _failures.AddOrUpdate(address, _ => (1, now), (_, old) => now - old.First > FailureWindow ? (1, now) : (old.Count + 1, old.First)).Count;
    }
}
