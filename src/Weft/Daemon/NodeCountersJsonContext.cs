using System.Text.Json.Serialization;
using Weft.Core.Node;

namespace Weft.Daemon;

/// <summary>Source-generated JSON used only to flatten <see cref="NodeCounters"/> into the status report.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(NodeCounters))]
internal sealed partial class NodeCountersJsonContext : JsonSerializerContext;
