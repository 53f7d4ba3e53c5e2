using System.Runtime.InteropServices;

namespace Weft.Core.OpenSsl;

internal static partial class Interop
{
    /// <summary>
    /// <c>void EVP_CIPHER_CTX_free(EVP_CIPHER_CTX *ctx)</c>: wipes (key included) and frees a context. Only
    /// <see cref="SafeEvpCipherCtxHandle"/> calls it.
    /// </summary>
    [LibraryImport(LibraryName)]
    internal static partial void EVP_CIPHER_CTX_free(nint ctx);
}
