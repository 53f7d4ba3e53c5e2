using System.CommandLine;
using System.Text.Json;
using Weft.LocalApi;

namespace Weft.Cli;

/// <summary>
/// <c>weft netcheck [--json] [--timeout SECONDS]</c>: asks the running daemon (<c>GET /v1/netcheck</c>) to ping every
/// member with a public UDP address, wait for the answers, probe hairpinning, and report what it learnt about this
/// node's NAT, as lines (see <see cref="NetcheckFormatter"/>) or as the <see cref="NetcheckReport"/> JSON.
/// </summary>
internal static class NetcheckCommand
{
    public const string Description = """
        Check this node's network: UDP, NAT and port mapping (asks the running daemon).
        The daemon pings every member with a public UDP address and waits for the answers. Lines:
          UDP           works if a public member answered; unknown if no such member is known
          IPv4, IPv6    the endpoints (address:port) the members saw our pings come from: our public side
          Mapping       none (no NAT), endpoint-independent (one public port for every peer: easy to reach
                        directly), endpoint-dependent (a new port per peer, "symmetric": hard), or unknown
                        (fewer than two public members to compare)
          Port mapping  the UDP port mapping the daemon holds on the router (PCP, NAT-PMP or UPnP IGD), or why not
          Hairpinning   whether a packet to our own public endpoint comes back through the NAT
          Seen by       each member endpoint asked and what it saw
        """;

    public static Command Create(CliContext context, GlobalOptions global)
    {
        var json = new Option<bool>("--json") { Description = "Print the report as JSON" };
        var timeout = new Option<double>("--timeout", "-W")
        {
            Description = "Seconds to wait for the members' answers",
            HelpName = "SECONDS",
            DefaultValueFactory = _ => LocalApiServer.DefaultNetcheckTimeout.TotalSeconds,
            CustomParser = result => PingCommand.Number(result, "--timeout", 0.001, LocalApiServer.MaxNetcheckTimeout.TotalSeconds, integer: false),
        };
        var command = new Command("netcheck", Description) { json, timeout };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var state = global.Layout(parse);
            using var client = new LocalApiClient(state.SocketPath);
            var report = await client.NetcheckAsync(TimeSpan.FromSeconds(parse.GetValue(timeout)), cancellationToken).ConfigureAwait(false);
            var text = parse.GetValue(json) ? JsonSerializer.Serialize(report, LocalApiJsonContext.Readable.NetcheckReport) + "\n" : NetcheckFormatter.Format(report);
            await context.Out.WriteAsync(text).ConfigureAwait(false);
            return WeftCli.ExitOk;
        });
        return command;
    }
}
