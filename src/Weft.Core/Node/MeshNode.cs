using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Weft.Core.Identity;
using Weft.Core.Nat;
using Weft.Core.Net;
using Weft.Core.Paths;
using Weft.Core.WireGuard;

namespace Weft.Core.Node;

/// <summary>
/// A mesh member: ties this node's identity (keys, certificate, the CA it trusts) to a WireGuard
/// device, finds peers by hello, verifies them by certificate inside the session, and moves IP
/// packets between the TUN device and the peers that own their addresses.
/// </summary>
/// <remarks>
/// <code>
///  TUN read thread                                   UDP receive thread
///  OnTunPacket(buffer, offset, length)               OnDatagram(datagram, source)
///    │                                                 │ "WEF\x05"? ──► NAT probe (MeshNode.Netcheck.cs)
///    │                                                 │ "WEF\x03"? ──► LAN beacon (MeshNode.Discovery.cs)
///    │ dst address → peer (RouteTable,                 │ "WEF\x01"/"WEF\x02"? ──► hello (MeshNode.Hello.cs)
///    │   lock-free snapshot, verified peers only)      │ else
///    ▼                                                 ▼
///  WireGuardDevice.Send ──► IDatagramTransport      WireGuardDevice.ReceiveDatagram (decrypts in place)
///                                                      │ OnPayload(peer, payload)
///                                                      ├─ first nibble 4/6: IP packet ─► verified? source owned? ─► ITunWriter
///                                                      └─ else control message (MeshNode.Certificates.cs): certificate exchange
///  Timer thread: Tick() — WireGuard timers, hello retries, certificate resends and expiry.
///  API thread: AddStaticPeer, AddMemberPeer, AddWireGuardPeer, GetStatus.
/// </code>
/// Buffers: the TUN buffer belongs to the caller and is handed to the device for the duration of
/// the call (the device encrypts in place); a decrypted payload is valid only inside OnPayload and
/// is written to the TUN synchronously. Nothing on either path allocates.
///
/// Locking: <see cref="gate"/> guards the peer list, the static peers (and their hello state),
/// the own-certificate warning time, and every non-volatile field of <see cref="MeshPeer"/>. The packet paths
/// never take it: they read <see cref="routes"/> (an immutable table replaced with one reference
/// write under the gate), <see cref="MeshPeer.Verified"/> and <see cref="MeshPeer.Owned"/>
/// (volatile, immutable value). The device calls us (<see cref="IWireGuardEvents"/>) without
/// holding any of its locks, so taking the gate there cannot deadlock; still, nothing is sent while
/// the gate is held: decisions are made under it, sends (which encrypt) happen after it is released.
/// Counters are <see cref="Interlocked"/>; the hello replay guard has its own lock.
/// </remarks>
public sealed partial class MeshNode : IWireGuardEvents, IDisposable
{
    private static readonly TimeSpan CertificateResendInterval = TimeSpan.FromSeconds(2);
    private const int CertificateSendsPerSession = 10;
    private static readonly TimeSpan OwnCertificateWarningWindow = TimeSpan.FromDays(7);
    private static readonly TimeSpan OwnCertificateWarningInterval = TimeSpan.FromDays(1);

    private readonly NodeKeys keys;
    private readonly Certificate certificate;
    private readonly byte[] certificateMessageVerified;
    private readonly byte[] certificateMessageUnverified;
    private readonly CaCertificate ca;
    private readonly TrustStore trustStore;
    private readonly MeshNodeOptions options;
    private readonly ITunWriter tun;
    private readonly TimeProvider time;
    private readonly IRandomSource random;
    private readonly ILogger logger;
    private readonly WireGuardDevice device;
    private readonly NodeCounterSet counters = new();

    private readonly Lock gate = new();

    // ---- guarded by gate ----
    private readonly List<MeshPeer> peers = [];
    private long? lastOwnExpiryWarning;
    private bool disposed;

    // ---- published under gate, read lock-free ----
    private volatile RouteTable<MeshPeer> routes = RouteTable<MeshPeer>.Empty;

    public MeshNode(NodeKeys keys, Certificate certificate, CaCertificate ca, MeshNodeOptions options,
                    IDatagramTransport transport, ITunWriter tun, TimeProvider time, ILoggerFactory? loggers = null,
                    IRandomSource? random = null, IStreamConnector? streams = null, ILanAnnouncer? lan = null,
                    IPeerCacheStore? cache = null)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(certificate);
        ArgumentNullException.ThrowIfNull(ca);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(transport);
        ArgumentNullException.ThrowIfNull(tun);
        ArgumentNullException.ThrowIfNull(time);
        if (!certificate.SessionKey.AsSpan().SequenceEqual(keys.SessionPublicKey))
        {
            throw new ArgumentException("The certificate is for a different session key than this node's keys.", nameof(certificate));
        }

