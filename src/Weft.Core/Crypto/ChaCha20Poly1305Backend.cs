namespace Weft.Core.Crypto;

/// <summary>
/// Which implementation carries <see cref="ChaCha20Poly1305Key"/> and <see cref="ChaCha20Poly1305Once"/>.
/// <see cref="Default"/> is chosen once per process: OpenSSL's EVP interface when it passes its probe
/// (<see cref="EvpChaCha20Poly1305Probe"/>), otherwise the .NET class. Tests and benchmarks pick one explicitly.
/// </summary>
internal enum ChaCha20Poly1305Backend
{
    /// <summary><see cref="System.Security.Cryptography.ChaCha20Poly1305"/>: portable, slower per call, throws on a bad tag internally.</summary>
    Bcl,

    /// <summary><see cref="EvpChaCha20Poly1305"/>: libcrypto.so.3 contexts keyed once, nonce set per message.</summary>
    OpenSsl,
}
