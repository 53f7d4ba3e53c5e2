namespace Weft.Core.OpenSsl;

/// <summary>
/// Native calls into OpenSSL's libcrypto (3.x, the copy .NET itself uses on Linux), limited to the EVP
/// AEAD calls the ChaCha20-Poly1305 transport cipher needs. One file per native function; this file holds
/// the library name and the control codes.
/// </summary>
/// <remarks>
/// The per-packet functions take the context as a raw pointer: the caller holds one reference on the
/// <see cref="SafeEvpCipherCtxHandle"/> for the whole packet instead of one per native call.
/// All functions return 1 on success and 0 (or less) on failure, as OpenSSL does.
/// </remarks>
internal static partial class Interop
{
    internal const string LibraryName = "libcrypto.so.3";

    /// <summary><c>EVP_CTRL_AEAD_SET_IVLEN</c> (openssl/evp.h): set the nonce length before the nonce.</summary>
    internal const int EVP_CTRL_AEAD_SET_IVLEN = 0x9;

    /// <summary><c>EVP_CTRL_AEAD_GET_TAG</c>: copy the tag out after <c>EVP_EncryptFinal_ex</c>.</summary>
    internal const int EVP_CTRL_AEAD_GET_TAG = 0x10;

    /// <summary><c>EVP_CTRL_AEAD_SET_TAG</c>: give the expected tag before <c>EVP_DecryptFinal_ex</c>.</summary>
    internal const int EVP_CTRL_AEAD_SET_TAG = 0x11;
}
