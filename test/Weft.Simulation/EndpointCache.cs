using System.Net;

namespace Weft.Simulation;

/// <summary>
/// Hands out one shared <see cref="IPEndPoint"/> per distinct endpoint, so delivering a datagram
/// does not allocate one (the handler signature needs a class instance). Bounded: when it grows
/// past <see cref="Limit"/> it starts over, which costs allocations but never correctness.
/// </summary>
internal sealed class EndpointCache
{
    private const int Limit = 1 << 20;
    private readonly Dictionary<SimEndpoint, IPEndPoint> endpoints = [];

    public IPEndPoint Get(in SimEndpoint endpoint)
    {
        if (!endpoints.TryGetValue(endpoint, out var cached))
        {
            if (endpoints.Count >= Limit)
            {
                endpoints.Clear();
            }

            cached = new IPEndPoint(endpoint.Address.ToIPAddress(), endpoint.Port);
            endpoints.Add(endpoint, cached);
        }

        return cached;
    }
}
