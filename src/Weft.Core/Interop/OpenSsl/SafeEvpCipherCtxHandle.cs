using Microsoft.Win32.SafeHandles;

namespace Weft.Core.OpenSsl;

/// <summary>
/// Owns one OpenSSL <c>EVP_CIPHER_CTX</c>: frees it (OpenSSL wipes the key schedule) when disposed or,
/// if its owner forgot, when finalized.
/// </summary>
internal sealed class SafeEvpCipherCtxHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    // Public and parameterless: the LibraryImport generator creates the handle returned by EVP_CIPHER_CTX_new.
    public SafeEvpCipherCtxHandle()
        : base(ownsHandle: true)
    {
    }

    protected override bool ReleaseHandle()
    {
        Interop.EVP_CIPHER_CTX_free(handle);
        return true;
    }
}
