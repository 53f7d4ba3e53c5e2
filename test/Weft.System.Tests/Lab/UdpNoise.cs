using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Weft.SystemTests.Lab;

/// <summary>
/// Throws garbage at a UDP port from inside a lab namespace: random datagrams of random sizes and
/// datagrams that look like WireGuard messages (type 1-4 and three zero bytes) but are truncated,
/// overlong or full of random bytes. It runs on a dedicated thread that enters the namespace with
/// setns(2), so the socket lives there; it is bounded by a count and a duration.
/// </summary>
public static class UdpNoise
{
    /// <summary>Sends at most <paramref name="maxDatagrams"/> datagrams for at most <paramref name="duration"/>; returns how many were sent.</summary>
    public static Task<int> SendAsync(string ns, IPEndPoint target, TimeSpan duration, int maxDatagrams, int seed)
    {
        ArgumentNullException.ThrowIfNull(target);
        var done = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                done.SetResult(SendFromNamespace(ns, target, duration, maxDatagrams, seed));
            }
            catch (Exception e) when (e is IOException or SocketException or UnauthorizedAccessException)
            {
                done.SetException(e);
            }
        })
        {
            IsBackground = true,
            Name = "udp-noise " + ns,
        };
        thread.Start();
        return done.Task;
    }

    private static int SendFromNamespace(string ns, IPEndPoint target, TimeSpan duration, int maxDatagrams, int seed)
    {
        using (var handle = File.OpenHandle($"/var/run/netns/{ns}", FileMode.Open, FileAccess.Read))
        {
            if (Interop.SetNs(handle.DangerousGetHandle(), Interop.CLONE_NEWNET) != 0)
            {
                throw new IOException($"setns into {ns} failed, errno {Marshal.GetLastPInvokeError()}");
            }
        }

        // This thread now lives in the namespace until it ends; the socket stays there.
        using var socket = new Socket(target.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        var random = new Random(seed);
        var buffer = new byte[2048];
        var clock = Stopwatch.StartNew();
        var sent = 0;
        while (sent < maxDatagrams && clock.Elapsed < duration)
        {
            var length = Fill(random, buffer);
            try
            {
                socket.SendTo(buffer.AsSpan(0, length), SocketFlags.None, target);
            }
            catch (SocketException)
            {
                // ICMP port unreachable from an earlier datagram surfaces here; keep going.
            }

            sent++;
            if (sent % 50 == 0)
            {
                Thread.Sleep(5); // about 10k datagrams per second at most: noise, not a flood that starves the peer
            }
        }

        return sent;
    }

    /// <summary>
    /// One noise datagram. WireGuard sizes: initiation 148, response 92, cookie reply 64,
    /// transport at least 32 (type 4, reserved, receiver index, counter, 16-byte tag).
    /// </summary>
    private static int Fill(Random random, byte[] buffer)
    {
        random.NextBytes(buffer);
        var kind = random.Next(6);
        if (kind == 0)
        {
            return random.Next(0, 1500); // pure random, including empty
        }

        var type = kind <= 4 ? kind : random.Next(1, 5);
        buffer[0] = (byte)type;
        buffer[1] = buffer[2] = buffer[3] = 0;
        int[] exact = [0, 148, 92, 64, 32];
        return random.Next(3) switch
        {
            0 => random.Next(1, exact[type]),           // truncated
            1 => exact[type],                           // right size, random contents
            _ => exact[type] + random.Next(1, 200),     // too long (or a transport message with a random body)
        };
    }
}
