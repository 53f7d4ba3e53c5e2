using System.CommandLine;
using Weft.State;

namespace Weft.Cli;

/// <summary>
/// Options every command takes (<c>--state</c>, <c>--socket</c>), declared once on the root as
/// recursive options. One instance per command tree.
/// </summary>
internal sealed class GlobalOptions
{
    public Option<string> State { get; } = new("--state")
    {
        Description = "State directory (keys, certificates, lock, socket)",
        HelpName = "DIR",
        Recursive = true,
        DefaultValueFactory = _ => StateLayout.DefaultDirectory,
    };

    public Option<string?> Socket { get; } = new("--socket")
    {
        Description = "Path of the daemon's local API socket (default <state>/weft.sock)",
        HelpName = "PATH",
        Recursive = true,
    };

    /// <summary>The state layout the parsed command line names.</summary>
    public StateLayout Layout(ParseResult parse) =>
        new(parse.GetValue(State)!, parse.GetValue(Socket));
}
