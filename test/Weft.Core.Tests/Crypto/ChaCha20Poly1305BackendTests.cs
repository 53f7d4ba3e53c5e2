using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Weft.Core.Crypto;
using Xunit;

namespace Weft.Core.Tests.Crypto;

/// <summary>
/// The two ChaCha20-Poly1305 backends side by side: OpenSSL's EVP interface (the default where libcrypto.so.3
/// loads) and the .NET class (the fallback). Every behaviour the transport relies on is checked on both, and
/// the EVP-only promises (no exceptions on forged packets, nothing allocated per call) on EVP.
/// </summary>
public class ChaCha20Poly1305BackendTests
{
    public static TheoryData<string> Backends => new() { "openssl", "bcl" };

    public static TheoryData<string, string, string, string, string, string, string> Rfc8439VectorsOnEachBackend
    {
        get
        {
            var data = new TheoryData<string, string, string, string, string, string, string>();
            foreach (string backend in new[] { "openssl", "bcl" })
            {
                foreach (var row in ChaCha20Poly1305Tests.Rfc8439Vectors)
                {
                    object?[] v = ((ITheoryDataRow)row).GetData();
                    data.Add(backend, (string)v[0]!, (string)v[1]!, (string)v[2]!, (string)v[3]!, (string)v[4]!, (string)v[5]!);
                }
            }

            return data;
        }
    }

    [Fact]
    public void OpenSslIsTheDefaultWhereverLibcryptoLoads()
    {
        bool loads = NativeLibrary.TryLoad("libcrypto.so.3", out nint library);
        if (loads)
        {
            NativeLibrary.Free(library);
        }

        Assert.Equal(loads, EvpChaCha20Poly1305.IsSupported);
        Assert.Equal(loads ? ChaCha20Poly1305Backend.OpenSsl : ChaCha20Poly1305Backend.Bcl, ChaCha20Poly1305Backends.Default);
        using var key = new ChaCha20Poly1305Key(new byte[32]);
        Assert.Equal(ChaCha20Poly1305Backends.Default, key.Backend);
    }

    [Fact]
    public void FallbackIsChosenWhenTheProbeFails()
    {
        Assert.False(EvpChaCha20Poly1305Probe.Run(() => throw new DllNotFoundException("libcrypto.so.3")));
        Assert.False(EvpChaCha20Poly1305Probe.Run(() => throw new EntryPointNotFoundException("EVP_chacha20_poly1305")));
        Assert.False(EvpChaCha20Poly1305Probe.Run(() => throw new CryptographicException("EVP_EncryptInit_ex failed")));
        Assert.False(EvpChaCha20Poly1305Probe.Run(() => false)); // wrong known answer
        Assert.Equal(ChaCha20Poly1305Backend.Bcl, ChaCha20Poly1305Backends.Select(openSslSupported: false));
        Assert.Equal(ChaCha20Poly1305Backend.OpenSsl, ChaCha20Poly1305Backends.Select(openSslSupported: true));

        // The fallback key is fully usable on its own.
        byte[] keyBytes = RandomNumberGenerator.GetBytes(32);
        using var fallback = new ChaCha20Poly1305Key(keyBytes, ChaCha20Poly1305Backend.Bcl);
        Assert.Equal(ChaCha20Poly1305Backend.Bcl, fallback.Backend);
        byte[] sealedBytes = new byte[116];
        fallback.Seal(5, new byte[100], sealedBytes, "x"u8);
        Assert.True(fallback.TryOpen(5, sealedBytes, new byte[100], "x"u8));
    }

    [Fact]
    public void TheRealProbePassesHere()
    {
        Assert.True(EvpChaCha20Poly1305Probe.Run(EvpChaCha20Poly1305Probe.KnownAnswerTest));
    }

