using System.Runtime.CompilerServices;

// The mesh simulation tests (test/Weft.Simulation.Tests/Mesh) play a misbehaving member: they send
// raw control messages (forged adverts, bad envelopes) through MeshNode.SendControlMessage. (Kept
// here because the mesh helper may not edit Weft.Core.csproj; it can move into its InternalsVisibleTo list.)
[assembly: InternalsVisibleTo("Weft.Simulation.Tests")]
