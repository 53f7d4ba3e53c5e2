using System.Runtime.InteropServices;

namespace Weft.Core.Crypto;

internal static partial class Interop
{
    internal static partial class Libsodium
    {
        /// <summary>
        /// <c>int crypto_scalarmult_curve25519_base(unsigned char *q, const unsigned char *n)</c>:
        /// q = X25519(n, 9), the public key of private key n (clamped by the function). Returns 0 on success.
        /// </summary>
        [LibraryImport(LibraryName)]
        internal static unsafe partial int crypto_scalarmult_curve25519_base(byte* q, byte* n);
    }
}
