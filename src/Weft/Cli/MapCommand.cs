using System.CommandLine;
using System.Text.Json;
using Weft.LocalApi;

namespace Weft.Cli;

/// <summary>
/// <c>weft map [--json]</c>: the mesh topology the running daemon knows from link-state adverts
/// (nodes with their overlay addresses and relay flag, links with their costs), as tables (see
/// <see cref="MapFormatter"/>) or as the <see cref="MapReport"/> JSON.
/// </summary>
internal static class MapCommand
{
    public static Command Create(CliContext context, GlobalOptions global)
    {
        var json = new Option<bool>("--json") { Description = "Print the map as JSON" };
        var command = new Command("map", "Show the mesh topology known from link-state adverts (asks the running daemon)") { json };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var state = global.Layout(parse);
            using var client = new LocalApiClient(state.SocketPath);
            var map = await client.GetMapAsync(cancellationToken).ConfigureAwait(false);
            var text = parse.GetValue(json) ? JsonSerializer.Serialize(map, LocalApiJsonContext.Readable.MapReport) + "\n" : MapFormatter.Format(map);
            await context.Out.WriteAsync(text).ConfigureAwait(false);
            return WeftCli.ExitOk;
        });
        return command;
    }
}
