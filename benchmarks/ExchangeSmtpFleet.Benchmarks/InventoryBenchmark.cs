using System.Diagnostics;
using System.Globalization;
using System.Text;
using ExchangeSmtpFleet.Core.Profiles;
using ExchangeSmtpFleet.Infrastructure.Inventory;

namespace ExchangeSmtpFleet.Benchmarks;

/// <summary>Reads a generated inventory of N rows (file on disk, every column filled) several times and prints the times.</summary>
internal static class InventoryBenchmark
{
    public static void Run(int rows)
    {
        var path = Path.Combine(Path.GetTempPath(), $"esf-bench-inventory-{rows}.csv");
        var text = new StringBuilder("Host;Port;Name;Site;Owner;Profile;IgnoreVerbs;Enabled;Comment\n");
        for (var i = 0; i < rows; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"exch{i:D6}.corp.example.com;25;EXCH{i:D6};Site {i % 40};Team {i % 7};exchange-2003;{(i % 10 == 0 ? "XEXCH50" : string.Empty)};true;row {i}\n");
        }

        File.WriteAllText(path, text.ToString(), new UTF8Encoding(true));
        var reader = new CsvInventoryReader(ProfileCatalog.BuiltIn);
        reader.ReadFile(path); // warm-up: JIT and the profile catalogue

        var times = new List<double>();
        var hosts = 0;
        for (var run = 0; run < 5; run++)
        {
            var watch = Stopwatch.StartNew();
            var result = reader.ReadFile(path);
            watch.Stop();
            hosts = result.Hosts.Length;
            times.Add(watch.Elapsed.TotalMilliseconds);
        }

        times.Sort();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"inventory: {rows} rows, {new FileInfo(path).Length / 1024} KiB, {hosts} hosts; read+validate median {times[2]:0} ms, min {times[0]:0} ms, max {times[^1]:0} ms"));
        File.Delete(path);
    }
}
