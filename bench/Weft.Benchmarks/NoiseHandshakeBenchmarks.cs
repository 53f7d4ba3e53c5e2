using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Weft.Core.Crypto;
using Weft.Core.WireGuard;
using static Weft.Core.WireGuard.WireGuardMessages;

namespace Weft.Benchmarks;

/// <summary>
/// One complete Noise IK handshake (Noise_IKpsk2 as WireGuard uses it) per operation, both sides in one thread:
/// a fresh ephemeral key for each side, the initiator creates the initiation, the responder consumes it and creates
/// the response, the initiator consumes that, and both derive their transport keys. Four X25519 agreements on each
/// side plus two public-key derivations dominate; mac1/mac2 and the device's bookkeeping are not included.
/// </summary>
[MemoryDiagnoser]
public class NoiseHandshakeBenchmarks
{
    private readonly byte[] _initiatorPrivate = new byte[32];
    private readonly byte[] _initiatorPublic = new byte[32];
    private readonly byte[] _responderPrivate = new byte[32];
    private readonly byte[] _responderPublic = new byte[32];
    private readonly byte[] _initiatorEphemeral = new byte[32];
    private readonly byte[] _responderEphemeral = new byte[32];
    private readonly byte[] _timestamp = new byte[TimestampSize];
    private readonly byte[] _initiation = new byte[InitiationSize];
    private readonly byte[] _response = new byte[ResponseSize];
    private readonly byte[] _learnedStatic = new byte[32];
    private readonly byte[] _learnedTimestamp = new byte[TimestampSize];
    private readonly byte[] _presharedKey = new byte[32];
    private readonly byte[] _keys = new byte[4 * 32];
    private readonly HandshakeState _initiator = new();
    private readonly HandshakeState _responder = new();

    [GlobalSetup]
    public void Setup()
    {
        X25519.GenerateKeyPair(_initiatorPrivate, _initiatorPublic);
        X25519.GenerateKeyPair(_responderPrivate, _responderPublic);
        Tai64N.Write(DateTimeOffset.UtcNow, _timestamp);
        if (!Handshake())
        {
            throw new InvalidOperationException("the handshake does not complete");
        }
    }

    [Benchmark]
    public bool Handshake()
    {
        RandomNumberGenerator.Fill(_initiatorEphemeral);
        X25519.Clamp(_initiatorEphemeral);
        RandomNumberGenerator.Fill(_responderEphemeral);
        X25519.Clamp(_responderEphemeral);

        if (!NoiseHandshake.CreateInitiation(_initiator, _initiatorPrivate, _initiatorPublic, _responderPublic,
                                             _initiatorEphemeral, 1, _timestamp, _initiation)
            || !NoiseHandshake.TryConsumeInitiation(_initiation, _responderPrivate, _responderPublic, _responder,
                                                    _learnedStatic, _learnedTimestamp)
            || !NoiseHandshake.CreateResponse(_responder, _learnedStatic, _presharedKey, _responderEphemeral, 2, _response)
            || !NoiseHandshake.TryConsumeResponse(_response, _initiator, _initiatorPrivate, _presharedKey))
        {
            return false;
        }

        var keys = _keys.AsSpan();
        NoiseHandshake.DeriveTransportKeys(_initiator, initiator: true, keys[..32], keys[32..64]);
        NoiseHandshake.DeriveTransportKeys(_responder, initiator: false, keys[64..96], keys[96..]);
        return keys[..32].SequenceEqual(keys[96..]) && keys[32..64].SequenceEqual(keys[64..96]);
    }
}
