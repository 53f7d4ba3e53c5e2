using System.Net;
using Microsoft.Extensions.Logging;
using Weft.Cli;
using Weft.Config;
using Weft.Core.Identity;
using Weft.Core.Node;
using Weft.LocalApi;
using Weft.Platform;
using Weft.Platform.Lan;
using Weft.Platform.PortMapping;
using Weft.Platform.Streams;
using Weft.State;

namespace Weft.Daemon;

/// <summary>
/// <c>weft up</c>: runs this node in the foreground until SIGINT or SIGTERM.
/// <code>
///  start:  load identity ─ lock state dir ─ UDP socket ─ TCP/TLS listeners ─ TUN (mtu, IPv4/prefix, IPv6/48, up)
///          ─ MeshNode (LAN announcer, peer cache <state>/peers.json) ─ UDP receive thread ─ WireGuard peers from state ─ static peers
///          ─ TUN read thread ─ 100 ms tick thread ─ local API (Unix socket)
///          background: local address watcher (every 5 s; a change → NotifyNetworkChanged),
///                      port mapping on the default gateway (config portMapping; → SetMappedEndpoint, renewed)
///  run:    UDP thread  → MeshNode.OnDatagram  → WireGuard → TUN write
///          TUN thread  → MeshNode.OnTunPacket → WireGuard → UDP send
///          tick thread → MeshNode.Tick (timers, retries, expiry)
///  stop:   local API (socket deleted) ─ port mapping removed (≤ 2 s) ─ address watcher ─ tick ─ UDP socket ─ TUN (device removed) ─ node ─ lock
/// </code>
/// Every expected start-up failure (not initialised, not root, no /dev/net/tun, port in use, bad
/// config) is a <see cref="UserErrorException"/> with one line saying what to do.
/// </summary>
internal static class DaemonHost
{
    /// <summary>Warn at start when the certificate has less than this left.</summary>
    private static readonly TimeSpan ExpiryWarning = TimeSpan.FromDays(14);

