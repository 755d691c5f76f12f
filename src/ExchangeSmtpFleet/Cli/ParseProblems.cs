using System.CommandLine;
using System.CommandLine.Parsing;

namespace ExchangeSmtpFleet.Cli;

/// <summary>
/// What is wrong with a command line, in our words and one line each: an option the command does not have is named as
/// such with the command's options ("--lang is not an option of history (its options: ...)"), a word too many with what
/// the command takes. System.CommandLine's own texts ("'de' was not matched. Did you mean one of the following? --db",
/// then the whole help) answer a question the user did not ask.
/// </summary>
internal static class ParseProblems
{
    /// <summary>The problems of <paramref name="parse"/>, one line each (without the command's name in front); none when it can run.</summary>
    public static IReadOnlyList<string> Describe(ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        var command = parse.CommandResult.Command;
        var unmatched = Unmatched(parse, command);
        if (unmatched.Count > 0)
        {
            // The words the command does not take explain the other errors too ("inventory chek FILE": no command given),
            // and System.CommandLine's texts for them ("Unrecognized command or argument") are left out.
            return unmatched;
        }

        var lines = new List<string>();
        foreach (var error in parse.Errors)
        {
            var line = error.SymbolResult switch
            {
                OptionResult { Tokens.Count: 0 } option when option.Option.Arity.MinimumNumberOfValues > 0 => $"{option.Option.Name} needs a value",
                ArgumentResult { Tokens.Count: 0 } argument => $"{PathOf(parse)} needs {argument.Argument.Name}",
                CommandResult result when result.Command.Action is null && result.Command.Subcommands.Count > 0
                    => $"{PathOf(parse)} needs a command (its commands: {Names(result.Command.Subcommands)})",
                _ => error.Message,
            };
            if (!lines.Contains(line, StringComparer.Ordinal))
            {
                lines.Add(line);
            }
        }

        return lines;
    }

    /// <summary>
    /// Options the command does not have, else the words it does not take. System.CommandLine takes an unknown option for the
    /// command's argument when one is still open ("history --lang de exch01": HOST is "--lang"), so every word that is neither
    /// a known option, nor an option's value, nor after "--" and starts with "-" is an unknown option; the word after it is
    /// its value, not a problem of its own.
    /// </summary>
    private static List<string> Unmatched(ParseResult parse, Command command)
    {
        var optionValues = new HashSet<Token>(ReferenceEqualityComparer.Instance);
        var arguments = new HashSet<Token>(ReferenceEqualityComparer.Instance);
        for (var result = parse.CommandResult; result is not null; result = result.Parent as CommandResult)
        {
            foreach (var child in result.Children)
            {
                var into = child is OptionResult ? optionValues : child is ArgumentResult && result == parse.CommandResult ? arguments : null;
                into?.UnionWith(child.Tokens);
            }
        }

        var unknownOptions = new List<string>();
        var stray = new List<string>();
        var afterDoubleDash = false;
        var afterUnknownOption = false;
        foreach (var token in parse.Tokens)
        {
            if (token.Type != TokenType.Argument || optionValues.Contains(token))
            {
                afterDoubleDash |= token.Type == TokenType.DoubleDash;
                afterUnknownOption = false;
            }
            else if (!afterDoubleDash && LooksLikeOption(token.Value))
            {
                unknownOptions.Add(UnknownOption(parse, command, token.Value));
                afterUnknownOption = true;
            }
            else if (afterUnknownOption)
            {
                // "--lang de": the value of the option just named.
                afterUnknownOption = false;
            }
            else if (!arguments.Contains(token))
            {
                stray.Add(token.Value);
            }
        }

        if (unknownOptions.Count > 0 || stray.Count == 0)
        {
            return unknownOptions;
        }

        if (command.Subcommands.Count > 0)
        {
            // The words after an unknown command are its arguments: nothing more to say about them.
            return [UnknownCommand(parse, command, stray[0])];
        }

        return [.. stray.Select(word => command.Arguments.Count == 0
            ? $"{PathOf(parse)} takes no arguments, not '{word}'"
            : $"'{word}' is one argument too many: {PathOf(parse)} takes {string.Join(' ', command.Arguments.Select(Usage))}")];
    }

    private static string UnknownOption(ParseResult parse, Command command, string word)
    {
        var name = word.Split('=', ':')[0];
        var options = command.Options.Where(o => !o.Hidden && o is not System.CommandLine.Help.HelpOption).ToList();
        var list = options.Count == 0 ? "it has no options" : $"its options: {Names(options)}";
        var near = Nearest(name, options.SelectMany(o => o.Aliases.Prepend(o.Name)));
        return near is null
            ? $"{name} is not an option of {PathOf(parse)} ({list})"
            : $"{name} is not an option of {PathOf(parse)}; did you mean {near}? ({list})";
    }

    private static string UnknownCommand(ParseResult parse, Command command, string word)
    {
        var commands = command.Subcommands.Where(c => !c.Hidden).ToList();
        var near = Nearest(word, commands.Select(c => c.Name));
        var list = $"its commands: {Names(commands)}";
        return near is null
            ? $"'{word}' is not a command of {PathOf(parse)} ({list})"
            : $"'{word}' is not a command of {PathOf(parse)}; did you mean {near}? ({list})";
    }

    /// <summary>"-x", "--lang", "--lang=de"; not "-" (standard input) nor a negative number.</summary>
    private static bool LooksLikeOption(string word) => word.Length > 1 && word[0] == '-' && !char.IsAsciiDigit(word[1]);

    private static string Usage(Argument argument) => argument.Arity.MaximumNumberOfValues > 1 ? $"{argument.Name}..." : argument.Name;

    private static string Names(IEnumerable<Symbol> symbols) => string.Join(", ", symbols.Select(s => s.Name));

    /// <summary>"db prune": the command as typed after <c>esfleet</c>; "esfleet" for the root.</summary>
    private static string PathOf(ParseResult parse)
    {
        var names = new List<string>();
        for (var result = parse.CommandResult; result is not null && result.Command is not RootCommand; result = result.Parent as CommandResult)
        {
            names.Add(result.Command.Name);
        }

        names.Reverse();
        return names.Count == 0 ? "esfleet" : string.Join(' ', names);
    }

    /// <summary>The one name a typo most likely meant: one edit away (two for a long word), and no other as near.</summary>
    private static string? Nearest(string word, IEnumerable<string> names)
    {
        var most = word.Length > 7 ? 2 : 1;
        var ranked = names.Distinct(StringComparer.Ordinal)
            .Select(n => (Name: n, Distance: Distance(word.ToLowerInvariant(), n.ToLowerInvariant())))
            .Where(n => n.Distance <= most)
            .OrderBy(n => n.Distance)
            .ToList();
        return ranked.Count > 0 && (ranked.Count == 1 || ranked[1].Distance > ranked[0].Distance) ? ranked[0].Name : null;
    }

    /// <summary>Levenshtein distance.</summary>
    private static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j], current[j - 1]) + 1);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
