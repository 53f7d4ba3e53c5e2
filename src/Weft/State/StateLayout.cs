namespace Weft.State;

/// <summary>
/// The files of a state directory (<c>--state</c>, default /var/lib/weft), named in one place.
/// Several nodes can run on one machine, each with its own state directory.
/// <code>
///   node.key              this node's private keys (0600)
///   node.crt              this node's certificate (text form)
///   ca.crt                the mesh CA certificate this node trusts (text form)
///   ca.key                the CA private key + certificate, only on the CA machine (0600)
///   issued.json           the CA's record of issued IPv4 addresses, only on the CA machine
///   wireguard-peers.json  stock WireGuard clients registered with `weft wireguard add`
///   peers.json            the peer cache: verified peers' certificates and last endpoints (written by `weft up`)
///   weft.json             optional daemon config (docs/config.md)
///   weft.lock / weft.pid  held / written by the running daemon
///   weft.sock             the daemon's local API (Unix socket) unless --socket says otherwise
/// </code>
/// </summary>
internal sealed class StateLayout
{
    public const string DefaultDirectory = "/var/lib/weft";

    public StateLayout(string directory, string? socketPath = null)
    {
        Directory = Path.GetFullPath(directory);
        SocketPath = socketPath is null ? Path.Combine(Directory, "weft.sock") : Path.GetFullPath(socketPath);
    }

    public string Directory { get; }

    public string SocketPath { get; }

    public string NodeKeys => Path.Combine(Directory, "node.key");

    public string NodeCertificate => Path.Combine(Directory, "node.crt");

    public string CaCertificate => Path.Combine(Directory, "ca.crt");

    public string CaKey => Path.Combine(Directory, "ca.key");

    public string IssuedRegistry => Path.Combine(Directory, "issued.json");

    public string WireGuardPeers => Path.Combine(Directory, "wireguard-peers.json");

    public string PeerCache => Path.Combine(Directory, "peers.json");

    public string Config => Path.Combine(Directory, "weft.json");

    public string Lock => Path.Combine(Directory, "weft.lock");

    public string Pid => Path.Combine(Directory, "weft.pid");

    /// <summary>Creates the directory (mode 0700) if it does not exist.</summary>
    public void EnsureExists()
    {
        if (!System.IO.Directory.Exists(Directory))
        {
            System.IO.Directory.CreateDirectory(Directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }
}
