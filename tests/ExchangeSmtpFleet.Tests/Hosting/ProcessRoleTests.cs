using ExchangeSmtpFleet.Hosting;

namespace ExchangeSmtpFleet.Tests.Hosting;

public sealed class ProcessRoleTests
{
    [Theory]
    [InlineData("probe", true)]
    [InlineData("scan", true)]
    [InlineData("classify", false)]
    [InlineData("inventory", false)]
    [InlineData("simulate", false)]
    [InlineData("serve", false)]
    [InlineData("--version", false)]
    public void Of_OnlyTheProbingCommands_AreProbeOnly(string command, bool probeOnly)
    {
        Assert.Equal(probeOnly ? ProcessRole.ProbeOnly : ProcessRole.General, ProcessRoles.Of([command, "x"]));
    }

    [Fact]
    public void Of_NoArguments_IsGeneral()
    {
        Assert.Equal(ProcessRole.General, ProcessRoles.Of([]));
    }
}
