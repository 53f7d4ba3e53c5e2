using System.Runtime.InteropServices;

namespace Weft.Core.OpenSsl;

internal static partial class Interop
{
    /// <summary>
    /// <c>int EVP_DecryptFinal_ex(EVP_CIPHER_CTX *ctx, unsigned char *outm, int *outl)</c>: finishes the
    /// message and checks the tag set with <see cref="EVP_CTRL_AEAD_SET_TAG"/>; returns 0 or less when it does not match.
    /// </summary>
    [LibraryImport(LibraryName)]
    internal static unsafe partial int EVP_DecryptFinal_ex(nint ctx, byte* output, int* outputLength);
}
