using System.Net;
using System.Runtime.InteropServices;

namespace Weft.Simulation;

/// <summary>An address and UDP port, allocation-free (the simulation's <see cref="IPEndPoint"/>).</summary>
[StructLayout(LayoutKind.Auto)]
internal readonly record struct SimEndpoint(SimAddress Address, int Port)
{
    public static SimEndpoint From(IPEndPoint endpoint) => new(SimAddress.From(endpoint.Address), endpoint.Port);

    public override string ToString() => Address.IsV6 ? $"[{Address}]:{Port}" : $"{Address}:{Port}";
}
