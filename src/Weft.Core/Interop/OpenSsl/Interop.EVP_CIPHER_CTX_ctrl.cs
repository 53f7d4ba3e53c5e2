using System.Runtime.InteropServices;

namespace Weft.Core.OpenSsl;

internal static partial class Interop
{
    /// <summary>
    /// <c>int EVP_CIPHER_CTX_ctrl(EVP_CIPHER_CTX *ctx, int type, int arg, void *ptr)</c>: cipher-specific
    /// controls; here the AEAD nonce length and the tag (<c>EVP_CTRL_AEAD_*</c>).
    /// </summary>
    [LibraryImport(LibraryName)]
    internal static unsafe partial int EVP_CIPHER_CTX_ctrl(nint ctx, int type, int arg, void* ptr);
}