        this.keys = keys;
        this.certificate = certificate;
        this.ca = ca;
        this.options = options;
        this.tun = tun;
        this.time = time;
        this.random = random ?? SystemRandomSource.Instance;
        loggers ??= NullLoggerFactory.Instance;
        logger = loggers.CreateLogger<MeshNode>();
        var certificateBytes = certificate.Encode();
        certificateMessageVerified = CertificateMessage.Create(certificateBytes, verifiedYours: true);
        certificateMessageUnverified = CertificateMessage.Create(certificateBytes, verifiedYours: false);
        trustStore = new TrustStore(ca);
        InitializeMesh();
        pathTicks = PeerPaths.Ticks.From(options.PathTimings, time.TimestampFrequency);
        datagrams = transport;
        streamConnector = streams;
        lanAnnouncer = lan;
        peerCacheStore = cache;
        device = new WireGuardDevice(keys.SessionPrivateKey, this, time, this, loggers.CreateLogger<WireGuardDevice>(), this.random);

        foreach (var endpoint in options.StaticPeers)
        {
            AddStaticPeer(endpoint);
        }

        StartDiscovery();
    }

    /// <summary>This node's WireGuard public key (its X25519 session key).</summary>
    public ReadOnlySpan<byte> PublicKey => device.PublicKey;

    /// <summary>Datagrams from the underlay: hellos are handled here, everything else goes to the WireGuard device.</summary>
    public void OnDatagram(Span<byte> datagram, IPEndPoint source)
    {
        if (NatProbe.IsProbe(datagram))
        {
            OnNatProbe(datagram);
            return;
        }

        if (Discovery.Beacon.IsBeacon(datagram))
        {
            OnBeacon(datagram, source);
            return;
        }

        if (Hello.IsHello(datagram))
        {
            OnHello(datagram, UdpEndpoint.Of(source));
            return;
        }

        device.ReceiveDatagram(datagram, UdpEndpoint.Of(source));
    }

    /// <summary>
    /// Adds a plain WireGuard peer (a stock client): verified by this configuration, it owns exactly
    /// <paramref name="allowedIps"/> and never takes part in the certificate exchange.
    /// </summary>
    public void AddWireGuardPeer(string name, ReadOnlySpan<byte> publicKey, IReadOnlyList<IPNetwork> allowedIps, IPEndPoint? endpoint)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(allowedIps);
        var owned = new List<AddressPrefix>(allowedIps.Count);
        foreach (var network in allowedIps)
        {
            owned.Add(AddressPrefix.From(network));
        }

        var wireGuardPeer = device.AddPeer(publicKey, endpoint: endpoint is null ? null : UdpEndpoint.Of(endpoint));
        lock (gate)
        {
            var peer = AttachLocked(wireGuardPeer, MeshPeerKind.WireGuard);
            peer.Kind = MeshPeerKind.WireGuard;
            peer.Name = name;
            peer.Owned = new OwnedAddresses(owned);
            peer.Verified = true;
            peer.Problem = null;
            RebuildRoutesLocked();
        }

        Log.WireGuardPeerAdded(logger, name, allowedIps.Count);
    }

    public void Dispose()
    {
        lock (gate)
        {
            if (disposed)
            {
                return;
            }

            disposed = true;
        }

        StopNatTraversal();
        SavePeerCacheOnDispose();
        device.Dispose();
    }

    /// <summary>The record for <paramref name="wireGuardPeer"/>, created as <paramref name="kind"/> if it has none yet.</summary>
    private MeshPeer AttachLocked(WireGuardPeer wireGuardPeer, MeshPeerKind kind)
    {
        if (wireGuardPeer.Tag is MeshPeer existing)
        {
            return existing;
        }

        var peer = new MeshPeer(wireGuardPeer, kind, time.GetTimestamp());
        wireGuardPeer.Tag = peer;
        peers.Add(peer);
        return peer;
    }

    private MeshPeer Attach(WireGuardPeer wireGuardPeer)
    {
        lock (gate)
        {
            return AttachLocked(wireGuardPeer, MeshPeerKind.Member);
        }
    }

    /// <summary>Publishes a new route table from the verified peers.</summary>
    private void RebuildRoutesLocked()
    {
        var entries = new List<(MeshPeer, OwnedAddresses)>(peers.Count);
        foreach (var peer in peers)
        {
            if (peer.Verified && !peer.Removed)
            {
                entries.Add((peer, peer.Owned));
            }
        }

        routes = new RouteTable<MeshPeer>(entries);
    }
}
