using System.Buffers.Binary;
using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Weft.Core.WireGuard;
using static Weft.Core.WireGuard.WireGuardMessages;

namespace Weft.Benchmarks;

/// <summary>
/// One WireGuard transport data message (type 4) per operation, at the <see cref="Keypair"/> level the device uses:
/// Seal takes the next send counter and seals an IP packet in place with <see cref="TransportMessage.Seal"/> (header
/// before, padding and tag after, the buffer laid out with <see cref="WireGuardDevice.HeadRoom"/> and
/// <see cref="WireGuardDevice.TailRoom"/>); Open reads the counter from the header, decrypts and authenticates with the
/// receive key and finds the inner packet's length, as the receive path does (the replay window is left out so one
/// message can be opened again and again). 64 bytes is a TCP ACK, 1420 a full packet at the default tunnel MTU.
/// </summary>
[MemoryDiagnoser]
public class TransportMessageBenchmarks
{
    private byte[] _buffer = [];
    private byte[] _message = [];
    private byte[] _opened = [];
    private Keypair? _sender;
    private Keypair? _receiver;

    [Params(64, 1420)]
    public int PacketSize { get; set; } = 1420;

    [GlobalSetup]
    public void Setup()
    {
        var sendKey = RandomNumberGenerator.GetBytes(32);
        var receiveKey = RandomNumberGenerator.GetBytes(32);
        _sender = new Keypair(sendKey, receiveKey, isInitiator: true, localIndex: 1, remoteIndex: 2, createdAt: 0);
        _receiver = new Keypair(receiveKey, sendKey, isInitiator: false, localIndex: 2, remoteIndex: 1, createdAt: 0);

        _buffer = new byte[WireGuardDevice.HeadRoom + PacketSize + WireGuardDevice.TailRoom];
        var packet = _buffer.AsSpan(WireGuardDevice.HeadRoom, PacketSize);
        RandomNumberGenerator.Fill(packet);
        packet[0] = 0x45;   // IPv4, so the receiver finds the length in the header
        BinaryPrimitives.WriteUInt16BigEndian(packet[2..], (ushort)PacketSize);
        _message = SealMessage().ToArray();
        _opened = new byte[_message.Length - TransportHeaderSize - TagSize];
        if (Open() != PacketSize)
        {
            throw new InvalidOperationException("the sealed message does not open");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _sender?.Dispose();
        _receiver?.Dispose();
    }

    [Benchmark]
    public int Seal() => SealMessage().Length;

    [Benchmark]
    public int Open()
    {
        var message = _message.AsSpan();
        var counter = BinaryPrimitives.ReadUInt64LittleEndian(message[TransportCounterOffset..]);
        return _receiver!.ReceiveKey.TryOpen(counter, message[TransportHeaderSize..], _opened)
            ? TransportMessage.InnerLength(_opened)
            : -1;
    }

    private Span<byte> SealMessage()
    {
        _sender!.TryTakeSendCounter(out var counter);
        return TransportMessage.Seal(_sender.SendKey, _sender.RemoteIndex, counter, _buffer, WireGuardDevice.HeadRoom, PacketSize);
    }
}
