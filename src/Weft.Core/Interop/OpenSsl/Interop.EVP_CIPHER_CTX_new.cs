using System.Runtime.InteropServices;

namespace Weft.Core.OpenSsl;

internal static partial class Interop
{
    /// <summary>
    /// <c>EVP_CIPHER_CTX *EVP_CIPHER_CTX_new(void)</c>: a fresh, empty cipher context (invalid handle when out of memory).
    /// </summary>
    [LibraryImport(LibraryName)]
    internal static partial SafeEvpCipherCtxHandle EVP_CIPHER_CTX_new();
}
