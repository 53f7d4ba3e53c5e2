using System.Globalization;
using Weft.SystemTests.Lab;

namespace Weft.SystemTests.Nat;

/// <summary>
/// Random UDP from the internet side at a site's WAN address:port, as an attacker on the internet
/// can send it. A python3 program (a temporary file, run in the inet namespace) sends exactly COUNT
/// datagrams of random length (0–1400 bytes) and random contents — some dressed as weft traffic: a
/// WireGuard message type 1–4 header, a NAT probe (<c>"WEF\x05"</c> + 16 bytes), a LAN beacon — half
/// from inet's own address with random source ports, half with the source spoofed as the relay's
/// weft endpoint (203.0.113.1:51820, a raw IPv4 socket builds the headers), which matches the flow the
/// member keeps open to the relay, so a firewalled router lets those through too.
/// </summary>
public static class NatNoise
{
    private const string Script = """
        import random, socket, struct, sys, time
        target, port, count, spoof_ip, spoof_port, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], int(sys.argv[5]), int(sys.argv[6])
        rng = random.Random(seed)
        def rand(n): return bytes(rng.getrandbits(8) for _ in range(n))
        def payload():
            k = rng.random(); n = rng.choice([0, 1, 3, 4, 16, 32, 48, 92, 148, rng.randrange(0, 1401)])
            if k < 0.3: return bytes([rng.randrange(1, 5), 0, 0, 0]) + rand(n)
            if k < 0.45: return b"WEF\x05" + rand(16 if rng.random() < 0.7 else n)
            if k < 0.55: return b"WEF\x03" + rand(n)
            return rand(n)
        raw = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
        socks = [socket.socket(socket.AF_INET, socket.SOCK_DGRAM) for _ in range(8)]
        sent = {"plain": 0, "spoofed": 0, "errors": 0}
        for i in range(count):
            data = payload()
            try:
                if i % 2 == 0:
                    rng.choice(socks).sendto(data, (target, port)); sent["plain"] += 1
                else:
                    udp = struct.pack(">HHHH", spoof_port, port, 8 + len(data), 0) + data
                    ip = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 0, 0, 64, 17, 0, socket.inet_aton(spoof_ip), socket.inet_aton(target))
                    raw.sendto(ip + udp, (target, 0)); sent["spoofed"] += 1
            except OSError:
                sent["errors"] += 1
            if i % 50 == 49: time.sleep(0.002)
        print(" ".join(f"{k}={v}" for k, v in sent.items()))
        """;

    /// <summary>Sends <paramref name="count"/> datagrams from <paramref name="ns"/> to <paramref name="target"/>:<paramref name="port"/>; returns the sender's summary.</summary>
    public static async Task<string> SendAsync(NetworkLab lab, string ns, string target, int port, int count, int seed)
    {
        ArgumentNullException.ThrowIfNull(lab);
        var directory = lab.CreateTempDirectory("natnoise");
        var file = Path.Combine(directory, "nat_noise.py");
        await File.WriteAllTextAsync(file, Script).ConfigureAwait(false);
        var result = await lab.MustRunAsync(ns, TimeSpan.FromSeconds(60), "python3", file, target, port.ToString(CultureInfo.InvariantCulture), count.ToString(CultureInfo.InvariantCulture),
            NatLab.RelayAddress.ToString(), NatLab.WeftPort.ToString(CultureInfo.InvariantCulture), seed.ToString(CultureInfo.InvariantCulture)).ConfigureAwait(false);
        return result.Stdout.Trim();
    }
}
