using System.Globalization;
using Weft.SystemTests.Lab;
using Xunit;

namespace Weft.SystemTests.Nat;

/// <summary>
/// Plain-tool probes for the NAT lab's self-check: one small python3 program (written to a temporary
/// file) with a subcommand per question, every one bounded in packets and time.
/// <list type="bullet">
/// <item><c>serve PORT</c>: a UDP and TCP "what source do you see" server (answers "seen IP:PORT"); a UDP
/// datagram "poke IP PORT" from 127.0.0.1 makes it send one datagram "poke" from its own port to IP:PORT.</item>
/// <item><c>map LOCALPORT IP:PORT...</c>: from one socket bound to LOCALPORT, asks each server; prints "IP:PORT seen X" or "IP:PORT none".</item>
/// <item><c>ttl LOCALPORT TTL IP:PORT</c>: asks one server with the socket's IP TTL set to TTL; prints "ttl TTL seen X" or "ttl TTL none".</item>
/// <item><c>open LOCALPORT IP:PORT SECONDS</c>: asks the server (creating the mapping), prints "ready", then prints
/// "got FROM PAYLOAD" for every other datagram that reaches the socket within SECONDS.</item>
/// <item><c>send LOCALPORT IP PORT PAYLOAD COUNT</c>: COUNT datagrams 50 ms apart from LOCALPORT.</item>
/// <item><c>hairpin LOCALPORT IP PORT</c>: sends a token to IP:PORT (the router's own WAN address); prints "hairpin yes" if it comes back.</item>
/// <item><c>tcp IP PORT</c>: connects and prints the server's line, or "tcp none".</item>
/// <item><c>natpmp GATEWAY PORT</c>: NAT-PMP (RFC 6886) external address and a UDP mapping of PORT; prints "natpmp IP EXTPORT" or "natpmp none".</item>
/// </list>
/// </summary>
public static class NatProbe
{
    public const int ServerPort = 3478;

