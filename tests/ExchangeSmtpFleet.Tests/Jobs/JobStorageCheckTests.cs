using System.Diagnostics;
using ExchangeSmtpFleet.Core.Storage;
using ExchangeSmtpFleet.Hosting;
using ExchangeSmtpFleet.Jobs;
using Microsoft.Extensions.Configuration;

namespace ExchangeSmtpFleet.Tests.Jobs;

/// <summary>
/// Issue 21, item 11: Hangfire.SqlServer swallows the errors of preparing its schema and only logs them; esfleet checks the
/// job storage once when it makes it and says what is wrong in one line (the start then exits 2), without a SQL Server.
/// </summary>
public sealed class JobStorageCheckTests
{
    [Fact]
    public void SqlServerJobStorage_ThatCannotBeReached_IsOneLine_NamingIt_WithoutThePassword()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Fleet"] = "Server=tcp:127.0.0.1,1;Database=fleet;User Id=esf;Password=Secr3t!word;Connect Timeout=2",
        }).Build();
        var clock = Stopwatch.StartNew();

        var error = Assert.Throws<StoreException>(() => JobServices.CreateStorage(
            configuration, new DatabaseSettings { Provider = DatabaseSettings.SqlServer }, TimeSpan.FromMinutes(30)));

        Assert.StartsWith("the Hangfire job storage (schema HangFire) in SQL Server database fleet on tcp:127.0.0.1,1: cannot use it: the server cannot be reached", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Secr3t", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
        Assert.True(clock.Elapsed < TimeSpan.FromMinutes(1), $"the check took {clock.Elapsed}");
    }
}