    [Theory]
    [MemberData(nameof(Rfc8439VectorsOnEachBackend))]
    public void Rfc8439(string backendName, string keyHex, string nonceHex, string aadHex, string plaintextHex, string ciphertextHex, string tagHex)
    {
        var backend = Parse(backendName);
        byte[] keyBytes = Convert.FromHexString(keyHex);
        byte[] nonce = Convert.FromHexString(nonceHex);
        byte[] aad = Convert.FromHexString(aadHex);
        byte[] plaintext = Convert.FromHexString(plaintextHex);
        string expected = ciphertextHex + tagHex;
        int length = plaintext.Length;

        // Long-lived key, separate buffers.
        using var key = new ChaCha20Poly1305Key(keyBytes, backend);
        byte[] sealedBytes = new byte[length + 16];
        key.Seal(nonce, plaintext, sealedBytes, aad);
        Assert.Equal(expected, Convert.ToHexStringLower(sealedBytes));
        byte[] opened = new byte[length];
        Assert.True(key.TryOpen(nonce, sealedBytes, opened, aad));
        Assert.Equal(plaintextHex, Convert.ToHexStringLower(opened));

        // Long-lived key, in place.
        byte[] buffer = new byte[length + 16];
        plaintext.CopyTo(buffer, 0);
        key.Seal(nonce, buffer.AsSpan(0, length), buffer, aad);
        Assert.Equal(expected, Convert.ToHexStringLower(buffer));
        Assert.True(key.TryOpen(nonce, buffer, buffer.AsSpan(0, length), aad));
        Assert.Equal(plaintextHex, Convert.ToHexStringLower(buffer.AsSpan(0, length)));

        // One-shot, in place.
        ChaCha20Poly1305Once.Seal(backend, keyBytes, nonce, buffer.AsSpan(0, length), buffer, aad);
        Assert.Equal(expected, Convert.ToHexStringLower(buffer));
        Assert.True(ChaCha20Poly1305Once.TryOpen(backend, keyBytes, nonce, buffer, buffer.AsSpan(0, length), aad));
        Assert.Equal(plaintextHex, Convert.ToHexStringLower(buffer.AsSpan(0, length)));
    }

    // Every length around the 64-byte ChaCha20 block and 16-byte Poly1305 block boundaries, with and without
    // associated data: both backends produce the same bytes and each opens the other's output.
    [Fact]
    public void BackendsAgreeOnEveryLength()
    {
        byte[] keyBytes = RandomNumberGenerator.GetBytes(32);
        using var evp = new ChaCha20Poly1305Key(keyBytes, ChaCha20Poly1305Backend.OpenSsl);
        using var bcl = new ChaCha20Poly1305Key(keyBytes, ChaCha20Poly1305Backend.Bcl);
        var random = new Random(8439);
        int[] aadLengths = [0, 1, 15, 16, 17, 32];
        for (int length = 0; length <= 200; length++)
        {
            AgreeAt(length, aadLengths[length % aadLengths.Length], (ulong)length);
        }

        AgreeAt(1420, 0, 1_000_000);
        AgreeAt(1420, 16, ulong.MaxValue);
        AgreeAt(65_535, 5, 42);

        void AgreeAt(int length, int aadLength, ulong counter)
        {
            byte[] plaintext = new byte[length];
            byte[] aad = new byte[aadLength];
            random.NextBytes(plaintext);
            random.NextBytes(aad);
            byte[] viaEvp = new byte[length + 16], viaBcl = new byte[length + 16];
            evp.Seal(counter, plaintext, viaEvp, aad);
            bcl.Seal(counter, plaintext, viaBcl, aad);
            Assert.True(viaEvp.AsSpan().SequenceEqual(viaBcl), $"length {length}, aad {aadLength}");

            byte[] opened = new byte[length];
            Assert.True(evp.TryOpen(counter, viaBcl, opened, aad));
            Assert.True(opened.AsSpan().SequenceEqual(plaintext));
            opened.AsSpan().Clear();
            Assert.True(bcl.TryOpen(counter, viaEvp, opened, aad));
            Assert.True(opened.AsSpan().SequenceEqual(plaintext));
        }
    }

