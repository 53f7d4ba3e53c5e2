using System.Globalization;
using Weft.SystemTests.Lab;
using Xunit;

namespace Weft.SystemTests.Mesh;

/// <summary>
/// A throwaway OpenSSH server in a lab namespace: a generated host key, a generated client key
/// allowed to log in as root, and an sshd_config in a temporary directory, listening on one
/// address only (a mesh address). sshd runs in the foreground as a lab process, so the lab stops
/// it by PID. <see cref="ConnectAsync"/> opens a session to it from another namespace.
/// </summary>
public sealed class SshServer
{
    private SshServer(NetworkLab lab, string directory, string address, LabProcess daemon)
    {
        Lab = lab;
        Directory = directory;
        Address = address;
        Daemon = daemon;
    }

    public NetworkLab Lab { get; }

    /// <summary>The temporary directory with the keys and the config.</summary>
    public string Directory { get; }

    public string Address { get; }

    public LabProcess Daemon { get; }

    public string ClientKey => Path.Combine(Directory, "client_key");

    /// <summary>Generates the keys and config and starts <c>sshd -D -e</c> in <paramref name="ns"/> on <paramref name="address"/>:22; waits until it listens.</summary>
    public static async Task<SshServer> StartAsync(NetworkLab lab, string ns, string address)
    {
        ArgumentNullException.ThrowIfNull(lab);
        var sshd = Weft.Tests.Requires.FindOnPath("sshd") ?? "/usr/sbin/sshd";
        var directory = lab.CreateTempDirectory("sshd");
        lab.Log($"sshd for {address}: host key, a client key for root, config in {directory}");
        await lab.MustRunAsync(null, "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "weft-systest-host", "-f", Path.Combine(directory, "host_key"));
        await lab.MustRunAsync(null, "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "weft-systest-client", "-f", Path.Combine(directory, "client_key"));
        File.Copy(Path.Combine(directory, "client_key.pub"), Path.Combine(directory, "authorized_keys"));
        var config = Path.Combine(directory, "sshd_config");
        await File.WriteAllTextAsync(config, string.Create(CultureInfo.InvariantCulture, $"""
            ListenAddress {address}
            Port 22
            HostKey {directory}/host_key
            AuthorizedKeysFile {directory}/authorized_keys
            PermitRootLogin prohibit-password
            PubkeyAuthentication yes
            PasswordAuthentication no
            KbdInteractiveAuthentication no
            UsePAM no
            StrictModes no
            PidFile none
            LogLevel VERBOSE

            """));

        // sshd insists on its privilege separation directory (the Debian package creates it at boot).
        System.IO.Directory.CreateDirectory("/run/sshd");
        await lab.MustRunAsync(null, sshd, "-t", "-f", config);
        var daemon = lab.StartProcess(ns, "sshd", [sshd, "-D", "-e", "-f", config]);
        var listening = await Poll.UntilAsync(
            async () => (await lab.ExecAsync(new ExecRequest(ns, ["ss", "-Hltn", "sport = :22"]) { Quiet = true })).Stdout.Contains(address, StringComparison.Ordinal),
            TimeSpan.FromSeconds(10));
        Assert.True(listening, $"sshd never listened on {address}:22:\n{daemon.Output}");
        return new SshServer(lab, directory, address, daemon);
    }

    /// <summary>Opens an ssh session as root from <paramref name="ns"/>, running a shell that reads commands from the test.</summary>
    public SshSession Connect(string ns) =>
        new(Lab, ns, [
            "ssh", "-T", "-i", ClientKey,
            "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
            "-o", "ConnectTimeout=10", "-o", "ServerAliveInterval=0", "-o", "LogLevel=ERROR",
            "root@" + Address, "sh"]);
}
