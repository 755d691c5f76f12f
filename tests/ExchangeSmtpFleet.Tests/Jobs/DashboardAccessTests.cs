using System.Net;
using System.Text;
using ExchangeSmtpFleet.Hosting;
using ExchangeSmtpFleet.Jobs;
using Hangfire.Dashboard;
using Hangfire.InMemory;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace ExchangeSmtpFleet.Tests.Jobs;

/// <summary>Who gets into the dashboard (issue 12): local only without users; Basic over HTTPS from the network with them.</summary>
public sealed class DashboardAccessTests
{
    private const string AdminPassword = "correct-horse-battery";
    private const string ViewerPassword = "tr0ub4dor&3-viewer";
    private static readonly Lazy<DashboardSettings> Users = new(() => new DashboardSettings
    {
        Users =
        [
            new DashboardUser { Name = "ops", PasswordHash = PasswordHash.Create(AdminPassword), Role = DashboardSettings.Admin },
            new DashboardUser { Name = "boss", PasswordHash = PasswordHash.Create(ViewerPassword), Role = DashboardSettings.Viewer },
        ],
    });

    private const string FastAdminPassword = "fast-admin-password";
    private const string FastViewerPassword = "fast-viewer-password";
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 2, 0, 0, TimeSpan.Zero);

    /// <summary>The same users with the fewest iterations a hash may have: the throttle tests hash dozens of guesses.</summary>
    private static readonly Lazy<DashboardSettings> FastUsers = new(() => new DashboardSettings
    {
        Users =
        [
            new DashboardUser { Name = "ops", PasswordHash = PasswordHash.Create(FastAdminPassword, 10_000), Role = DashboardSettings.Admin },
            new DashboardUser { Name = "boss", PasswordHash = PasswordHash.Create(FastViewerPassword, 10_000), Role = DashboardSettings.Viewer },
        ],
    });

    [Theory]
    [InlineData("127.0.0.1", true)]
    [InlineData("::1", true)]
    [InlineData("10.1.2.3", false)]
    public async Task WithoutUsers_OnlyLocalRequests_GetIn_AsAdmin(string remote, bool allowed)
    {
        var access = new DashboardAccess(new DashboardSettings(), TimeProvider.System);
        var (context, _) = Request(remote, https: false);

        Assert.Equal(allowed, await access.AuthorizeAsync(context));
        Assert.Equal(!allowed, DashboardAccess.IsReadOnly(context));
    }

    [Fact]
    public async Task WithUsers_NoOrWrongCredentials_Are401_WithAChallenge_AndTheHashNeverInTheAnswer()
    {
        var access = new DashboardAccess(Users.Value, TimeProvider.System);

        var (none, noneHttp) = Request("10.1.2.3", https: true);
        Assert.False(await access.AuthorizeAsync(none));
        Assert.StartsWith("Basic realm=", noneHttp.Response.Headers.WWWAuthenticate.ToString(), StringComparison.Ordinal);

        var (wrong, wrongHttp) = Request("10.1.2.3", https: true, "ops", "not-the-password");
        Assert.False(await access.AuthorizeAsync(wrong));
        var (unknown, _) = Request("10.1.2.3", https: true, "mallory", AdminPassword);
        Assert.False(await access.AuthorizeAsync(unknown));
        var answer = string.Join("\n", wrongHttp.Response.Headers.Select(h => $"{h.Key}: {h.Value}"));
        Assert.DoesNotContain(Users.Value.Users[0].PasswordHash.Split('$')[3], answer, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithUsers_TheRightPassword_OverPlainHttpFromTheNetwork_IsRefused_OverHttpsLetIn()
    {
        var access = new DashboardAccess(Users.Value, TimeProvider.System);

        var (plain, plainHttp) = Request("10.1.2.3", https: false, "ops", AdminPassword);
        Assert.False(await access.AuthorizeAsync(plain));
        Assert.Equal("HTTPS required for requests from the network", plainHttp.Response.Headers["X-Esfleet-Refused"].ToString());

        var (secure, _) = Request("10.1.2.3", https: true, "ops", AdminPassword);
        Assert.True(await access.AuthorizeAsync(secure));
        Assert.False(DashboardAccess.IsReadOnly(secure));

        var (local, _) = Request("127.0.0.1", https: false, "ops", AdminPassword);
        Assert.True(await access.AuthorizeAsync(local));
        var (localWithout, _) = Request("127.0.0.1", https: false);
        Assert.False(await access.AuthorizeAsync(localWithout));
    }

    [Fact]
    public async Task AViewer_IsLetIn_ReadOnly()
    {
        var access = new DashboardAccess(Users.Value, TimeProvider.System);

        var (viewer, _) = Request("10.1.2.3", https: true, "boss", ViewerPassword);

        Assert.True(await access.AuthorizeAsync(viewer));
        Assert.True(DashboardAccess.IsReadOnly(viewer));
    }

    [Fact]
    public async Task RepeatedFailures_FromOneAddress_WaitLongerAndLonger_AnotherAddressAndNameDoNot()
    {
        var attack = new Attack();

        for (var i = 0; i < LoginThrottle.FreeAttempts + 3; i++)
        {
            Assert.False(await attack.LoginAsync("10.9.9.9", "ops", $"guess-{i}"));
        }

        Assert.False(await attack.LoginAsync("10.1.1.1", "boss", "one-mistake"));

        Assert.Equal([("10.9.9.9", 1), ("10.9.9.9", 2), ("10.9.9.9", 4)], attack.Waits.Select(w => (w.Address, w.Seconds)));
    }

    /// <summary>Issue 18, item 9: a known viewer login between admin guesses used to clear the address's failures.</summary>
    [Fact]
    public async Task AlternatingWithAKnownViewerLogin_DoesNotClearTheAdminGuesses()
    {
        var attack = new Attack();

        for (var i = 0; i < LoginThrottle.FreeAttempts + 3; i++)
        {
            Assert.True(await attack.LoginAsync("10.9.9.9", "boss", FastViewerPassword));
            Assert.False(await attack.LoginAsync("10.9.9.9", "ops", $"guess-{i}"));
        }

        Assert.Equal([1, 2, 4], attack.Waits.Select(w => w.Seconds));
    }

    [Fact]
    public async Task GuessesAtOneName_FromEverChangingAddresses_AreSlowedDown()
    {
        var attack = new Attack();

        for (var i = 0; i < LoginThrottle.FreeAttempts + 3; i++)
        {
            Assert.False(await attack.LoginAsync($"10.9.{i}.1", "ops", $"guess-{i}"));
        }

        Assert.Equal([1, 2, 4], attack.Waits.Select(w => w.Seconds));
    }

    [Fact]
    public async Task ASlowedDownGuess_WaitsBeforeItsPasswordIsHashed()
    {
        var attack = new Attack();

        for (var i = 0; i < LoginThrottle.FreeAttempts + 2; i++)
        {
            Assert.False(await attack.LoginAsync("10.9.9.9", "ops", $"guess-{i}"));
        }

        // The sixth guess waited when five hashes had been computed: its own came after the wait.
        Assert.Equal([(1, LoginThrottle.FreeAttempts), (2, LoginThrottle.FreeAttempts + 1)], attack.Waits.Select(w => (w.Seconds, w.ChecksBefore)));
        Assert.Equal(LoginThrottle.FreeAttempts + 2, attack.Checks);
    }

    [Fact]
    public async Task GuessesSentSideBySide_QueueForTheirTurns_AndThoseTooFarAhead_AreRefusedUnchecked()
    {
        var attack = new Attack(holdWaits: true);

        var requests = Enumerable.Range(0, LoginThrottle.FreeAttempts + 5).Select(i => attack.RequestAsync("10.9.9.9", "ops", $"guess-{i}")).ToList();
        attack.ReleaseWaits();
        var answers = await Task.WhenAll(requests);

        Assert.All(answers, a => Assert.False(a.Allowed));
        // Turns handed out in advance: 1 s, then each further one twice as far (3, 7, 15 s from now); the next would be 31 s away.
        Assert.Equal([1, 3, 7, 15], attack.Waits.Select(w => w.Seconds).Order());
        Assert.Equal(LoginThrottle.FreeAttempts + 4, attack.Checks);
        Assert.Single(answers, a => a.Refused == "too many failed logins; try again later");
    }

    [Fact]
    public async Task AnAdminWhoseNameIsUnderAttack_IsLetInAtOnce_WithThePasswordTheyUsedBefore()
    {
        var attack = new Attack();
        Assert.True(await attack.LoginAsync("10.1.1.1", "ops", FastAdminPassword));

        for (var i = 0; i < LoginThrottle.FreeAttempts + 3; i++)
        {
            Assert.False(await attack.LoginAsync("10.9.9.9", "ops", $"guess-{i}"));
        }

        var waitsBefore = attack.Waits.Count;
        Assert.True(await attack.LoginAsync("10.1.1.1", "ops", FastAdminPassword));
        Assert.Equal(waitsBefore, attack.Waits.Count);
    }

    [Fact]
    public async Task PasswordHashes_RunAtMostTheConfiguredNumberAtOnce()
    {
        using var gate = new ManualResetEventSlim();
        int inside = 0, entered = 0, most = 0;
        var access = new DashboardAccess(FastUsers.Value, new FakeTimeProvider(Start), (_, _) => Task.CompletedTask, (hash, password) =>
        {
            Interlocked.Increment(ref entered);
            var now = Interlocked.Increment(ref inside);
            InterlockedMax(ref most, now);
            gate.Wait(TestContext.Current.CancellationToken);
            Interlocked.Decrement(ref inside);
            return hash.Matches(password);
        }, concurrentChecks: 2);

        var requests = Enumerable.Range(0, 4).Select(i => Task.Run(() => access.AuthorizeAsync(Request($"10.9.9.{i}", https: true, $"user{i}", "guess").Context))).ToList();
        while (Volatile.Read(ref entered) < 2)
        {
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }

        // The other two are queued: give them every chance to start a third hash (they must not).
        await Task.Delay(300, TestContext.Current.CancellationToken);
        Assert.Equal(2, Volatile.Read(ref entered));
        gate.Set();
        await Task.WhenAll(requests);

        Assert.Equal(4, entered);
        Assert.Equal(2, most);
    }

    [Theory]
    [InlineData("10.1.2.3", "address:10.1.2.3")]
    [InlineData("::ffff:10.1.2.3", "address:10.1.2.3")]
    [InlineData("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "address:2001:db8:1:2::/64")]
    [InlineData("2001:db8:1:2::1", "address:2001:db8:1:2::/64")]
    public void ThrottleKeys_AnIPv6Network_CountsAsOneAddress(string remote, string expected)
    {
        Assert.Equal([expected, "user:ops"], DashboardAccess.ThrottleKeys(IPAddress.Parse(remote), "ops"));
    }

    [Fact]
    public void Throttle_ManyKeysAtOnce_StaysBounded()
    {
        var throttle = new LoginThrottle(new FakeTimeProvider(Start));

        for (var i = 0; i < LoginThrottle.MaxTrackedKeys * 2; i++)
        {
            _ = throttle.Admit([$"user:name-{i}"]);
        }

        Assert.InRange(throttle.TrackedKeys, 1, LoginThrottle.MaxTrackedKeys + 1);
    }

    [Theory]
    [InlineData("", "admin", "pbkdf2-sha256$600000$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", "Dashboard:Users:0:Name must be a name without ':'")]
    [InlineData("ops", "root", "pbkdf2-sha256$600000$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", "Dashboard:Users:0:Role must be admin or viewer, not 'root'")]
    [InlineData("ops", "admin", "plain-text-password", "Dashboard:Users:0:PasswordHash is not a hash made by 'esfleet dashboard hash-password'")]
    public void BadUsers_AreNamedInOneLine_WithoutTheHash(string name, string role, string hash, string expected)
    {
        var problems = new DashboardSettings { Users = [new DashboardUser { Name = name, Role = role, PasswordHash = hash }] }.Problems().ToList();

        Assert.StartsWith(expected, Assert.Single(problems), StringComparison.Ordinal);
        Assert.DoesNotContain(hash, problems[0], StringComparison.Ordinal);
    }

    [Fact]
    public void PasswordHashes_AreSalted_AndMatchOnlyTheirPassword()
    {
        var first = PasswordHash.Create(AdminPassword, 10_000);
        var second = PasswordHash.Create(AdminPassword, 10_000);

        Assert.NotEqual(first, second);
        Assert.True(PasswordHash.TryParse(first, out var parsed));
        Assert.True(parsed.Matches(AdminPassword));
        Assert.False(parsed.Matches(AdminPassword + " "));
    }

    private static void InterlockedMax(ref int target, int value)
    {
        var current = Volatile.Read(ref target);
        while (value > current && Interlocked.CompareExchange(ref target, value, current) is var seen && seen != current)
        {
            current = seen;
        }
    }

    /// <summary>A filter on a fake clock whose slow-down advances the clock instead of waiting, and records each wait.</summary>
    private sealed class Attack
    {
        private readonly FakeTimeProvider _clock = new(Start);
        private readonly DashboardAccess _access;
        private readonly TaskCompletionSource _held = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _checks;

        /// <param name="holdWaits">Whether waits end only at <see cref="ReleaseWaits"/> (requests side by side) instead of at once.</param>
        public Attack(bool holdWaits = false)
        {
            _access = new DashboardAccess(FastUsers.Value, _clock, (wait, _) =>
            {
                lock (Waits)
                {
                    Waits.Add((Current.Value ?? "?", (int)wait.TotalSeconds, Volatile.Read(ref _checks)));
                }

                if (holdWaits)
                {
                    return _held.Task;
                }

                _clock.Advance(wait);
                return Task.CompletedTask;
            }, (hash, password) =>
            {
                Interlocked.Increment(ref _checks);
                return hash.Matches(password);
            });
        }

        public List<(string Address, int Seconds, int ChecksBefore)> Waits { get; } = [];

        public void ReleaseWaits() => _held.SetResult();

        /// <summary>PBKDF2 hashes computed.</summary>
        public int Checks => Volatile.Read(ref _checks);

        private static AsyncLocal<string> Current { get; } = new();

        public async Task<bool> LoginAsync(string address, string user, string password) => (await RequestAsync(address, user, password)).Allowed;

        public async Task<(bool Allowed, string Refused)> RequestAsync(string address, string user, string password)
        {
            Current.Value = address;
            var (context, http) = Request(address, https: true, user, password);
            var allowed = await _access.AuthorizeAsync(context);
            return (allowed, http.Response.Headers["X-Esfleet-Refused"].ToString());
        }
    }

    private static (DashboardContext Context, HttpContext Http) Request(string remote, bool https, string? user = null, string? password = null)
    {
        var http = new DefaultHttpContext { RequestServices = new ServiceCollection().BuildServiceProvider() };
        http.Connection.RemoteIpAddress = IPAddress.Parse(remote);
        http.Connection.LocalIpAddress = IPAddress.Parse("10.0.0.1");
        http.Request.Scheme = https ? "https" : "http";
        if (user is not null)
        {
            http.Request.Headers.Authorization = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}"));
        }

        return (new AspNetCoreDashboardContext(new InMemoryStorage(), new Hangfire.DashboardOptions(), http), http);
    }
}
