namespace Weft.Core.Crypto;

/// <summary>
/// Native calls into libsodium, the library NSec.Cryptography ships (runtimes/*/native/libsodium.*).
/// One file per native function; this file holds the library name and the one-time initialisation.
/// </summary>
internal static partial class Interop
{
    internal static partial class Libsodium
    {
        internal const string LibraryName = "libsodium";

        /// <summary>Runs <c>sodium_init</c> once (it picks the fastest implementations; safe to call repeatedly).</summary>
        internal static void EnsureInitialized() => Initializer.Touch();

        private static class Initializer
        {
            // The static constructor runs sodium_init exactly once, thread-safely, before the first Touch returns.
            static Initializer()
            {
                if (sodium_init() < 0)
                {
                    throw new InvalidOperationException("libsodium failed to initialise (sodium_init returned an error).");
                }
            }

            internal static void Touch()
            {
            }
        }
    }
}
