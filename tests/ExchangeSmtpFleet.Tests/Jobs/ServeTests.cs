using ExchangeSmtpFleet.Hosting;
using ExchangeSmtpFleet.Jobs;
using ExchangeSmtpFleet.Tests.Cli;
using Hangfire.InMemory;
using Microsoft.Extensions.DependencyInjection;

namespace ExchangeSmtpFleet.Tests.Jobs;

/// <summary><c>esfleet serve</c>: the dashboard lists nightly-audit as configured; bad Audit settings stop it at start.</summary>
public sealed class ServeTests
{
    /// <summary>
    /// Hangfire's AddHangfire makes its global configuration's activator the latest host's and registers that global for every
    /// host: two hosts in one process (the tests' hosts run side by side) would make one host's jobs from the other's
    /// services (another prober, another meter). Each host's server must make its jobs from its own container.
    /// </summary>
    [Fact]
    public async Task TwoHostsInOneProcess_EachMakesItsJobsFromItsOwnServices()
    {
        await using var fixture = await PipelineFixture.StartAsync(hosts: 1, latencyMs: 0);
        var settings = fixture.Settings(batchSize: 5, concurrency: 2);
        var first = JobHost.Build(TimeProvider.System, settings, "/nonexistent/appsettings.json", "http://127.0.0.1:0", (_, _, _) => new InMemoryStorage(), JobHostRole.Serve);
        var second = JobHost.Build(TimeProvider.System, settings, "/nonexistent/appsettings.json", "http://127.0.0.1:0", (_, _, _) => new InMemoryStorage(), JobHostRole.Serve);
        await using (first)
        await using (second)
        {
            // The order two hosts starting at once can take: both configured, the second last, then the first's server made.
            first.Services.GetRequiredService<Hangfire.IGlobalConfiguration>();
            second.Services.GetRequiredService<Hangfire.IGlobalConfiguration>();

            using var scope = first.Services.GetRequiredService<Hangfire.JobActivator>().BeginScope((Hangfire.JobActivatorContext)null!);

            Assert.Same(first.Services.GetRequiredService<AuditMeter>(), scope.Resolve(typeof(AuditMeter)));
        }
    }

