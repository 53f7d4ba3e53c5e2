using Microsoft.Extensions.Logging;
using Weft.Core.Net;
using Weft.Core.Node;
using Weft.Core.WireGuard;
using Weft.Platform;

namespace Weft.Daemon;

/// <summary>
/// The inside → outside pipeline's first stage: one thread reads from the TUN device into a
/// <see cref="PacketBatch"/> — with offloads, a TSO/USO super-packet of up to 64 KB cut into MTU-size packets; either
/// way, whatever else is ready at once, up to the batch's <see cref="BatchCapacity"/> — each packet with
/// <see cref="WireGuardDevice.HeadRoom"/> bytes before it and <see cref="WireGuardDevice.TailRoom"/> after it in its
/// slot (the device encrypts in place there), and hands the batch to <see cref="MeshNode.OnTunBatch"/>. No allocation
/// per packet or batch. It stops when the device is disposed (ReadBatch returns 0); a read error stops the daemon.
/// </summary>
internal sealed class TunReader
{
    /// <summary>Packets per batch: a 64 KB super-packet at a 1420-byte MTU is about 47 segments; UDP GSO sends at most 64.</summary>
    public const int BatchCapacity = 64;

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

    /// <summary>A slot holds an MTU-size packet with the device's head and tail room, rounded up to 64 bytes.</summary>
    internal static int SlotSize(int mtu) => (WireGuardDevice.HeadRoom + mtu + WireGuardDevice.TailRoom + 63) / 64 * 64;

    private void Run()
    {
        var batch = new PacketBatch(BatchCapacity, SlotSize(_tun.Mtu));
        try
        {
            while (true)
            {
                batch.Clear();
                if (_tun.ReadBatch(batch, WireGuardDevice.HeadRoom, WireGuardDevice.TailRoom) == 0)
                {
                    return; // disposed
                }

                _node.OnTunBatch(batch);
            }
        }
        catch (IOException e)
        {
            DaemonLog.TunReadFailed(_logger, e.Message);
            _onFailure("TUN read failure");
        }
    }
}