    public static async Task<int> RunAsync(StateLayout state, DaemonSettings settings, TimeProvider time, CancellationToken cancellationToken)
    {
        // Identity first: a clear "not initialised" beats any lock or device error.
        var keys = NodeFiles.LoadKeys(state);
        var certificate = NodeFiles.LoadCertificate(state);
        var ca = NodeFiles.LoadCa(state);
        if (!certificate.SessionKey.AsSpan().SequenceEqual(keys.SessionPublicKey))
        {
            throw new UserErrorException($"{state.NodeCertificate} is for another node's keys (node id {certificate.NodeId}, ours {keys.NodeId})");
        }

        var now = time.GetUtcNow();
        var verdict = new TrustStore([ca]).Verify(certificate, now);
        if (verdict != CertificateError.None)
        {
            throw new UserErrorException($"this node's certificate cannot be used: {TrustStore.Describe(verdict)} Get a new one: 'weft join --request' here, 'weft sign' on the CA machine, 'weft join --cert' here.");
        }

        var wireGuardPeers = WireGuardPeerStore.Load(state.WireGuardPeers);
        var staticPeers = ResolvePeers(settings.Peers);

        using var stateLock = StateLock.Acquire(state);
        using var loggers = DaemonLogging.Create(settings.LogLevel);
        var logger = loggers.CreateLogger("Weft.Daemon");
        DaemonLog.Starting(logger, certificate.Name, ca.MeshName, state.Directory);
        if (certificate.NotAfter - now < ExpiryWarning)
        {
            DaemonLog.CertificateExpiringSoon(logger, certificate.NotAfter, certificate.NotAfter - now);
        }

        using var signal = new ShutdownSignal();
        using var transport = Platform(() => new UdpTransport(settings.ListenPort, settings.Offloads)); // before the TUN: a busy port leaves no device behind
        var streamEvents = new DeferredStreamHandler(); // TCP on the UDP port; TLS too on relays (a busy TLS port is a warning)
        using var streams = Platform(() => new StreamTransport(streamEvents, transport.LocalPort,
            certificate.HasRole("relay") ? settings.TlsPort : null, loggers.CreateLogger("Weft.Streams")));
        using var tun = CreateInterface(settings, certificate, logger);
        DaemonLog.Offloads(logger, tun.OffloadStatus, transport.GsoEnabled ? "on" : "off", transport.GroEnabled ? "on" : "off");
        MeshNode? started = null; // the node the address watcher tells about changes, once it exists
        using var addresses = new LocalAddressWatcher(tun.Name, [ca.Ipv4Range, ca.Ipv6Prefix], changed =>
        {
            DaemonLog.LocalAddressesChanged(logger, changed.Count == 0 ? "none" : string.Join(", ", changed));
            started?.NotifyNetworkChanged();
        });
        var options = new MeshNodeOptions
        {
            ListenPort = transport.LocalPort,
            Mtu = settings.Mtu,
            Relay = settings.Relay,
            LocalAddresses = () => addresses.Current,
        };
        var lan = settings.LanDiscovery ? new LanAnnouncer(transport, settings.LanInterfaces, tun.Name, time, loggers.CreateLogger("Weft.Lan")) : null;
        var peerCache = new PeerCacheFile(state.PeerCache, loggers.CreateLogger("Weft.PeerCache"));
        using var node = new MeshNode(keys, certificate, ca, options, transport, tun, time, loggers, streams: streams, lan: lan, cache: peerCache);
        streamEvents.Target = node;
        // Decrypted packets of one receive batch are written to the TUN device together (coalesced, with offloads);
        // then the receive thread sends what the kernel answered to them at once (see TunReader).
        var reader = new TunReader(tun, node, logger, signal.Fail);
        var inTunBatch = false; // only the receive thread touches it
        transport.StartReceiving(
            (datagram, source) =>
            {
                if (!inTunBatch)
                {
                    tun.BeginBatch();
                    inTunBatch = true;
                }

                node.OnDatagram(datagram, source);
            },
            afterBatch: () =>
            {
                if (inTunBatch)
                {
                    inTunBatch = false;
                    tun.EndBatch();
                    reader.TrySendReady();
                }
            });
        streams.Start();
        started = node;
        addresses.Start(time);
        using var portMapper = settings.PortMapping ? new PortMapper() : null;
        using var portMapping = portMapper is null ? null : new PortMappingKeeper(portMapper, transport.LocalPort, node.SetMappedEndpoint, time, logger);
        portMapping?.Start();

        foreach (var peer in wireGuardPeers.Peers)
        {
            var problem = NodeApiBackend.TryParse(new WireGuardPeerRequest(peer.Name, peer.PublicKey, peer.Ipv4, peer.Ipv6, null), ca,
                out var publicKey, out var allowed);
            if (problem is not null)
            {
                throw new UserErrorException($"{state.WireGuardPeers}: {problem}");
            }

            node.AddWireGuardPeer(peer.Name, publicKey, allowed, endpoint: null);
        }

        if (wireGuardPeers.Peers.Count > 0)
        {
            DaemonLog.WireGuardPeersLoaded(logger, wireGuardPeers.Peers.Count, state.WireGuardPeers);
        }

        foreach (var (hostPort, endpoint) in staticPeers)
        {
            DaemonLog.StaticPeer(logger, hostPort.ToString(), endpoint.ToString());
            node.AddStaticPeer(endpoint);
        }

        reader.Start();
        using (new TickLoop(node))
        {
            var backend = new NodeApiBackend(node, ca, tun.Name, logger, () => portMapping?.Report ?? PortMappingKeeper.Disabled,
                () => DataPathCounters(tun, transport, reader));
            LocalApiServer api;
            try
            {
                api = await LocalApiServer.StartAsync(
                    state.SocketPath, backend, logging => DaemonLogging.Configure(logging, settings.LogLevel), cancellationToken).ConfigureAwait(false);
            }
            catch (IOException e)
            {
                throw new UserErrorException($"cannot serve the local API on {state.SocketPath}: {e.Message}", e);
            }

            await using (api.ConfigureAwait(false))
            {
                DaemonLog.Listening(logger, transport.LocalPort, state.SocketPath);
                var reason = await signal.Received.WaitAsync(cancellationToken).ConfigureAwait(false);
                DaemonLog.Stopping(logger, reason);
            }

            // Off the router while the socket and the device still exist; bounded, so a silent router cannot hold the exit.
            if (portMapping is not null)
            {
                await portMapping.StopAsync().ConfigureAwait(false);
            }

            addresses.Dispose();
        }

        // The tick thread and the API have stopped; close the sockets, then the device (which wakes the reader).
        streams.Dispose();
        transport.Dispose();
        tun.Dispose();
        reader.Join();
        DaemonLog.Stopped(logger, tun.Name);
        if (signal.Failed)
        {
            throw new UserErrorException($"stopped after a failure ({await signal.Received.ConfigureAwait(false)}); see the log above");
        }

        return WeftCli.ExitOk;
    }