    [Fact]
    public async Task Serve_AnswersTheDashboard_ListsNightlyAudit_WithItsCronAndTimeZone_AndShowsTheAuditPage()
    {
        await using var fixture = await PipelineFixture.StartAsync(hosts: 1, latencyMs: 0);
        var settings = fixture.Settings(batchSize: 5, concurrency: 2);
        settings["Audit:Cron"] = "30 2 * * 1-5";
        settings["Audit:TimeZone"] = "Europe/Berlin";
        var app = JobHost.Build(TimeProvider.System, settings, "/nonexistent/appsettings.json", "http://127.0.0.1:0", (_, _, _) => new InMemoryStorage(), JobHostRole.Serve);
        await using (app)
        {
            await JobHost.StartAsync(app, JobHostRole.Serve, "http://127.0.0.1:0", TestContext.Current.CancellationToken);
            using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };

            var home = await http.GetAsync(new Uri("/hangfire", UriKind.Relative), TestContext.Current.CancellationToken);
            var recurring = await http.GetStringAsync(new Uri("/hangfire/recurring", UriKind.Relative), TestContext.Current.CancellationToken);
            var audit = await http.GetStringAsync(new Uri("/hangfire/audit", UriKind.Relative), TestContext.Current.CancellationToken);

            Assert.Equal(System.Net.HttpStatusCode.OK, home.StatusCode);
            Assert.Contains("nightly-audit", recurring, StringComparison.Ordinal);
            Assert.Contains("30 2 * * 1-5", recurring, StringComparison.Ordinal);
            Assert.Contains("Europe/Berlin", recurring, StringComparison.Ordinal);
            Assert.Contains("No run is stored yet.", audit, StringComparison.Ordinal);
            Assert.Contains("nightly-audit: 30 2 * * 1-5 (Europe/Berlin), next run ", audit, StringComparison.Ordinal);
            await app.StopAsync(TestContext.Current.CancellationToken);
        }
    }

    [Fact]
    public async Task WithUsers_TheDashboardAnswers401WithAChallenge_UntilTheRightPassword()
    {
        await using var fixture = await PipelineFixture.StartAsync(hosts: 1, latencyMs: 0);
        var settings = fixture.Settings(batchSize: 5, concurrency: 2);
        var hash = PipelineFixture.AddUser(settings, 0, "ops", "correct-horse-battery", DashboardSettings.Admin);
        var app = JobHost.Build(TimeProvider.System, settings, "/nonexistent/appsettings.json", "http://127.0.0.1:0", (_, _, _) => new InMemoryStorage(), JobHostRole.Serve);
        await using (app)
        {
            await JobHost.StartAsync(app, JobHostRole.Serve, "http://127.0.0.1:0", TestContext.Current.CancellationToken);
            using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
            async Task<HttpResponseMessage> GetAsync(string? credentials)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, "/hangfire");
                if (credentials is not null)
                {
                    request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(credentials)));
                }

                return await http.SendAsync(request, TestContext.Current.CancellationToken);
            }

            var none = await GetAsync(null);
            var wrong = await GetAsync("ops:guess");
            var right = await GetAsync("ops:correct-horse-battery");

            Assert.Equal(System.Net.HttpStatusCode.Unauthorized, none.StatusCode);
            Assert.Equal("Basic", none.Headers.WwwAuthenticate.Single().Scheme);
            Assert.Equal(System.Net.HttpStatusCode.Unauthorized, wrong.StatusCode);
            Assert.Equal(System.Net.HttpStatusCode.OK, right.StatusCode);
            var page = await right.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
            Assert.DoesNotContain(hash.Split('$')[3], page, StringComparison.Ordinal);
            Assert.DoesNotContain(fixture.Database, page, StringComparison.Ordinal);
            await app.StopAsync(TestContext.Current.CancellationToken);
        }
    }

    [Fact]
    public async Task OverHttps_WithTheCertificateOfKestrelSettings_AUserGetsIn()
    {
        await using var fixture = await PipelineFixture.StartAsync(hosts: 1, latencyMs: 0);
        using var rsa = System.Security.Cryptography.RSA.Create(2048);
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest(
            "CN=esfleet.test", rsa, System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.RSASignaturePadding.Pkcs1);
        var now = TimeProvider.System.GetUtcNow();
        using var certificate = request.CreateSelfSigned(now.AddDays(-1), now.AddDays(30));
        var pfx = Path.Combine(fixture.Data, "dashboard.pfx");
        await File.WriteAllBytesAsync(pfx, certificate.Export(System.Security.Cryptography.X509Certificates.X509ContentType.Pfx, "pfx-Pa55"), TestContext.Current.CancellationToken);
        var settings = fixture.Settings(batchSize: 5, concurrency: 2);
        PipelineFixture.AddUser(settings, 0, "ops", "correct-horse-battery", DashboardSettings.Admin);
        settings["Kestrel:Certificates:Default:Path"] = pfx;
        settings["Kestrel:Certificates:Default:Password"] = "pfx-Pa55";
        var app = JobHost.Build(TimeProvider.System, settings, "/nonexistent/appsettings.json", "https://127.0.0.1:0", (_, _, _) => new InMemoryStorage(), JobHostRole.Serve);
        await using (app)
        {
            await JobHost.StartAsync(app, JobHostRole.Serve, "http://127.0.0.1:0", TestContext.Current.CancellationToken);
            string? seen = null;
            using var handler = new HttpClientHandler
            {
                ServerCertificateCustomValidationCallback = (_, presented, _, _) =>
                {
                    seen = presented?.Thumbprint;
                    return true;
                },
            };
            using var http = new HttpClient(handler) { BaseAddress = new Uri(app.Urls.First()) };
            using var get = new HttpRequestMessage(HttpMethod.Get, "/hangfire");
            get.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic", Convert.ToBase64String("ops:correct-horse-battery"u8.ToArray()));

            var answer = await http.SendAsync(get, TestContext.Current.CancellationToken);

            Assert.StartsWith("https://", app.Urls.First(), StringComparison.Ordinal);
            Assert.Equal(System.Net.HttpStatusCode.OK, answer.StatusCode);
            Assert.Equal(certificate.Thumbprint, seen);
            await app.StopAsync(TestContext.Current.CancellationToken);
        }
    }

    [Fact]
    public async Task Serve_OnAnAddressThatIsTaken_OrWithoutItsCertificate_SaysSoInOneLine_AndExits2()
    {
        using var taken = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        taken.Start();
        var port = ((System.Net.IPEndPoint)taken.LocalEndpoint).Port;
        var data = Path.Combine(CliRunner.DataDirectory, $"listen-{Guid.NewGuid():N}");
        var settings = CliRunner.SettingsFile(new Dictionary<string, object>
        {
            ["DATA_DIR"] = data,
            ["Audit"] = new Dictionary<string, string> { ["Inventory"] = CliRunner.Sample("inventory-lab.csv") },
            ["Kestrel"] = new Dictionary<string, object> { ["Certificates"] = new Dictionary<string, object> { ["Default"] = new Dictionary<string, string> { ["Path"] = "/nonexistent/dashboard.pfx" } } },
        });

        var busy = await CliRunner.RunWithSettingsAsync(settings, "serve", "--urls", $"http://127.0.0.1:{port}");
        var noCertificate = await CliRunner.RunWithSettingsAsync(settings, "serve", "--urls", "https://127.0.0.1:0");

        Assert.Equal(2, busy.ExitCode);
        Assert.StartsWith($"esfleet serve: cannot listen on http://127.0.0.1:{port}: ", busy.Error, StringComparison.Ordinal);
        Assert.Single(busy.Error.Trim().Split('\n'));
        Assert.Equal(2, noCertificate.ExitCode);
        Assert.StartsWith("esfleet serve: cannot listen on https://127.0.0.1:0: ", noCertificate.Error, StringComparison.Ordinal);
        Assert.Single(noCertificate.Error.Trim().Split('\n'));
    }

    /// <summary>
    /// Issue 18, item 17: the clear line is all a process of its own writes (the in-process runs above do not see the generic
    /// host's log, which goes to the console): no "fail: ... Hosting failed to start" with a stack trace after it.
    /// </summary>
    [Theory]
    [InlineData("address")]
    [InlineData("certificate")]
    public async Task Serve_OnAnAddressThatIsTaken_OrWithoutItsCertificate_WritesOnlyTheLine(string problem)
    {
        using var taken = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        taken.Start();
        var url = problem == "address" ? $"http://127.0.0.1:{((System.Net.IPEndPoint)taken.LocalEndpoint).Port}" : "https://127.0.0.1:0";

        var run = await CliRunner.RunInChildAsync($"timeout 60 $ESFLEET serve --urls {url}", new Dictionary<string, string>
        {
            ["ESF_DATA_DIR"] = Path.Combine(CliRunner.DataDirectory, $"listen-child-{Guid.NewGuid():N}"),
            ["ESF_Audit__Inventory"] = CliRunner.Sample("inventory-lab.csv"),
            ["ESF_Kestrel__Certificates__Default__Path"] = "/nonexistent/dashboard.pfx",
        });

        // A new data folder's first start warns once that its dashboard keys are stored unencrypted: not this test's concern.
        var lines = run.Error.TrimEnd('\n').Split('\n').Where(l => !l.StartsWith("warn: Microsoft.AspNetCore.DataProtection.KeyManagement", StringComparison.Ordinal));
        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith($"esfleet serve: cannot listen on {url}: ", Assert.Single(lines), StringComparison.Ordinal);
    }

    /// <summary>Issue 18, item 17: a second serve on the data folder of a running one is refused in one line, before it resumes or takes a job.</summary>
    [Fact]
    public async Task Serve_SecondOnTheSameDataFolder_IsRefusedInOneLine_AndTheFirstRunsOn()
    {
        var data = Path.Combine(CliRunner.DataDirectory, $"second-serve-{Guid.NewGuid():N}");
        var overrides = new Dictionary<string, string?>
        {
            ["DATA_DIR"] = data,
            ["Audit:Inventory"] = CliRunner.Sample("inventory-lab.csv"),
        };
        var first = JobHost.Build(TimeProvider.System, overrides, "/nonexistent/appsettings.json", "http://127.0.0.1:0", (c, d, t) => JobServices.CreateStorage(c, d, t), JobHostRole.Serve);
        await using (first)
        {
            await JobHost.StartAsync(first, JobHostRole.Serve, "http://127.0.0.1:0", TestContext.Current.CancellationToken);

            var second = await CliRunner.RunInChildAsync("timeout 60 $ESFLEET serve --urls http://127.0.0.1:0", new Dictionary<string, string>
            {
                ["ESF_DATA_DIR"] = data,
                ["ESF_Audit__Inventory"] = CliRunner.Sample("inventory-lab.csv"),
            });

            Assert.Equal(2, second.ExitCode);
            Assert.Equal(
                $"esfleet serve: the job storage {Path.Combine(data, JobServices.EmbeddedStorageFile)} is in use: another esfleet serve or demo runs on this data folder (it holds {JobServices.EmbeddedStorageFile}.lock); stop it first, or give this one another data folder (ESF_DATA_DIR)",
                Assert.Single(second.Error.TrimEnd('\n').Split('\n')));
            using var http = new HttpClient { BaseAddress = new Uri(first.Urls.First()) };
            Assert.True((await http.GetAsync(new Uri("/hangfire", UriKind.Relative), TestContext.Current.CancellationToken)).IsSuccessStatusCode);
            await first.StopAsync(TestContext.Current.CancellationToken);
        }

        // Stopped and disposed, the first lets go: the next serve on the folder starts.
        var again = JobHost.Build(TimeProvider.System, overrides, "/nonexistent/appsettings.json", "http://127.0.0.1:0", (c, d, t) => JobServices.CreateStorage(c, d, t), JobHostRole.Serve);
        await using (again)
        {
            await JobHost.StartAsync(again, JobHostRole.Serve, "http://127.0.0.1:0", TestContext.Current.CancellationToken);
            await again.StopAsync(TestContext.Current.CancellationToken);
        }
    }

    [Fact]
    public async Task Worker_OnTheEmbeddedStorage_IsRefused_WithTheReason()
    {
        var data = Path.Combine(CliRunner.DataDirectory, $"worker-{Guid.NewGuid():N}");
        var settings = CliRunner.SettingsFile(new Dictionary<string, object> { ["DATA_DIR"] = data });

        var run = await CliRunner.RunWithSettingsAsync(settings, "serve", "--worker", "--urls", "http://127.0.0.1:0");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("the embedded job storage is for one process only", run.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(data, JobServices.EmbeddedStorageFile)), "refused, yet the embedded job file was made");
    }

    [Theory]
    [InlineData("TimeZone", "Mars/Olympus_Mons", "Audit:TimeZone 'Mars/Olympus_Mons' is not a time zone of this machine")]
    [InlineData("Cron", "every night", "Audit:Cron 'every night' is not a cron expression")]
    [InlineData("Inventory", "/nonexistent/inventory.csv", "Audit:Inventory: /nonexistent/inventory.csv: file not found")]
    [InlineData("BatchSize", "0", "Audit:BatchSize must be 1-100000, not 0")]
    [InlineData("Email", "true", "Mail:Host is not set (the mail relay) (Audit:Email is true)")]
    [InlineData("JobTimeoutMinutes", "1", "Audit:JobTimeoutMinutes (1) must exceed a batch's worst case")]
    public async Task Serve_WithABadAuditSetting_StopsAtStart_WithOneLine(string name, string value, string expected)
    {
        var audit = new Dictionary<string, object> { ["Inventory"] = CliRunner.Sample("inventory-lab.csv"), [name] = value };
        var settings = CliRunner.SettingsFile(new Dictionary<string, object> { ["DATA_DIR"] = CliRunner.DataDirectory, ["Audit"] = audit });

        var run = await CliRunner.RunWithSettingsAsync(settings, "serve", "--urls", "http://127.0.0.1:0");

        Assert.Equal(2, run.ExitCode);
        Assert.True(run.Error.StartsWith($"esfleet: configuration: {expected}", StringComparison.Ordinal), run.Error);
        // One line per problem (Audit:Email names each mail setting that is missing), never a stack trace.
        Assert.All(run.Error.Trim().Split('\n'), line => Assert.StartsWith("esfleet: configuration: ", line, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Serve_WithoutAnInventory_SaysWhichSettingToSet()
    {
        var settings = CliRunner.SettingsFile(new Dictionary<string, object> { ["DATA_DIR"] = CliRunner.DataDirectory });

        var run = await CliRunner.RunWithSettingsAsync(settings, "serve");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains($"{AuditSettings.Section}:Inventory is not set", run.Error, StringComparison.Ordinal);
    }

    /// <summary>Issue 18, items 3 and 4: a job storage or database that cannot be used is one line and exit 2 at start, never a stack trace or a loop of log lines.</summary>
    [Theory]
    [InlineData("garbage", "serve")]
    [InlineData("directory", "serve")]
    [InlineData("malformed", "serve")]
    [InlineData("unreachable", "serve")]
    [InlineData("unreachable", "worker")]
    public async Task Serve_WithAStorageThatCannotBeUsed_StopsAtStart_WithOneLine(string storage, string role)
    {
        var data = Path.Combine(CliRunner.DataDirectory, $"storage-{storage}-{role}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(data);
        var settings = new Dictionary<string, object> { ["DATA_DIR"] = data, ["Audit"] = new Dictionary<string, object> { ["Inventory"] = CliRunner.Sample("inventory-lab.csv") } };
        switch (storage)
        {
            case "garbage":
                await File.WriteAllBytesAsync(Path.Combine(data, JobServices.EmbeddedStorageFile), [.. Enumerable.Range(0, 8192).Select(i => (byte)(i * 7))], TestContext.Current.CancellationToken);
                break;
            case "directory":
                Directory.CreateDirectory(Path.Combine(data, JobServices.EmbeddedStorageFile));
                break;
            default:
                settings["Database"] = new Dictionary<string, object> { ["Provider"] = "sqlserver" };
                settings["ConnectionStrings"] = new Dictionary<string, object>
                {
                    ["Fleet"] = storage == "malformed" ? "Server=127.0.0.1,1;Password=Secr3t;bogus key=1" : "Server=127.0.0.1,1;Database=esfleet;User Id=esf;Password=Secr3t;Connect Timeout=1",
                };
                break;
        }

        var run = await CliRunner.RunWithSettingsAsync(CliRunner.SettingsFile(settings), role == "worker" ? ["serve", "--worker", "--urls", "http://127.0.0.1:0"] : ["serve", "--urls", "http://127.0.0.1:0"]);

        Assert.Equal(2, run.ExitCode);
        Assert.Single(run.Error.Trim().Split('\n'));
        Assert.StartsWith("esfleet serve: ", run.Error, StringComparison.Ordinal);
        Assert.Contains(storage is "garbage" or "directory" ? "the job storage in" : "cannot", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("Secr3t", run.Error, StringComparison.Ordinal);
    }
}
