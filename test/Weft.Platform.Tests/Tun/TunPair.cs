using Weft.Core.Net;
using Weft.Core.Offload;
using Weft.Tests;
using static Weft.Tests.TestCommands;

namespace Weft.Platform.Tests.Tun;

/// <summary>
/// Two TUN devices, each moved into its own network namespace, joined by two relay threads in this process (no
/// crypto, no UDP). A → B reads A in one of three <see cref="RelayStyle"/>s and writes into B inside
/// BeginBatch/EndBatch (coalescing); B → A uses <see cref="LinuxTunDevice.ReadBatch"/> and writes into A one by one
/// (zero header, no batch scope). The A → B thread measures what it allocates after a warm-up.
/// </summary>
/// <remarks>
/// <code>
///   ns A: 10.N.0.1/24 fd7e:N::1/64 ─ tun A ══ relay threads ══ tun B ─ 10.N.0.2/24 fd7e:N::2/64 :ns B
/// </code>
/// Dispose stops the relays (disposing the devices wakes their readers), removes the devices and the namespaces.
/// </remarks>
internal sealed class TunPair : IDisposable
{
    private const int HeadRoom = 16;
    private const int TailRoom = 32;
    private readonly Thread _aToB;
    private readonly Thread _bToA;
    private Exception? _relayError;

    private long _allocatedAfterWarmup = -1; // -1 until a window of 64 reads after the warm-up completed

    /// <summary>How the A → B relay reads A.</summary>
    public enum RelayStyle
    {
        /// <summary>ReadVirtio, then GsoSegmenter into a batch (the daemon's composition).</summary>
        ReadVirtioAndSegment,

        /// <summary>ReadBatch: the device segments into the batch itself.</summary>
        ReadBatch,

        /// <summary>Read: one plain packet per call (the device segments internally).</summary>
        Read,
    }

    public TunPair(bool offloadsA, bool offloadsB, uint? forcedFlagsA = null, RelayStyle style = RelayStyle.ReadVirtioAndSegment)
    {
        Style = style;
        string tag = TestNames.Tag();
        NamespaceA = $"wtoA{tag}";
        NamespaceB = $"wtoB{tag}";
        N = 16 + Random.Shared.Next(200);
        try
        {
            Exec("ip", "netns", "add", NamespaceA);
            Exec("ip", "netns", "add", NamespaceB);
            A = forcedFlagsA is { } flags
                ? LinuxTunDevice.Create($"wtoa{tag}", 1420, offloads: true, flags)
                : LinuxTunDevice.Create($"wtoa{tag}", 1420, offloadsA);
            B = LinuxTunDevice.Create($"wtob{tag}", 1420, offloadsB);
            Step($"A {A.Name}: {A.OffloadStatus}; B {B.Name}: {B.OffloadStatus}");
            Configure(A.Name, NamespaceA, 1);
            Configure(B.Name, NamespaceB, 2);
        }
        catch
        {
            Dispose();
            throw;
        }

        _aToB = new Thread(RelayAToB) { IsBackground = true, Name = "relay A->B" };
        _bToA = new Thread(RelayBToA) { IsBackground = true, Name = "relay B->A" };
        _aToB.Start();
        _bToA.Start();
    }

    public LinuxTunDevice A { get; } = null!;

    public LinuxTunDevice B { get; } = null!;

    public string NamespaceA { get; }

    public string NamespaceB { get; }

    /// <summary>How the A → B relay reads.</summary>
    public RelayStyle Style { get; }

    /// <summary>The least any window of 64 reads after the first 64 allocated on the A → B relay thread (0 when nothing is allocated per read; -1 before a window completed).</summary>
    public long AllocatedAfterWarmup => Interlocked.Read(ref _allocatedAfterWarmup);

    /// <summary>The number in this pair's addresses.</summary>
    public int N { get; }

    public string AddressA4 => $"10.{N}.0.1";

    public string AddressB4 => $"10.{N}.0.2";

    public string AddressA6 => $"fd7e:{N}::1";

    public string AddressB6 => $"fd7e:{N}::2";

    /// <summary>Packets the A → B relay wrote into B, and segments it cut from super-packets.</summary>
    public long RelayedAToB { get; private set; }

