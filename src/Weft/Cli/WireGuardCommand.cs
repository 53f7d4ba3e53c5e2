using System.CommandLine;
using System.Net;
using Weft.Config;
using Weft.Core.Identity;
using Weft.LocalApi;
using Weft.State;

namespace Weft.Cli;

/// <summary>
/// <c>weft wireguard add NAME [--endpoint HOST:PORT] [--ipv4 ADDR]</c>: lets a stock WireGuard
/// client (a phone, a router) into the mesh through this node. Makes the client's key pair, gives
/// it a mesh IPv4 (from issued.json on the CA machine, else --ipv4) and its key-derived IPv6,
/// prints its wg-quick config, remembers the peer (public data only) in wireguard-peers.json and,
/// if the daemon runs, registers it live through the local API.
/// </summary>
internal static class WireGuardCommand
{
    public static Command Create(CliContext context, GlobalOptions global)
    {
        var name = new Argument<string>("NAME") { Description = "Name of the client (a DNS label)" };
        var endpoint = new Option<string?>("--endpoint")
        {
            Description = "How the client reaches this node (default: this host name and the listen port)",
            HelpName = "HOST:PORT",
        };
        var ipv4 = new Option<string?>("--ipv4")
        {
            Description = "The client's mesh IPv4 (required unless this machine holds the CA key)",
            HelpName = "ADDR",
        };
        var add = new Command("add", "Add a stock WireGuard client; prints its wg-quick config") { name, endpoint, ipv4 };
        add.SetAction(async (parse, cancellationToken) =>
        {
            var state = global.Layout(parse);
            var clientName = parse.GetValue(name)!;
            var normalized = JoinRequest.NormalizeName(clientName);
            if (normalized != clientName)
            {
                throw new UserErrorException($"\"{clientName}\" is not a valid name: use lowercase letters, digits and '-' (e.g. \"{normalized}\")");
            }

            var keys = NodeFiles.LoadKeys(state);
            var certificate = NodeFiles.LoadCertificate(state);
            var ca = NodeFiles.LoadCa(state);
            var config = ConfigLoader.Load(state.Config, mustExist: false);
            var listenPort = config.ListenPort ?? DaemonSettings.DefaultListenPort;
            var endpointText = parse.GetValue(endpoint) ?? new HostPort(context.HostName, listenPort).ToString();
            if (!HostPort.TryParse(endpointText, out _, out var endpointError))
            {
                throw new UserErrorException($"--endpoint: {endpointError}");
            }

            var store = WireGuardPeerStore.Load(state.WireGuardPeers);
            if (store.Find(clientName) is not null)
            {
                throw new UserErrorException($"a WireGuard peer named \"{clientName}\" already exists in {state.WireGuardPeers}");
            }

            if (clientName == certificate.Name)
            {
                throw new UserErrorException($"\"{clientName}\" is this node's own name");
            }

            var client = NodeKeys.Generate();
            var address = ChooseIpv4(state, ca, certificate, store, clientName, client.NodeId, parse.GetValue(ipv4));
            var ipv6 = Ipv6Derivation.NodeAddress(ca.Ipv6Prefix, client.SessionPublicKey);
            var record = new WireGuardPeerRecord(
                clientName, Convert.ToBase64String(client.SessionPublicKey), address.ToString(), ipv6.ToString(), context.Time.GetUtcNow());
            store.Add(record);
            store.Save();

            var wgQuick = new WireGuardClientConfig(
                clientName, client.SessionPrivateKey, address, ipv6, config.Mtu ?? DaemonSettings.DefaultMtu,
                keys.SessionPublicKey, endpointText, ca.Ipv4Range, ca.Ipv6Prefix);
            await context.Out.WriteAsync(wgQuick.Render()).ConfigureAwait(false);
            await context.Error.WriteLineAsync($"saved WireGuard peer {clientName} ({address}, {ipv6}) in {state.WireGuardPeers}").ConfigureAwait(false);

            using var api = new LocalApiClient(state.SocketPath);
            if (!api.SocketExists)
            {
                await context.Error.WriteLineAsync("weft is not running; the peer is loaded at the next 'weft up'").ConfigureAwait(false);
                return WeftCli.ExitOk;
            }

            try
            {
                await api.AddWireGuardPeerAsync(
                    new WireGuardPeerRequest(record.Name, record.PublicKey, record.Ipv4, record.Ipv6, Endpoint: null), cancellationToken).ConfigureAwait(false);
            }
            catch (UserErrorException e)
            {
                throw new UserErrorException($"the peer is saved, but the running daemon did not take it ({e.Message}); restart 'weft up' to load it", e);
            }

            await context.Error.WriteLineAsync("registered with the running daemon").ConfigureAwait(false);
            return WeftCli.ExitOk;
        });

        return new Command("wireguard", "Stock WireGuard clients of this node") { add };
    }

    private static IPAddress ChooseIpv4(StateLayout state, CaCertificate ca, Certificate own, WireGuardPeerStore store, string name, NodeId id, string? given)
    {
        if (File.Exists(state.CaKey))
        {
            var registry = IssuedAddresses.Load(state);
            var chosen = IssuedAddresses.Choose(registry, ca.Ipv4Range, name, id, given, "--ipv4");
            IssuedAddresses.Record(registry, name, chosen, id, notAfter: null);
            return chosen;
        }

        if (given is null)
        {
            throw new UserErrorException(
                "this machine does not hold the CA key, so it cannot pick a free address: give the client's address with --ipv4 ADDR");
        }

        var address = Addresses.ParseHostInRange(given, ca.Ipv4Range, "--ipv4");
        foreach (var mine in own.Ipv4)
        {
            if (mine.Address.Equals(address))
            {
                throw new UserErrorException($"--ipv4 {address} is this node's own address");
            }
        }

        foreach (var peer in store.Peers)
        {
            if (peer.Ipv4 == address.ToString())
            {
                throw new UserErrorException($"--ipv4 {address} is already used by WireGuard peer \"{peer.Name}\"");
            }
        }

        return address;
    }
}