    /// <summary>The batching counters of the TUN device and the UDP socket, as "dataPath.*" status counters.</summary>
    private static KeyValuePair<string, long>[] DataPathCounters(LinuxTunDevice tun, UdpTransport udp, TunReader reader) =>
    [
        new("dataPath.tunBatchesSentByReceiveThread", reader.BatchesSentByReceiveThread),
        new("dataPath.tunPacketsRead", tun.PacketsRead),
        new("dataPath.tunSuperPacketsRead", tun.SuperPacketsRead),
        new("dataPath.tunSegmentsProduced", tun.SegmentsProduced),
        new("dataPath.tunMalformedFrames", tun.MalformedFrames),
        new("dataPath.tunPacketsWritten", tun.PacketsWritten),
        new("dataPath.tunCoalescedWrites", tun.CoalescedWrites),
        new("dataPath.tunPacketsCoalesced", tun.PacketsCoalesced),
        new("dataPath.tunWriteErrors", tun.WriteErrors),
        new("dataPath.udpDatagramsSent", udp.DatagramsSent),
        new("dataPath.udpBatchesSent", udp.BatchesSent),
        new("dataPath.udpGsoSends", udp.GsoSends),
        new("dataPath.udpGsoRefusals", udp.GsoRefusals),
        new("dataPath.udpDatagramsReceived", udp.DatagramsReceived),
        new("dataPath.udpReceiveCalls", udp.ReceiveCalls),
        new("dataPath.udpGroDatagramsReceived", udp.GroDatagramsReceived),
        new("dataPath.udpSendErrors", udp.SendErrors),
        new("dataPath.udpReceiveErrors", udp.ReceiveErrors),
    ];

    private static LinuxTunDevice CreateInterface(DaemonSettings settings, Certificate certificate, ILogger logger)
    {
        var tun = Platform(() => LinuxTunDevice.Create(settings.Interface, settings.Mtu, settings.Offloads));
        try
        {
            Platform(() =>
            {
                foreach (var ipv4 in certificate.Ipv4)
                {
                    Netlink.AddAddress(tun.InterfaceIndex, ipv4.Address, ipv4.PrefixLength);
                }

                Netlink.AddAddress(tun.InterfaceIndex, certificate.Ipv6, 48);
                Netlink.SetLinkUp(tun.InterfaceIndex);
                return 0;
            });
        }
        catch
        {
            tun.Dispose();
            throw;
        }

        DaemonLog.InterfaceUp(logger, tun.Name, string.Join(", ", certificate.Ipv4), $"{certificate.Ipv6}/48", settings.Mtu);
        return tun;
    }

    private static List<(HostPort HostPort, IPEndPoint Endpoint)> ResolvePeers(IReadOnlyList<HostPort> peers)
    {
        var resolved = new List<(HostPort, IPEndPoint)>(peers.Count);
        foreach (var peer in peers)
        {
            resolved.Add((peer, peer.Resolve()));
        }

        return resolved;
    }

    /// <summary>Runs a platform call, turning its IOException (clear message already) into a user error.</summary>
    private static T Platform<T>(Func<T> call)
    {
        try
        {
            return call();
        }
        catch (IOException e)
        {
            throw new UserErrorException(e.Message, e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new UserErrorException($"{e.Message} (run weft up as root)", e);
        }
    }
}
