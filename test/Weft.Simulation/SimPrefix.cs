using System.Net;
using System.Runtime.InteropServices;

namespace Weft.Simulation;

/// <summary>An address prefix (network + length) with an allocation-free <see cref="Contains"/>.</summary>
[StructLayout(LayoutKind.Auto)]
internal readonly record struct SimPrefix(SimAddress Network, int Length)
{
    public static SimPrefix From(IPNetwork network) => new(SimAddress.From(network.BaseAddress), network.PrefixLength);

    public bool Contains(SimAddress address)
    {
        if (address.IsV6 != Network.IsV6)
        {
            return false;
        }

        if (!address.IsV6)
        {
            var mask = Length == 0 ? 0u : uint.MaxValue << (32 - Length);
            return ((uint)address.Low & mask) == ((uint)Network.Low & mask);
        }

        if (Length <= 64)
        {
            var mask = Length == 0 ? 0ul : ulong.MaxValue << (64 - Length);
            return (address.High & mask) == (Network.High & mask);
        }

        var lowMask = ulong.MaxValue << (128 - Length);
        return address.High == Network.High && (address.Low & lowMask) == (Network.Low & lowMask);
    }

    /// <summary>How many host addresses the prefix has room for (capped, IPv6 is effectively unbounded).</summary>
    public ulong HostCapacity
    {
        get
        {
            var bits = (Network.IsV6 ? 128 : 32) - Length;
            return bits >= 32 ? uint.MaxValue : (1ul << bits) - 2;
        }
    }

    public IPNetwork ToIPNetwork() => new(Network.ToIPAddress(), Length);

    public override string ToString() => $"{Network}/{Length}";
}
