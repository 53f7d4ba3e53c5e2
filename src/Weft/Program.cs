using System.Runtime.Versioning;
using Weft.Cli;

// The daemon and its platform layer are Linux only for now (TUN, netlink, Unix sockets, file modes).
[assembly: SupportedOSPlatform("linux")]

namespace Weft;

/// <summary>The <c>weft</c> executable: the CLI and, with <c>weft up</c>, the daemon.</summary>
internal static class Program
{
    private static int Main(string[] args) => WeftCli.Run(args, CliContext.FromConsole());
}
