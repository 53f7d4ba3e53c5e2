using Xunit;

namespace Weft.SystemTests.Nat;

/// <summary>The tests that share the <see cref="NatMatrixFixture"/> lab.</summary>
[CollectionDefinition(Name)]
public sealed class NatMatrixCollection : ICollectionFixture<NatMatrixFixture>
{
    public const string Name = "NAT matrix lab";
}