    // A forged packet is a false, the output is zeroed, and on EVP no exception is raised even internally
    // (the BCL throws and catches one per forged packet; seeing those proves the detector works).
    [Theory]
    [MemberData(nameof(Backends))]
    public void ForgedPacketsAreRejectedWithoutExceptions(string backendName)
    {
        var backend = Parse(backendName);
        using var key = new ChaCha20Poly1305Key(RandomNumberGenerator.GetBytes(32), backend);
        byte[] plaintext = RandomNumberGenerator.GetBytes(200);
        byte[] sealedBytes = new byte[216];
        key.Seal(9, plaintext, sealedBytes, "hdr"u8);
        byte[] opened = new byte[200];
        Assert.True(key.TryOpen(9, sealedBytes, opened, "hdr"u8));

        int rejected = 0;
        int exceptions = CountExceptionsOnThisThread(() =>
        {
            for (int i = 0; i < sealedBytes.Length; i++)
            {
                opened.AsSpan().Fill(0xAA);
                sealedBytes[i] ^= 0x80;
                if (!key.TryOpen(9, sealedBytes, opened, "hdr"u8) && opened.AsSpan().IndexOfAnyExcept((byte)0) < 0)
                {
                    rejected++;
                }

                sealedBytes[i] ^= 0x80;
            }

            rejected += key.TryOpen(10, sealedBytes, opened, "hdr"u8) ? 0 : 1;  // wrong counter
            rejected += key.TryOpen(9, sealedBytes, opened, "hdx"u8) ? 0 : 1;   // wrong associated data
            rejected += key.TryOpen(9, sealedBytes, opened) ? 0 : 1;            // associated data missing
            rejected += key.TryOpen(9, sealedBytes.AsSpan(0, 15), [], "hdr"u8) ? 0 : 1; // shorter than a tag
        });

        Assert.Equal(sealedBytes.Length + 4, rejected);
        if (backend == ChaCha20Poly1305Backend.OpenSsl)
        {
            Assert.Equal(0, exceptions);

            // Nothing is left on OpenSSL's per-thread error queue for the next user (.NET's own crypto included).
            Assert.Equal(0u, (ulong)Weft.Core.OpenSsl.Interop.ERR_get_error());
        }
        else
        {
            Assert.True(exceptions > 0);
        }

        Assert.True(key.TryOpen(9, sealedBytes, opened, "hdr"u8));
        Assert.Equal(plaintext, opened);
    }

