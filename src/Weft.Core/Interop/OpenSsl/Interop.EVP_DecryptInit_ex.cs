using System.Runtime.InteropServices;

namespace Weft.Core.OpenSsl;

internal static partial class Interop
{
    /// <summary>
    /// <c>int EVP_DecryptInit_ex(EVP_CIPHER_CTX *ctx, const EVP_CIPHER *type, ENGINE *impl, const unsigned char *key, const unsigned char *iv)</c>:
    /// as <see cref="EVP_EncryptInit_ex"/>, for decryption.
    /// </summary>
    [LibraryImport(LibraryName)]
    internal static unsafe partial int EVP_DecryptInit_ex(nint ctx, nint type, nint impl, byte* key, byte* iv);
}
