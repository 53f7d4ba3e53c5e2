using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Weft.Core.Crypto;

namespace Weft.Benchmarks;

/// <summary>
/// The transport cipher on one 1420-byte packet (the default tunnel MTU) per operation, through
/// <see cref="ChaCha20Poly1305Key"/> on each backend: the .NET class (<c>Bcl</c>) and OpenSSL's EVP
/// interface (<c>OpenSsl</c>). Seal is in place, as the send path does; Open decrypts a genuine packet;
/// OpenForged is a packet with a flipped tag bit, what an attacker flooding the port costs us.
/// Gbit/s = 1420 * 8 / (mean in ns).
/// </summary>
[MemoryDiagnoser]
public class ChaCha20Poly1305Benchmarks
{
    private const int PacketSize = 1420;

    private readonly byte[] _buffer = new byte[PacketSize + ChaCha20Poly1305Key.TagSize];
    private readonly byte[] _sealed = new byte[PacketSize + ChaCha20Poly1305Key.TagSize];
    private readonly byte[] _forged = new byte[PacketSize + ChaCha20Poly1305Key.TagSize];
    private readonly byte[] _opened = new byte[PacketSize];
    private ChaCha20Poly1305Key? _key;
    private ulong _counter;

    [Params("Bcl", "OpenSsl")]
    public string Backend { get; set; } = "OpenSsl";

    [GlobalSetup]
    public void Setup()
    {
        var backend = Backend == "Bcl" ? ChaCha20Poly1305Backend.Bcl : ChaCha20Poly1305Backend.OpenSsl;
        _key = new ChaCha20Poly1305Key(RandomNumberGenerator.GetBytes(32), backend);
        RandomNumberGenerator.Fill(_buffer.AsSpan(0, PacketSize));
        _key.Seal(1, _buffer.AsSpan(0, PacketSize), _sealed);
        _sealed.CopyTo(_forged, 0);
        _forged[^1] ^= 0x01;
    }

    [GlobalCleanup]
    public void Cleanup() => _key?.Dispose();

    [Benchmark]
    public void Seal() => _key!.Seal(++_counter, _buffer.AsSpan(0, PacketSize), _buffer);

    [Benchmark]
    public bool Open() => _key!.TryOpen(1, _sealed, _opened);

    [Benchmark]
    public bool OpenForged() => _key!.TryOpen(1, _forged, _opened);
}
