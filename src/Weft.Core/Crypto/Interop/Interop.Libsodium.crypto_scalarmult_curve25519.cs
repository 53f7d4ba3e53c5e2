using System.Runtime.InteropServices;

namespace Weft.Core.Crypto;

internal static partial class Interop
{
    internal static partial class Libsodium
    {
        /// <summary>
        /// <c>int crypto_scalarmult_curve25519(unsigned char *q, const unsigned char *n, const unsigned char *p)</c>:
        /// q = X25519(n, p), all 32 bytes. Clamps n itself. Returns -1 when the result is all zero
        /// (p of small order), 0 otherwise.
        /// </summary>
        [LibraryImport(LibraryName)]
        internal static unsafe partial int crypto_scalarmult_curve25519(byte* q, byte* n, byte* p);
    }
}
