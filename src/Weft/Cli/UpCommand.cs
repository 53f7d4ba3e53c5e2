using System.CommandLine;
using Weft.Config;
using Weft.Daemon;

namespace Weft.Cli;

/// <summary>
/// <c>weft up [--peer HOST:PORT ...] [--listen PORT] [--interface NAME] [--config FILE]</c>: runs the
/// node in the foreground (see <see cref="DaemonHost"/>). Options override the config file.
/// </summary>
internal static class UpCommand
{
    public static Command Create(CliContext context, GlobalOptions global)
    {
        var peers = new Option<string[]>("--peer")
        {
            Description = "A member to connect to, host:port (repeatable; its key is learned, no pasting)",
            HelpName = "HOST:PORT",
            AllowMultipleArgumentsPerToken = false,
        };
        var listen = new Option<int?>("--listen") { Description = "UDP port to listen on (default 51820 or the config's listenPort)", HelpName = "PORT" };
        var interfaceName = new Option<string?>("--interface") { Description = "TUN device name (default weft%d)", HelpName = "NAME" };
        var config = new Option<string?>("--config") { Description = "Config file (default <state>/weft.json)", HelpName = "FILE" };
        var command = new Command("up", "Run this node (foreground daemon; stop with Ctrl-C or SIGTERM)") { peers, listen, interfaceName, config };
        command.SetAction((parse, cancellationToken) =>
        {
            var state = global.Layout(parse);
            var configPath = parse.GetValue(config);
            var file = ConfigLoader.Load(configPath ?? state.Config, mustExist: configPath is not null);
            var settings = DaemonSettings.Resolve(file, parse.GetValue(listen), parse.GetValue(interfaceName), parse.GetValue(peers) ?? []);
            return DaemonHost.RunAsync(state, settings, context.Time, cancellationToken);
        });
        return command;
    }
}
