using System.Net;
using System.Net.Sockets;
using ExchangeSmtpFleet.Core.Classification;
using ExchangeSmtpFleet.Core.Probing;
using ExchangeSmtpFleet.Smtp.Probing;
using Microsoft.Extensions.Time.Testing;

namespace ExchangeSmtpFleet.Smtp.Tests.Probing;

/// <summary>Issue 18, item 14: a dead resolver blocks a few threads of its own, never the thread pool.</summary>
public sealed class ResolverThreadsTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 2, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Resolve_RunsTheLookUpOffTheThreadPool_AndGivesItsAnswer()
    {
        var resolver = new ResolverThreads(host => BlockingResolver.Immediate(host, onThreadPool: Thread.CurrentThread.IsThreadPoolThread), 2);

        var addresses = await resolver.ResolveAsync("mail1.corp.test", TestContext.Current.CancellationToken);

        Assert.Equal([IPAddress.Parse("192.0.2.1")], addresses);
    }

    [Fact]
    public async Task Resolve_AFailingLookUp_FaultsWithItsException()
    {
        var resolver = new ResolverThreads(_ => throw new SocketException((int)SocketError.HostNotFound), 2);

        var error = await Assert.ThrowsAsync<SocketException>(() => resolver.ResolveAsync("nowhere.test", TestContext.Current.CancellationToken));

        Assert.Equal(SocketError.HostNotFound, error.SocketErrorCode);
    }

    [Fact]
    public async Task ADeadResolver_HoldsAtMostItsThreads_AndLookUpsWhoseCallerGaveUp_NeverStart()
    {
        using var dead = new BlockingResolver();
        var resolver = new ResolverThreads(dead.LookUp, 4);
        var callers = Enumerable.Range(0, 40).Select(_ => new CancellationTokenSource()).ToList();

        var lookups = callers.Select((c, i) => resolver.ResolveAsync($"host{i}.corp.test", c.Token)).ToList();
        await dead.UntilStartedAsync(4);
        Assert.Equal(36, resolver.Queued);

        foreach (var caller in callers)
        {
            await caller.CancelAsync();
        }

        // Every caller is answered at once, the 4 blocked look-ups included; the queue is empty.
        foreach (var lookup in lookups)
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => lookup.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken));
        }

        Assert.Equal(0, resolver.Queued);
        dead.Answer();

        // First in, first out: had a cancelled look-up stayed queued, it would have started before this one.
        Assert.Equal([IPAddress.Parse("192.0.2.1")], await resolver.ResolveAsync("last.corp.test", TestContext.Current.CancellationToken));
        Assert.Equal(5, dead.Started);
        Assert.False(dead.AnyOnThreadPool);
        callers.ForEach(c => c.Dispose());
    }

    /// <summary>
    /// Issue 18, item 14, the fleet's view: 40 names at concurrency 40 behind a resolver that never answers each end with
    /// DnsFailure when their own connect time-out passes (one step of the fake clock), with 4 resolver threads blocked.
    /// When the look-ups blocked thread-pool threads, as Dns.GetHostAddressesAsync does on Linux, the process starved.
    /// </summary>
    [Fact]
    public async Task Probe_FortyNamesBehindADeadResolver_EachEndsAtItsConnectTimeout_WithoutBlockingTheThreadPool()
    {
        using var dead = new BlockingResolver();
        var resolver = new ResolverThreads(dead.LookUp, 4);
        var clock = new FakeTimeProvider(Start);
        var options = new ProbeOptions { EhloName = "auditor.test", ConnectTimeout = TimeSpan.FromSeconds(3), HostDeadline = TimeSpan.FromSeconds(60) };
        var prober = new SmtpProber(options, clock, resolver.ResolveAsync);

        var probes = Enumerable.Range(0, 40).Select(i => prober.ProbeAsync($"mail{i}.corp.test", 25, null, TestContext.Current.CancellationToken)).ToList();
        await dead.UntilStartedAsync(4);
        Assert.Equal(36, resolver.Queued);
        clock.Advance(TimeSpan.FromSeconds(3));
        var results = await Task.WhenAll(probes).WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);

        Assert.All(results, r =>
        {
            Assert.Equal(Reason.DnsFailure, r.Observation.Failure!.Reason);
            Assert.Equal("name resolution gave no answer within 3 s", r.Observation.Failure.Detail);
        });
        Assert.Equal(0, resolver.Queued);
        Assert.Equal(4, dead.Started);
        Assert.False(dead.AnyOnThreadPool);
        dead.Answer();
    }

    [Fact]
    public async Task Probe_ByDefault_ResolvesNamesOnTheProcessResolverThreads()
    {
        var before = ResolverThreads.Shared.Started;
        var options = new ProbeOptions { EhloName = "auditor.test", ConnectTimeout = TimeSpan.FromSeconds(5), ConnectRetries = 0 };

        var probe = await new SmtpProber(options, TimeProvider.System).ProbeAsync("localhost", 1, null, TestContext.Current.CancellationToken);

        Assert.NotEqual(Reason.DnsFailure, probe.Observation.Failure?.Reason);
        Assert.True(ResolverThreads.Shared.Started > before, "the name was not resolved on the resolver threads");
    }

    /// <summary>A system resolver whose server never answers: each look-up blocks its thread until <see cref="Answer"/>.</summary>
    private sealed class BlockingResolver : IDisposable
    {
        private readonly ManualResetEventSlim _answer = new();
        private int _started;
        private int _onThreadPool;

        public int Started => Volatile.Read(ref _started);

        public bool AnyOnThreadPool => Volatile.Read(ref _onThreadPool) > 0;

        public static IPAddress[] Immediate(string host, bool onThreadPool)
        {
            Assert.False(onThreadPool, $"the look-up of {host} ran on the thread pool");
            return [IPAddress.Parse("192.0.2.1")];
        }

        public IPAddress[] LookUp(string host)
        {
            Interlocked.Increment(ref _started);
            if (Thread.CurrentThread.IsThreadPoolThread)
            {
                Interlocked.Increment(ref _onThreadPool);
            }

            _answer.Wait(TimeSpan.FromMinutes(2));
            return [IPAddress.Parse("192.0.2.1")];
        }

        public void Answer() => _answer.Set();

        public async Task UntilStartedAsync(int count)
        {
            for (var i = 0; Started < count; i++)
            {
                Assert.True(i < 3000, $"only {Started} of {count} look-ups started");
                await Task.Delay(10, TestContext.Current.CancellationToken);
            }
        }

        public void Dispose()
        {
            _answer.Set();
            _answer.Dispose();
        }
    }
}
