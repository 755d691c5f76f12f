using System.Net;
using System.Text;
using ExchangeSmtpFleet.Hosting;
using ExchangeSmtpFleet.Jobs;
using Hangfire.Dashboard;
using Hangfire.InMemory;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

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
    public async Task RepeatedFailures_FromOneAddress_AreSlowedDown_OthersAreNot_ASuccessResets()
    {
        var waits = new List<(string Address, TimeSpan Wait)>();
        var current = string.Empty;
        var access = new DashboardAccess(Users.Value, TimeProvider.System, (wait, _) =>
        {
            waits.Add((current, wait));
            return Task.CompletedTask;
        });

        current = "10.9.9.9";
        for (var i = 0; i < DashboardAccess.FreeFailures + 3; i++)
        {
            Assert.False(await access.AuthorizeAsync(Request(current, https: true, "ops", $"guess-{i}").Context));
        }

        current = "10.1.1.1";
        Assert.False(await access.AuthorizeAsync(Request(current, https: true, "ops", "one-mistake").Context));

        Assert.Equal(
            [("10.9.9.9", TimeSpan.FromSeconds(1)), ("10.9.9.9", TimeSpan.FromSeconds(2)), ("10.9.9.9", TimeSpan.FromSeconds(4))],
            waits);
        current = "10.9.9.9";
        Assert.True(await access.AuthorizeAsync(Request(current, https: true, "ops", AdminPassword).Context));
        Assert.False(await access.AuthorizeAsync(Request(current, https: true, "ops", "again-wrong").Context));
        Assert.Equal(3, waits.Count);
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
