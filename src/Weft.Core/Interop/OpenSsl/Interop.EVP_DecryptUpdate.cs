using System.Runtime.InteropServices;

namespace Weft.Core.OpenSsl;

internal static partial class Interop
{
    /// <summary>
    /// <c>int EVP_DecryptUpdate(EVP_CIPHER_CTX *ctx, unsigned char *out, int *outl, const unsigned char *in, int inl)</c>:
    /// with <paramref name="output"/> null, feeds associated data; otherwise decrypts (out == in is allowed).
    /// </summary>
    [LibraryImport(LibraryName)]
    internal static unsafe partial int EVP_DecryptUpdate(nint ctx, byte* output, int* outputLength, byte* input, int inputLength);
}
