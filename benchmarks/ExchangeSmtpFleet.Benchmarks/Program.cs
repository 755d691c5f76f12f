using ExchangeSmtpFleet.Benchmarks;

// Benchmarks print figures; they are not tests and assert nothing about time.
var which = args.Length > 0 ? args[0] : "all";
if (which is "inventory" or "all")
{
    InventoryBenchmark.Run(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 100_000);
}