    [Fact]
    public void EvpAllocatesNothingPerCall()
    {
        using var key = new ChaCha20Poly1305Key(RandomNumberGenerator.GetBytes(32), ChaCha20Poly1305Backend.OpenSsl);
        byte[] packet = new byte[1420 + 16];
        RandomNumberGenerator.Fill(packet.AsSpan(0, 1420));
        byte[] forged = new byte[1436];
        byte[] header = new byte[16];
        for (ulong i = 0; i < 200; i++)
        {
            key.Seal(i, packet.AsSpan(0, 1420), packet, header);
            Assert.True(key.TryOpen(i, packet, packet.AsSpan(0, 1420), header));
            Assert.False(key.TryOpen(i, forged, forged.AsSpan(0, 1420), header));
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        int failures = 0;
        for (ulong i = 0; i < 10_000; i++)
        {
            key.Seal(i, packet.AsSpan(0, 1420), packet, header);
            failures += key.TryOpen(i, packet, packet.AsSpan(0, 1420), header) ? 0 : 1;
            if (i % 10 == 0)
            {
                failures += key.TryOpen(i, forged, forged.AsSpan(0, 1420), header) ? 1 : 0;
            }
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(0, failures);
        Assert.Equal(0, allocated);
    }

    // Four threads share one key; each thread's sealed packets must equal what one thread alone produces
    // with a separate key instance, and open again.
    [Theory]
    [MemberData(nameof(Backends))]
    public void FourThreadsMatchSingleThreadedResults(string backendName)
    {
        var backend = Parse(backendName);
        const int Threads = 4, Messages = 1_500;
        byte[] keyBytes = RandomNumberGenerator.GetBytes(32);
        byte[][][] plaintexts = new byte[Threads][][];
        byte[][][] expected = new byte[Threads][][];
        using (var single = new ChaCha20Poly1305Key(keyBytes, backend))
        {
            var random = new Random(4);
            for (int t = 0; t < Threads; t++)
            {
                plaintexts[t] = new byte[Messages][];
                expected[t] = new byte[Messages][];
                for (int i = 0; i < Messages; i++)
                {
                    byte[] plaintext = new byte[random.Next(0, 1421)];
                    random.NextBytes(plaintext);
                    plaintexts[t][i] = plaintext;
                    expected[t][i] = new byte[plaintext.Length + 16];
                    single.Seal(Counter(t, i), plaintext, expected[t][i], BitConverter.GetBytes(i));
                }
            }
        }

        using var shared = new ChaCha20Poly1305Key(keyBytes, backend);
        int failures = 0;
        using var start = new Barrier(Threads);
        var workers = new Thread[Threads];
        for (int t = 0; t < Threads; t++)
        {
            int thread = t;
            workers[t] = new Thread(() =>
            {
                byte[] buffer = new byte[1436];
                start.SignalAndWait();
                for (int i = 0; i < Messages; i++)
                {
                    byte[] plaintext = plaintexts[thread][i];
                    int length = plaintext.Length;
                    byte[] aad = BitConverter.GetBytes(i);
                    plaintext.CopyTo(buffer, 0);
                    shared.Seal(Counter(thread, i), buffer.AsSpan(0, length), buffer.AsSpan(0, length + 16), aad);
                    bool same = buffer.AsSpan(0, length + 16).SequenceEqual(expected[thread][i]);
                    bool opened = shared.TryOpen(Counter(thread, i), buffer.AsSpan(0, length + 16), buffer.AsSpan(0, length), aad);
                    if (!same || !opened || !buffer.AsSpan(0, length).SequenceEqual(plaintext))
                    {
                        Interlocked.Increment(ref failures);
                    }
                }
            });
        }

        foreach (var worker in workers)
        {
            worker.Start();
        }

        foreach (var worker in workers)
        {
            Assert.True(worker.Join(TimeSpan.FromSeconds(60)));
        }

        Assert.Equal(0, failures);

        static ulong Counter(int thread, int i) => ((ulong)thread << 32) | (uint)i;
    }

    // Dispose while other threads are sealing and opening: calls in progress finish, later calls get
    // ObjectDisposedException, nothing else goes wrong (no use of a freed native context).
    [Theory]
    [MemberData(nameof(Backends))]
    public void DisposeWaitsForCallsInProgress(string backendName)
    {
        var backend = Parse(backendName);
        var key = new ChaCha20Poly1305Key(RandomNumberGenerator.GetBytes(32), backend);
        const int Threads = 4;
        int unexpected = 0, disposedSeen = 0, calls = 0;
        var workers = new Thread[Threads];
        for (int t = 0; t < Threads; t++)
        {
            workers[t] = new Thread(() =>
            {
                byte[] buffer = new byte[1436];
                try
                {
                    for (ulong i = 0; i < 1_000_000; i++)
                    {
                        key.Seal(i, buffer.AsSpan(0, 1420), buffer);
                        if (!key.TryOpen(i, buffer, buffer.AsSpan(0, 1420)))
                        {
                            Interlocked.Increment(ref unexpected);
                        }

                        Interlocked.Increment(ref calls);
                    }
                }
                catch (ObjectDisposedException)
                {
                    Interlocked.Increment(ref disposedSeen);
                }
                catch (Exception)
                {
                    Interlocked.Increment(ref unexpected);
                }
            });
        }

        foreach (var worker in workers)
        {
            worker.Start();
        }

        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (Volatile.Read(ref calls) < 2_000 && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(1);
        }

        key.Dispose();
        foreach (var worker in workers)
        {
            Assert.True(worker.Join(TimeSpan.FromSeconds(60)));
        }

        Assert.True(calls >= 2_000, $"only {calls} calls before the deadline");
        Assert.Equal(0, unexpected);
        Assert.Equal(Threads, disposedSeen);
        Assert.Throws<ObjectDisposedException>(() => key.TryOpen(0, new byte[16], []));
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void CallerBugsThrow(string backendName)
    {
        var backend = Parse(backendName);
        using var key = new ChaCha20Poly1305Key(new byte[32], backend);
        byte[] buffer = new byte[100];
        Assert.Throws<ArgumentException>(() => key.Seal(0, buffer.AsSpan(0, 10), buffer.AsSpan(0, 25)));
        Assert.Throws<ArgumentException>(() => key.TryOpen(0, buffer.AsSpan(0, 26), buffer.AsSpan(0, 9)));

        // Overlapping but not in place: EVP refuses it (the BCL happens to accept it).
        if (backend == ChaCha20Poly1305Backend.OpenSsl)
        {
            Assert.Throws<ArgumentException>(() => key.Seal(0, buffer.AsSpan(0, 50), buffer.AsSpan(1, 66)));
            Assert.Throws<ArgumentException>(() => key.TryOpen(0, buffer.AsSpan(1, 66), buffer.AsSpan(0, 50)));
        }

        Assert.Throws<ArgumentException>(() => ChaCha20Poly1305Once.Seal(backend, new byte[31], new byte[12], buffer.AsSpan(0, 10), buffer.AsSpan(0, 26), default));
    }

    private static ChaCha20Poly1305Backend Parse(string name) => name switch
    {
        "openssl" => ChaCha20Poly1305Backend.OpenSsl,
        "bcl" => ChaCha20Poly1305Backend.Bcl,
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    private static int CountExceptionsOnThisThread(Action action)
    {
        int thread = Environment.CurrentManagedThreadId;
        int count = 0;
        void OnException(object? sender, FirstChanceExceptionEventArgs e)
        {
            if (Environment.CurrentManagedThreadId == thread)
            {
                Interlocked.Increment(ref count);
            }
        }

        AppDomain.CurrentDomain.FirstChanceException += OnException;
        try
        {
            action();
        }
        finally
        {
            AppDomain.CurrentDomain.FirstChanceException -= OnException;
        }

        return count;
    }
}
