using System.Text.Json.Serialization;

namespace Weft.State;

/// <summary>Source-generated JSON for <see cref="WireGuardPeerStore"/>.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(WireGuardPeerFile))]
internal sealed partial class WireGuardPeerStoreJsonContext : JsonSerializerContext;
