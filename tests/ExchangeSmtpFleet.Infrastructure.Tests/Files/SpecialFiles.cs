using System.Diagnostics;

namespace ExchangeSmtpFleet.Infrastructure.Tests.Files;

/// <summary>FIFOs and other odd files for the tests, in a folder of their own.</summary>
internal static class SpecialFiles
{
    public static string NewPath(string name) =>
        Path.Combine(Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"esf-files-{Guid.NewGuid():N}")).FullName, name);

    /// <summary>A FIFO nobody writes to: opening it for reading would wait forever.</summary>
    public static string Fifo()
    {
        var path = NewPath("inventory.csv");
        using var mkfifo = Process.Start(new ProcessStartInfo("mkfifo", [path]) { RedirectStandardError = true })!;
        mkfifo.WaitForExit();
        Assert.True(mkfifo.ExitCode == 0, mkfifo.StandardError.ReadToEnd());
        return path;
    }
}
