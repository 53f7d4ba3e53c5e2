using System.Runtime.CompilerServices;

// bench/Weft.Benchmarks compares the two ChaCha20-Poly1305 backends through the internal
// ChaCha20Poly1305Key(key, backend) constructor. (Kept here because the benchmark helper may not edit
// Weft.Core.csproj; it can move into the project's InternalsVisibleTo list.)
[assembly: InternalsVisibleTo("Weft.Benchmarks")]
