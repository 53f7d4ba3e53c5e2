using System.Diagnostics;
using System.Text.Json;
using Weft.Cli;
using Weft.LocalApi;

namespace Weft.Demo;

/// <summary>
/// <c>weft demo</c> from start to end:
/// <code>
///   build the world (DemoWorld) ─ identities: desk runs `weft init`, every other node
///   `weft join --request`, desk `weft sign` (relay with --roles relay), the node `weft join --cert`
///   ─ `weft up` in every namespace (static peer: the relay; desk and nas also find each other by
///   LAN beacons) ─ wait until every node has a verified peer and the full map ─ `weft status` on
///   each ─ `weft map` on desk ─ `weft ping` for every ordered pair ─ the path matrix ─ (--keep: wait for Ctrl-C)
///   ─ clean up (always: also after a failure or Ctrl-C)
/// </code>
/// Every weft step runs the real program (this one), each node with its own state directory.
/// </summary>
internal sealed class DemoRunner
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromSeconds(5);

    private readonly DemoShell shell;
    private readonly TextWriter output;
    private readonly DemoOptions options;

    public DemoRunner(DemoShell shell, TextWriter output, DemoOptions options)
    {
        this.shell = shell;
        this.output = output;
        this.options = options;
    }

    /// <summary>Runs the demo; returns the exit code (0 when every pair answered).</summary>
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var world = new DemoWorld(shell, output);
        await using (world.ConfigureAwait(false))
        {
            DemoReport.Step(output, $"building the world in network namespaces {world.Prefix}* (state and logs in {world.Directory})");
            await world.BuildAsync(cancellationToken).ConfigureAwait(false);
            DemoReport.Indented(output, world.Drawing());

            DemoReport.Step(output, "identities: desk creates the mesh, the others join and desk signs their requests");
            await IdentitiesAsync(world, cancellationToken).ConfigureAwait(false);

            DemoReport.Step(output, $"weft up in every namespace (static peer {DemoWorld.RelayAddress}:51820; desk and nas also find each other by LAN beacons)");
            foreach (var node in world.Nodes)
            {
                List<string> up = [.. shell.Weft, "up", "--state", node.State];
                if (!node.Relay)
                {
                    up.AddRange(["--peer", $"{DemoWorld.RelayAddress}:51820"]);
                }

                node.Daemon = world.Start(node.Namespace, up, node.Log);
                output.WriteLine($"   {node.Name,-8} weft up{(node.Relay ? "" : $" --peer {DemoWorld.RelayAddress}:51820")} (pid {node.Daemon.Id}, log {node.Log})");
            }

            DemoReport.Step(output, "waiting until every node is connected");
            var connected = await WaitConnectedAsync(world, cancellationToken).ConfigureAwait(false);

            foreach (var node in world.Nodes)
            {
                DemoReport.Step(output, $"weft status on {node.Name}");
                var (code, text, error) = await shell.TryWeftAsync(null, ["status", "--state", node.State], cancellationToken).ConfigureAwait(false);
                DemoReport.Indented(output, code == 0 ? text : error);
            }

            var first = world.Nodes[0];
            DemoReport.Step(output, $"weft map on {first.Name} (the topology every node knows from link-state adverts)");
            var (mapCode, mapText, mapError) = await shell.TryWeftAsync(null, ["map", "--state", first.State], cancellationToken).ConfigureAwait(false);
            DemoReport.Indented(output, mapCode == 0 ? mapText : mapError);

            DemoReport.Step(output, "weft ping between every pair (3 mesh-level pings each)");
            var pings = new List<DemoPing>();
            foreach (var from in world.Nodes)
            {
                foreach (var to in world.Nodes)
                {
                    if (from != to)
                    {
                        var ping = await PingAsync(from, to, cancellationToken).ConfigureAwait(false);
                        pings.Add(ping);
                        output.WriteLine("   " + DemoReport.PingLine(ping));
                    }
                }
            }

            DemoReport.Step(output, "paths (from row to column, average RTT)");
            DemoReport.Indented(output, DemoReport.Matrix(world.Nodes, pings));
            var answered = pings.Count(p => p.Answered);
            var ok = answered == pings.Count;
            output.WriteLine();
            output.WriteLine(ok
                ? $"demo OK: all {pings.Count} pairs answered{(connected ? "" : " (although not every node was connected in time)")}"
                : $"demo FAILED: {pings.Count - answered} of {pings.Count} pairs got no reply");
            if (!ok)
            {
                PrintLogTails(world);
            }

            if (options.Keep)
            {
                PrintExploration(world);
                try
                {
                    await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    // Ctrl-C: the clean-up below is the way out.
                }
            }

            return ok ? WeftCli.ExitOk : WeftCli.ExitFailure;
        }
    }

    private async Task IdentitiesAsync(DemoWorld world, CancellationToken cancellationToken)
    {
        var ca = world.Nodes.First(n => n.Name == "desk");
        foreach (var node in world.Nodes)
        {
            node.State = Path.Combine(world.Directory, node.Name);
        }

        output.WriteLine("   desk: weft init --mesh demo --name desk --ipv4 100.90.0.0/16");
        await shell.WeftAsync(null, ["init", "--mesh", "demo", "--name", "desk", "--ipv4", "100.90.0.0/16", "--state", ca.State], cancellationToken)
            .ConfigureAwait(false);
        foreach (var node in world.Nodes)
        {
            if (node == ca)
            {
                continue;
            }

            var request = Path.Combine(world.Directory, node.Name + ".req");
            var bundle = Path.Combine(world.Directory, node.Name + ".bundle");
            var text = await shell.WeftAsync(null, ["join", "--request", "--name", node.Name, "--state", node.State], cancellationToken).ConfigureAwait(false);
            await File.WriteAllTextAsync(request, text, cancellationToken).ConfigureAwait(false);
            List<string> sign = ["sign", "--name", node.Name, "--state", ca.State];
            if (node.Relay)
            {
                sign.AddRange(["--roles", "relay"]);
            }

            sign.Add(request);
            var signed = await shell.WeftAsync(null, sign, cancellationToken).ConfigureAwait(false);
            await File.WriteAllTextAsync(bundle, signed, cancellationToken).ConfigureAwait(false);
            await shell.WeftAsync(null, ["join", "--cert", bundle, "--state", node.State], cancellationToken).ConfigureAwait(false);
            output.WriteLine($"   {node.Name}: weft join --request; desk: weft sign --name {node.Name}{(node.Relay ? " --roles relay" : "")}; {node.Name}: weft join --cert");
        }
    }

    /// <summary>
    /// Polls every node's local API (what <c>weft status --json</c> and <c>weft map --json</c>
    /// print) until each has a verified peer with a handshake and knows every node from adverts.
    /// False when the time runs out (the report then shows what works).
    /// </summary>
    private async Task<bool> WaitConnectedAsync(DemoWorld world, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var lastProgress = TimeSpan.Zero;
        var clients = world.Nodes.ToDictionary(n => n, n => new LocalApiClient(n.Socket));
        try
        {
            while (true)
            {
                var waitingFor = new List<string>();
                foreach (var node in world.Nodes)
                {
                    if (node.Daemon is { HasExited: true } daemon)
                    {
                        throw new UserErrorException($"weft up on {node.Name} exited with code {daemon.ExitCode}; its log:\n{Tail(node.Log)}");
                    }

                    var problem = await NotConnectedAsync(clients[node], world.Nodes.Count, cancellationToken).ConfigureAwait(false);
                    if (problem is not null)
                    {
                        waitingFor.Add($"{node.Name} ({problem})");
                    }
                }

                if (waitingFor.Count == 0)
                {
                    output.WriteLine($"   all {world.Nodes.Count} nodes connected after {clock.Elapsed.TotalSeconds:0.0} s");
                    return true;
                }

                if (clock.Elapsed > options.ConnectTimeout)
                {
                    output.WriteLine($"   not everyone connected within {options.ConnectTimeout.TotalSeconds:0} s: {string.Join(", ", waitingFor)}; going on");
                    return false;
                }

                if (clock.Elapsed - lastProgress >= ProgressInterval)
                {
                    lastProgress = clock.Elapsed;
                    output.WriteLine($"   {clock.Elapsed.TotalSeconds,4:0} s: waiting for {string.Join(", ", waitingFor)}");
                }

                await Task.Delay(PollInterval, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            foreach (var client in clients.Values)
            {
                client.Dispose();
            }
        }
    }

    /// <summary>Null when the node is connected; else what it still lacks.</summary>
    private static async Task<string?> NotConnectedAsync(LocalApiClient client, int nodes, CancellationToken cancellationToken)
    {
        try
        {
            var status = await client.GetStatusAsync(cancellationToken).ConfigureAwait(false);
            if (!status.Peers.Any(p => p.Verified && p.LastHandshake is not null))
            {
                return "no verified peer yet";
            }

            var map = await client.GetMapAsync(cancellationToken).ConfigureAwait(false);
            return map.Nodes.Count >= nodes ? null : $"map has {map.Nodes.Count}/{nodes} nodes";
        }
        catch (UserErrorException e)
        {
            return e.Message;
        }
    }

    private async Task<DemoPing> PingAsync(DemoNode from, DemoNode to, CancellationToken cancellationToken)
    {
        var (code, text, error) = await shell.TryWeftAsync(
            null, ["ping", to.Name, "--count", "3", "--interval", "0.2", "--timeout", "5", "--json", "--state", from.State], cancellationToken)
            .ConfigureAwait(false);
        if (text.Trim().Length == 0)
        {
            return new DemoPing(from, to, null, $"exit {code}: {error.Trim()}");
        }

        try
        {
            var summary = JsonSerializer.Deserialize(text, LocalApiJsonContext.Readable.PingSummary);
            return new DemoPing(from, to, summary, summary is null ? "empty output" : null);
        }
        catch (JsonException e)
        {
            return new DemoPing(from, to, null, $"unreadable output ({e.Message})");
        }
    }

    private void PrintLogTails(DemoWorld world)
    {
        foreach (var node in world.Nodes)
        {
            DemoReport.Step(output, $"last lines of {node.Name}'s log");
            DemoReport.Indented(output, Tail(node.Log));
        }
    }

    private void PrintExploration(DemoWorld world)
    {
        DemoReport.Step(output, "the world stays up (--keep); explore it from another terminal, then press Ctrl-C here to remove it");
        foreach (var node in world.Nodes)
        {
            output.WriteLine($"   {node.Name,-8} sudo ip netns exec {node.Namespace} bash     # then: ping, ip addr, ...");
        }

        var desk = world.Nodes[0];
        output.WriteLine($"   weft commands (any namespace): {string.Join(' ', shell.Weft)} status|map|ping NAME --state {desk.State}");
        output.WriteLine($"   logs: {world.Directory}/<node>/weft.log");
    }

    private static string Tail(string file, int lines = 15)
    {
        try
        {
            const int Width = 200;
            var all = File.ReadAllLines(file);
            return string.Join('\n', all.Skip(Math.Max(0, all.Length - lines)).Select(l => l.Length > Width ? l[..Width] + "..." : l));
        }
        catch (IOException e)
        {
            return $"(no log: {e.Message})";
        }
    }
}
