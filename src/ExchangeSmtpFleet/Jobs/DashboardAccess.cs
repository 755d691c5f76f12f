using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
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
/// hashes in constant time. Guessing is slowed down per address and per user name (<see cref="LoginThrottle"/>), before
/// the password is hashed, and at most a few hashes run at once (issue 18, item 9): refused requests cost their sender
/// time, not this process's CPU. A <c>viewer</c> gets the dashboard read-only: no trigger, requeue or delete, and
/// Hangfire refuses such commands from it.
/// </summary>
[SuppressMessage("Design", "CA1001", Justification = "The semaphore lives as long as the web host, and a SemaphoreSlim whose AvailableWaitHandle is never asked for holds nothing to release.")]
internal sealed class DashboardAccess : IDashboardAsyncAuthorizationFilter
{
    /// <summary>Where the request's role is kept for <see cref="IsReadOnly"/>.</summary>
    public const string RoleItem = "esfleet.dashboard.role";

    /// <summary>A verified password is remembered this long (PBKDF2 costs about 0.14 CPU-s here; the dashboard polls every few seconds).</summary>
    private static readonly TimeSpan Remember = TimeSpan.FromMinutes(10);

    private readonly (string Name, PasswordHash Hash, string Role)[] _users;
    private readonly TimeProvider _time;
    private readonly Func<TimeSpan, CancellationToken, Task> _delay;
    private readonly Func<PasswordHash, string, bool> _matches;
    private readonly LoginThrottle _throttle;
    private readonly SemaphoreSlim _hashing;
    private readonly ConcurrentDictionary<string, (byte[] Digest, DateTimeOffset Until)> _verified = new(StringComparer.Ordinal);
    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);

    /// <summary>Creates the filter for the configured users.</summary>
    /// <param name="settings">The users.</param>
    /// <param name="time">The clock.</param>
    /// <param name="delay">How the slow-down waits (tests record it).</param>
    /// <param name="matches">How a password is checked against its hash (tests count the checks).</param>
    /// <param name="concurrentChecks">The most password hashes computed at once; by default half the processors.</param>
    public DashboardAccess(
        DashboardSettings settings,
        TimeProvider time,
        Func<TimeSpan, CancellationToken, Task>? delay = null,
        Func<PasswordHash, string, bool>? matches = null,
        int? concurrentChecks = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        _users = [.. settings.Users.Select(u => (u.Name, PasswordHash.TryParse(u.PasswordHash, out var hash) ? hash : throw new ArgumentException($"user {u.Name}: bad hash"), u.Role))];
        _time = time;
        _delay = delay ?? ((wait, token) => Task.Delay(wait, time, token));
        _matches = matches ?? ((hash, password) => hash.Matches(password));
        _throttle = new LoginThrottle(time);
        var checks = concurrentChecks ?? Math.Max(1, Environment.ProcessorCount / 2);
        _hashing = new SemaphoreSlim(checks, checks);
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

        if (Credentials(http.Request) is { } credentials && await CheckAsync(credentials.User, credentials.Password, http).ConfigureAwait(false) is { } role)
        {
            http.Items[RoleItem] = role;
            return true;
        }

        http.Response.Headers.WWWAuthenticate = "Basic realm=\"esfleet\", charset=\"UTF-8\"";
        return false;
    }

    /// <summary>The keys an attempt counts against: its address (an IPv6 network's /64 as one, since its owner has them all) and the name it tried.</summary>
    internal static IReadOnlyList<string> ThrottleKeys(IPAddress? remote, string name)
    {
        var address = remote switch
        {
            null => "unknown",
            { IsIPv4MappedToIPv6: true } => remote.MapToIPv4().ToString(),
            { AddressFamily: System.Net.Sockets.AddressFamily.InterNetworkV6 } => Network64(remote),
            _ => remote.ToString(),
        };
        return ["address:" + address, "user:" + name];
    }

    private static string Network64(IPAddress address)
    {
        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }

    /// <summary>The role of the user whose password this is, or null: a remembered password at once, any other after its turn.</summary>
    private async Task<string?> CheckAsync(string name, string password, HttpContext http)
    {
        var digest = HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes($"{name}\n{password}"));
        if (Remembered(name, digest) is { } remembered)
        {
            return remembered;
        }

        // Counted and delayed before the hash: a refused guess costs its sender the wait and this process nothing more.
        var keys = ThrottleKeys(http.Connection.RemoteIpAddress, name);
        if (_throttle.Admit(keys) is not { } wait)
        {
            http.Response.Headers["X-Esfleet-Refused"] = "too many failed logins; try again later";
            return null;
        }

        if (wait > TimeSpan.Zero)
        {
            await _delay(wait, http.RequestAborted).ConfigureAwait(false);
        }

        await _hashing.WaitAsync(http.RequestAborted).ConfigureAwait(false);
        string? role;
        try
        {
            role = Verify(name, password, digest);
        }
        finally
        {
            _hashing.Release();
        }

        if (role is not null)
        {
            _throttle.Succeeded(keys);
        }

        return role;
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

    /// <summary>The role of a user whose password was verified a short while ago with this very password, or null.</summary>
    private string? Remembered(string name, byte[] digest)
    {
        var user = _users.FirstOrDefault(u => string.Equals(u.Name, name, StringComparison.Ordinal));
        return user.Name is not null && _verified.TryGetValue(name, out var seen) && seen.Until > _time.GetUtcNow()
            && CryptographicOperations.FixedTimeEquals(seen.Digest, digest)
            ? user.Role
            : null;
    }

    /// <summary>The role of the user whose password this is, or null (the PBKDF2 hash: run under <see cref="_hashing"/>).</summary>
    private string? Verify(string name, string password, byte[] digest)
    {
        var user = _users.FirstOrDefault(u => string.Equals(u.Name, name, StringComparison.Ordinal));
        if (user.Name is null)
        {
            // An unknown name costs what a known one costs: the answer's time tells nothing about which names exist.
            _ = _matches(_users[0].Hash, password);
            return null;
        }

        if (!_matches(user.Hash, password))
        {
            return null;
        }

        _verified[name] = (digest, _time.GetUtcNow() + Remember);
        return user.Role;
    }
}
