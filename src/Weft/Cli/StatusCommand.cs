using System.CommandLine;
using System.Text.Json;
using Weft.LocalApi;

namespace Weft.Cli;

/// <summary>
/// <c>weft status [--json]</c>: asks the running daemon (local API) for its status and prints it as
/// a table, or as the <see cref="StatusReport"/> JSON.
/// </summary>
internal static class StatusCommand
{
    public static Command Create(CliContext context, GlobalOptions global)
    {
        var json = new Option<bool>("--json") { Description = "Print the status as JSON" };
        var command = new Command("status", "Show this node and its peers (asks the running daemon)") { json };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var state = global.Layout(parse);
            using var client = new LocalApiClient(state.SocketPath);
            var status = await client.GetStatusAsync(cancellationToken).ConfigureAwait(false);
            if (parse.GetValue(json))
            {
                await context.Out.WriteLineAsync(JsonSerializer.Serialize(status, LocalApiJsonContext.Readable.StatusReport)).ConfigureAwait(false);
            }
            else
            {
                await context.Out.WriteAsync(StatusFormatter.Format(status, context.Time.GetUtcNow())).ConfigureAwait(false);
            }

            return WeftCli.ExitOk;
        });
        return command;
    }
}
