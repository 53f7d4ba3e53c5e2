using System.Globalization;
using Weft.SystemTests.Lab;

namespace Weft.SystemTests.Mesh;

/// <summary>
/// Throws datagrams shaped like issue 3's new messages at a node from outside any session — what
/// an attacker on the wire can do, since link-state adverts and relay envelopes only ever travel
/// inside encrypted sessions. A small python3 program (written to a temporary file and run in a
/// lab namespace, bounded by a count and a duration) sends, at random:
/// <list type="bullet">
/// <item>raw adverts (0x05 ...) and relay envelopes (0x06 | ttl 0/1/64/255 | destination | source | inner),</item>
/// <item>other control-message type bytes, and WireGuard transport headers (type 4, unknown receiver index) carrying them,</item>
/// <item>LAN beacons ("WEF\x03" | CA id | NodeId | port) from CAs that are not the mesh's, whole or truncated,</item>
/// </list>
/// to the UDP port, as multicast beacons to ff02::5745:4654 on the link, and as 2-byte length framed
/// datagrams over many TCP connections to the same port number (with broken framing too: an empty
/// frame, a length promising more than is sent).
/// </summary>
public static class MeshNoise
{
    private const string Script = """
        import random, socket, struct, sys, time
        target, port, ifname = sys.argv[1], int(sys.argv[2]), sys.argv[3]
        seconds, limit, rng = float(sys.argv[4]), int(sys.argv[5]), random.Random(int(sys.argv[6]))
        def rand(n): return bytes(rng.getrandbits(8) for _ in range(n))
        def advert(): return b"\x05" + rand(rng.randrange(0, 400))
        def envelope():
            inner = rng.choice([b"", b"\x04\x00\x00\x00" + rand(rng.randrange(28, 200)), rand(rng.randrange(0, 100))])
            return bytes([0x06, rng.choice([0, 0, 1, 64, 255])]) + rand(16) + rand(16) + inner
        def beacon():
            body = b"WEF\x03" + rand(16) + rand(16) + struct.pack(">H", rng.randrange(1, 65536))
            return body[:rng.randrange(4, len(body))] if rng.random() < 0.3 else body
        def control(): return bytes([rng.choice([2, 3, 4, 5, 6, 7, 8])]) + rand(rng.randrange(0, 120))
        def wrapped(): return b"\x04\x00\x00\x00" + rand(4) + struct.pack("<Q", rng.getrandbits(64)) + bytes([rng.choice([5, 6])]) + rand(rng.randrange(16, 200))
        makers = [advert, envelope, beacon, control, wrapped]
        counts = {"udp": 0, "multicast": 0, "tcpConnections": 0, "tcpFrames": 0, "errors": 0}
        udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        mc = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
        group = ("ff02::5745:4654", port, 0, socket.if_nametoindex(ifname))
        deadline, sent = time.monotonic() + seconds, 0
        while time.monotonic() < deadline and sent < limit:
            kind = rng.random()
            try:
                if kind < 0.6:
                    udp.sendto(rng.choice(makers)(), (target, port)); counts["udp"] += 1; sent += 1
                elif kind < 0.8:
                    mc.sendto(beacon(), group); counts["multicast"] += 1; sent += 1
                else:
                    with socket.create_connection((target, port), timeout=2) as tcp:
                        counts["tcpConnections"] += 1
                        for _ in range(rng.randrange(1, 20)):
                            d = rng.choice(makers)()
                            tcp.sendall(struct.pack(">H", len(d)) + d); counts["tcpFrames"] += 1; sent += 1
                        ending = rng.randrange(3)
                        if ending == 0: tcp.sendall(b"\x00\x00")
                        elif ending == 1: tcp.sendall(b"\xff\xff" + rand(100))
            except OSError:
                counts["errors"] += 1
            if sent % 20 == 0: time.sleep(0.005)
        print(" ".join(f"{k}={v}" for k, v in counts.items()))
        """;

    /// <summary>Runs the sender in <paramref name="ns"/> against <paramref name="target"/>:<paramref name="port"/> (multicast out of <paramref name="interfaceName"/>); returns its summary line.</summary>
    public static async Task<string> SendAsync(NetworkLab lab, string ns, string target, int port, string interfaceName, TimeSpan duration, int maxDatagrams, int seed)
    {
        ArgumentNullException.ThrowIfNull(lab);
        var directory = lab.CreateTempDirectory("noise");
        var file = Path.Combine(directory, "mesh_noise.py");
        await File.WriteAllTextAsync(file, Script).ConfigureAwait(false);
        var result = await lab.MustRunAsync(ns, duration + TimeSpan.FromSeconds(20), "python3", file, target, port.ToString(CultureInfo.InvariantCulture), interfaceName,
            duration.TotalSeconds.ToString(CultureInfo.InvariantCulture), maxDatagrams.ToString(CultureInfo.InvariantCulture), seed.ToString(CultureInfo.InvariantCulture)).ConfigureAwait(false);
        return result.Stdout.Trim();
    }
}
