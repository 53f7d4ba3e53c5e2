using System.Runtime.InteropServices;

namespace Weft.Core.OpenSsl;

internal static partial class Interop
{
    /// <summary>
    /// <c>const EVP_CIPHER *EVP_chacha20_poly1305(void)</c>: the static ChaCha20-Poly1305 cipher description
    /// (never freed). OpenSSL 3 fetches the provider implementation when a context is first initialised with it.
    /// </summary>
    [LibraryImport(LibraryName)]
    internal static partial nint EVP_chacha20_poly1305();
}