    private const string Script = """
        import socket, struct, sys, threading, time, os
        def ep(text):
            host, port = text.rsplit(":", 1); return host, int(port)
        def udp(port):
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("0.0.0.0", port)); return s
        def ask(s, target):
            s.settimeout(0.3)
            for _ in range(6):
                s.sendto(b"who", target)
                try:
                    while True:
                        data, src = s.recvfrom(2048)
                        if src == target and data.startswith(b"seen "): return data[5:].decode()
                except socket.timeout: pass
            return None
        cmd = sys.argv[1]
        if cmd == "serve":
            port = int(sys.argv[2]); s = udp(port)
            t = socket.socket(); t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); t.bind(("0.0.0.0", port)); t.listen(16)
            def tcp():
                while True:
                    c, a = t.accept(); c.sendall(f"seen {a[0]}:{a[1]}\n".encode()); c.close()
            threading.Thread(target=tcp, daemon=True).start()
            print("serving", flush=True)
            while True:
                data, src = s.recvfrom(2048)
                if data.startswith(b"poke ") and src[0] == "127.0.0.1":
                    host, p = data[5:].decode().split(); s.sendto(b"poke", (host, int(p))); print(f"poked {host}:{p}", flush=True)
                else:
                    s.sendto(f"seen {src[0]}:{src[1]}".encode(), src)
        elif cmd == "map":
            s = udp(int(sys.argv[2]))
            for text in sys.argv[3:]:
                seen = ask(s, ep(text)); print(f"{text} {'seen ' + seen if seen else 'none'}", flush=True)
        elif cmd == "ttl":
            s = udp(int(sys.argv[2])); s.setsockopt(socket.IPPROTO_IP, socket.IP_TTL, int(sys.argv[3]))
            seen = ask(s, ep(sys.argv[4])); print(f"ttl {sys.argv[3]} {'seen ' + seen if seen else 'none'}", flush=True)
        elif cmd == "open":
            s = udp(int(sys.argv[2])); target = ep(sys.argv[3])
            seen = ask(s, target); print(f"ready {seen}", flush=True)
            deadline = time.monotonic() + float(sys.argv[4])
            while time.monotonic() < deadline:
                s.settimeout(max(0.01, deadline - time.monotonic()))
                try:
                    data, src = s.recvfrom(2048)
                    if src != target: print(f"got {src[0]}:{src[1]} {data.decode(errors='replace')}", flush=True)
                except socket.timeout: pass
            print("done", flush=True)
        elif cmd == "send":
            s = udp(int(sys.argv[2]))
            for _ in range(int(sys.argv[6])):
                s.sendto(sys.argv[5].encode(), (sys.argv[3], int(sys.argv[4]))); time.sleep(0.05)
            print("sent", flush=True)
        elif cmd == "hairpin":
            s = udp(int(sys.argv[2])); token = os.urandom(8).hex().encode(); s.settimeout(0.3); ok = False
            for _ in range(5):
                try: s.sendto(token, (sys.argv[3], int(sys.argv[4])))
                except OSError: pass
                try:
                    while True:
                        data, src = s.recvfrom(2048)
                        if data == token: ok = True; break
                except (socket.timeout, OSError): pass
                if ok: break
            print("hairpin " + ("yes" if ok else "no"), flush=True)
        elif cmd == "tcp":
            try:
                with socket.create_connection((sys.argv[2], int(sys.argv[3])), timeout=3) as c:
                    print(c.makefile().readline().strip(), flush=True)
            except OSError as e: print(f"tcp none ({e})", flush=True)
        elif cmd == "natpmp":
            s = udp(0); s.settimeout(1); gw = (sys.argv[2], 5351); port = int(sys.argv[3])
            try:
                s.sendto(b"\x00\x00", gw); d = s.recv(64)
                ip = socket.inet_ntoa(d[8:12]) if len(d) >= 12 and d[1] == 128 and d[2:4] == b"\x00\x00" else None
                s.sendto(struct.pack(">BBHHHI", 0, 1, 0, port, port, 120), gw); d = s.recv(64)
                ext = struct.unpack(">H", d[10:12])[0] if len(d) >= 16 and d[1] == 129 and d[2:4] == b"\x00\x00" else None
                print(f"natpmp {ip} {ext}" if ip and ext else f"natpmp none {d.hex()}", flush=True)
            except OSError as e: print(f"natpmp none ({e})", flush=True)
        """;

    private static string? scriptPath;

    /// <summary>argv for <c>python3 natprobe.py ARGS</c> (the script is written once per lab).</summary>
    public static string[] Argv(NetworkLab lab, params string[] args)
    {
        ArgumentNullException.ThrowIfNull(lab);
        if (scriptPath is null || !File.Exists(scriptPath))
        {
            var directory = lab.CreateTempDirectory("natprobe");
            var path = Path.Combine(directory, "natprobe.py");
            File.WriteAllText(path, Script);
            scriptPath = path;
        }

        return ["python3", scriptPath, .. args];
    }

    /// <summary>Starts the "what source do you see" server on <see cref="ServerPort"/> (UDP and TCP) in <paramref name="ns"/>.</summary>
    public static async Task<LabProcess> ServeAsync(NetworkLab lab, string ns, string label)
    {
        var server = lab.StartProcess(ns, label, Argv(lab, "serve", ServerPort.ToString(CultureInfo.InvariantCulture)));
        Assert.True(await server.WaitForLineAsync(l => l.Contains("serving", StringComparison.Ordinal), TimeSpan.FromSeconds(10)).ConfigureAwait(false), $"{label} did not start:\n{server.Output}");

        return server;
    }

    /// <summary>Runs one probe subcommand in <paramref name="ns"/> and returns its output lines.</summary>
    public static async Task<string[]> RunAsync(NetworkLab lab, string ns, params string[] args)
    {
        var result = await lab.MustRunAsync(new ExecRequest(ns, Argv(lab, args)) { Timeout = TimeSpan.FromSeconds(20) }).ConfigureAwait(false);

        return result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }
}