    /// <summary>Frames the A → B relay could not segment.</summary>
    public long MalformedAToB { get; private set; }

    /// <summary>The first exception a relay thread died of, if any.</summary>
    public Exception? RelayError => _relayError;

    public void Dispose()
    {
        A?.Dispose();
        B?.Dispose();
        _aToB?.Join(TimeSpan.FromSeconds(5));
        _bToA?.Join(TimeSpan.FromSeconds(5));
        Run("ip", "netns", "del", NamespaceA);
        Run("ip", "netns", "del", NamespaceB);
    }

    private void Configure(string device, string ns, int host)
    {
        Exec("ip", "link", "set", device, "netns", ns);
        Exec("ip", "-n", ns, "link", "set", "lo", "up");
        Exec("ip", "-n", ns, "addr", "add", $"10.{N}.0.{host}/24", "dev", device);
        Exec("ip", "-n", ns, "addr", "add", $"fd7e:{N}::{host}/64", "dev", device, "nodad");
        Exec("ip", "-n", ns, "link", "set", device, "up");
    }

    private void RelayAToB()
    {
        try
        {
            var frame = new byte[LinuxTunDevice.VirtioReadSize];
            var batch = new PacketBatch(64, 2048);
            long reads = 0, warm = 0;
            while (true)
            {
                B.BeginBatch();
                var status = Style switch
                {
                    RelayStyle.ReadBatch => RelayBatch(batch),
                    RelayStyle.Read => RelayOne(frame),
                    _ => RelayVirtio(frame, batch),
                };
                B.EndBatch();
                if (status is null)
                {
                    return;
                }

                if (status != GsoStatus.Complete)
                {
                    MalformedAToB++;
                }

                // Windows of 64 reads after the first 64: the smallest window's allocation is reported. The runtime may
                // allocate now and then while it tiers methods up on a busy machine (seen once in CI: 32 bytes); an
                // allocation per packet or per read shows in every window and can never give 0.
                if (++reads % 64 == 0)
                {
                    var now = GC.GetAllocatedBytesForCurrentThread();
                    if (reads > 64)
                    {
                        var window = now - warm;
                        if (Interlocked.Read(ref _allocatedAfterWarmup) < 0 || window < Interlocked.Read(ref _allocatedAfterWarmup))
                        {
                            Interlocked.Exchange(ref _allocatedAfterWarmup, window);
                        }
                    }

                    warm = now;
                }
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            _relayError ??= e;
        }
    }

    // Each returns null once A is disposed.
    private GsoStatus? RelayVirtio(byte[] frame, PacketBatch batch)
    {
        int n = A.ReadVirtio(frame);
        if (n == 0)
        {
            return null;
        }

        int cursor = 0;
        GsoStatus status;
        do
        {
            batch.Clear();
            status = GsoSegmenter.Segment(frame.AsSpan(0, n), batch, HeadRoom, TailRoom, ref cursor);
            WriteAll(batch);
        }
        while (status == GsoStatus.BatchFull);

        return status;
    }

    private GsoStatus? RelayBatch(PacketBatch batch)
    {
        batch.Clear();
        if (A.ReadBatch(batch, HeadRoom, TailRoom) == 0)
        {
            return null;
        }

        WriteAll(batch);
        return GsoStatus.Complete;
    }

    private GsoStatus? RelayOne(byte[] buffer)
    {
        int n = A.Read(buffer);
        if (n == 0)
        {
            return null;
        }

        B.Write(buffer.AsSpan(0, n));
        RelayedAToB++;
        return GsoStatus.Complete;
    }

    private void WriteAll(PacketBatch batch)
    {
        for (int i = 0; i < batch.Count; i++)
        {
            B.Write(batch.Packet(i));
        }

        RelayedAToB += batch.Count;
    }

    private void RelayBToA()
    {
        try
        {
            var batch = new PacketBatch(64, 2048);
            while (B.ReadBatch(batch, HeadRoom, TailRoom) > 0)
            {
                for (int i = 0; i < batch.Count; i++)
                {
                    A.Write(batch.Packet(i));
                }

                batch.Clear();
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            _relayError ??= e;
        }
    }
}
