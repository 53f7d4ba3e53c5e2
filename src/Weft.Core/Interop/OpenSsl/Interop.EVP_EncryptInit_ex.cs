using System.Runtime.InteropServices;

namespace Weft.Core.OpenSsl;

internal static partial class Interop
{
    /// <summary>
    /// <c>int EVP_EncryptInit_ex(EVP_CIPHER_CTX *ctx, const EVP_CIPHER *type, ENGINE *impl, const unsigned char *key, const unsigned char *iv)</c>:
    /// sets up <paramref name="ctx"/> for encryption. Any of type, key and iv may be null to keep the current one;
    /// with only an iv it restarts the context for a new message under the same key.
    /// </summary>
    [LibraryImport(LibraryName)]
    internal static unsafe partial int EVP_EncryptInit_ex(nint ctx, nint type, nint impl, byte* key, byte* iv);
}
