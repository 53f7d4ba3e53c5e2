using Microsoft.Extensions.Logging;
using Weft.Core.Node;
using Weft.Core.WireGuard;
using Weft.Platform;

namespace Weft.Daemon;

/// <summary>
/// The inside → outside pipeline's first stage: one thread reads IP packets from the TUN device
/// into a single buffer that leaves <see cref="WireGuardDevice.HeadRoom"/> bytes before and
/// <see cref="WireGuardDevice.TailRoom"/> after the packet (the device encrypts in place there),
/// and hands each to <see cref="MeshNode.OnTunPacket"/>. No allocation per packet. It stops when
/// the device is disposed (Read returns 0); a read error stops the daemon.
/// </summary>
internal sealed class TunReader
{
    private const int MaxPacket = 65535;

    private readonly LinuxTunDevice _tun;
    private readonly MeshNode _node;
    private readonly ILogger _logger;
    private readonly Action<string> _onFailure;
    private readonly Thread _thread;

    public TunReader(LinuxTunDevice tun, MeshNode node, ILogger logger, Action<string> onFailure)
    {
        _tun = tun;
        _node = node;
        _logger = logger;
        _onFailure = onFailure;
        _thread = new Thread(Run) { IsBackground = true, Name = $"weft tun rx {tun.Name}" };
    }

    public void Start() => _thread.Start();

    /// <summary>Waits for the thread after the device was disposed.</summary>
    public void Join() => _thread.Join(TimeSpan.FromSeconds(5));

    private void Run()
    {
        var buffer = new byte[WireGuardDevice.HeadRoom + MaxPacket + WireGuardDevice.TailRoom];
        try
        {
            while (true)
            {
                var length = _tun.Read(buffer.AsSpan(WireGuardDevice.HeadRoom, MaxPacket));
                if (length == 0)
                {
                    return; // disposed
                }

                _node.OnTunPacket(buffer, WireGuardDevice.HeadRoom, length);
            }
        }
        catch (IOException e)
        {
            DaemonLog.TunReadFailed(_logger, e.Message);
            _onFailure("TUN read failure");
        }
    }
}
