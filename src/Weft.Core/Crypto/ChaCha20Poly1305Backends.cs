namespace Weft.Core.Crypto;

/// <summary>The process-wide choice of <see cref="ChaCha20Poly1305Backend"/>, made on first use and never changed.</summary>
internal static class ChaCha20Poly1305Backends
{
    /// <summary>What the public constructors and <see cref="ChaCha20Poly1305Once"/> use.</summary>
    internal static ChaCha20Poly1305Backend Default { get; } = Select(EvpChaCha20Poly1305.IsSupported);

    internal static ChaCha20Poly1305Backend Select(bool openSslSupported) =>
        openSslSupported ? ChaCha20Poly1305Backend.OpenSsl : ChaCha20Poly1305Backend.Bcl;

    /// <summary>Throws when <paramref name="backend"/> cannot run in this process (OpenSSL requested but missing).</summary>
    internal static void CheckAvailable(ChaCha20Poly1305Backend backend)
    {
        if (backend == ChaCha20Poly1305Backend.OpenSsl && !EvpChaCha20Poly1305.IsSupported)
        {
            throw new PlatformNotSupportedException("OpenSSL's ChaCha20-Poly1305 (libcrypto.so.3) is not usable in this process.");
        }

        if (backend is not (ChaCha20Poly1305Backend.Bcl or ChaCha20Poly1305Backend.OpenSsl))
        {
            throw new ArgumentOutOfRangeException(nameof(backend));
        }
    }
}
