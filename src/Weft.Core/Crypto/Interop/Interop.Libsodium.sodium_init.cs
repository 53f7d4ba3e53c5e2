using System.Runtime.InteropServices;

namespace Weft.Core.Crypto;

internal static partial class Interop
{
    internal static partial class Libsodium
    {
        /// <summary><c>int sodium_init(void)</c>: 0 on first success, 1 if already initialised, -1 on failure.</summary>
        [LibraryImport(LibraryName)]
        internal static partial int sodium_init();
    }
}
