using System.Text.Json.Serialization;

namespace Weft.LocalApi;

/// <summary>
/// Source-generated JSON for everything that crosses the local API (no reflection: AOT safe).
/// camelCase, enums as strings, indented so <c>weft status --json</c> is readable.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(StatusReport))]
[JsonSerializable(typeof(WireGuardPeerRequest))]
[JsonSerializable(typeof(ApiError))]
internal sealed partial class LocalApiJsonContext : JsonSerializerContext;
