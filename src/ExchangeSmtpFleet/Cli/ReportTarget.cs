using ExchangeSmtpFleet.Infrastructure.Files;

namespace ExchangeSmtpFleet.Cli;

/// <summary>
/// Where <c>--out</c> puts a workbook, checked before anything is probed or read (issue 18, item 2): a workbook is written
/// beside its path and then moved over it, so a name that is not an <c>.xlsx</c> file would be replaced by a workbook that
/// nothing opens (a device such as <c>/dev/null</c> included: the move replaces the device node itself).
/// </summary>
internal static class ReportTarget
{
    private const string Extension = ".xlsx";

    /// <summary>The full path of <c>report --out FILE</c>, or null when the option is not given.</summary>
    /// <exception cref="CommandException">The value cannot name a workbook; the message names <c>--out</c>.</exception>
    public static string? Workbook(string option, string? value)
    {
        if (value is null)
        {
            return null;
        }

        if (string.IsNullOrWhiteSpace(value))
        {
            throw new CommandException($"{option} must name the workbook, a file ending in {Extension}, not '{value}'");
        }

        var path = Path.GetFullPath(value);
        if (FileKind.Of(path) is var kind and not (FileType.Regular or FileType.Missing or FileType.Unknown))
        {
            throw new CommandException(kind == FileType.Directory
                ? $"{option} must name the workbook, not a folder: {path} is a folder (e.g. {option} {Path.Combine(value, "report" + Extension)})"
                : $"{option} must name the workbook, a regular file: {path} {FileKind.Describe(kind)}");
        }

        if (!string.Equals(Path.GetExtension(path), Extension, StringComparison.OrdinalIgnoreCase))
        {
            throw new CommandException($"{option} must name a file ending in {Extension} (Excel opens a workbook by its extension), not '{value}'");
        }

        return path;
    }

    /// <summary>The full path of <c>audit --out FOLDER</c> (made when missing), or null when the option is not given.</summary>
    /// <exception cref="CommandException">The value names something that is not a folder; the message names <c>--out</c>.</exception>
    public static string? Folder(string option, string? value)
    {
        if (value is null)
        {
            return null;
        }

        if (string.IsNullOrWhiteSpace(value))
        {
            throw new CommandException($"{option} must name the folder of the report, not '{value}'");
        }

        var path = Path.GetFullPath(value);
        var kind = FileKind.Of(path);
        return kind is FileType.Directory or FileType.Missing or FileType.Unknown
            ? path
            : throw new CommandException($"{option} must name the folder of the report: {path} {(kind == FileType.Regular ? "is a file" : FileKind.Describe(kind)?.Replace(", not a regular file", string.Empty, StringComparison.Ordinal))}");
    }
}
