using System.Runtime.InteropServices;

namespace Weft.Core.OpenSsl;

internal static partial class Interop
{
    /// <summary>
    /// <c>int EVP_EncryptFinal_ex(EVP_CIPHER_CTX *ctx, unsigned char *out, int *outl)</c>: finishes the
    /// message and computes the tag (a stream cipher writes no further bytes).
    /// </summary>
    [LibraryImport(LibraryName)]
    internal static unsafe partial int EVP_EncryptFinal_ex(nint ctx, byte* output, int* outputLength);
}
