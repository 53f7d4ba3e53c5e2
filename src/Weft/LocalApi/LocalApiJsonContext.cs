using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Weft.LocalApi;

/// <summary>
/// Source-generated JSON for everything that crosses the local API (no reflection: AOT safe).
/// camelCase and indented, so <c>weft status --json</c> is readable.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(StatusReport))]
[JsonSerializable(typeof(WireGuardPeerRequest))]
[JsonSerializable(typeof(ApiError))]
[JsonSerializable(typeof(MapReport))]
[JsonSerializable(typeof(PingRequest))]
[JsonSerializable(typeof(PingReport))]
[JsonSerializable(typeof(Weft.Cli.PingSummary))]
[JsonSerializable(typeof(NetcheckReport))]
internal sealed partial class LocalApiJsonContext : JsonSerializerContext
{
    /// <summary>
    /// The context to use: like <see cref="JsonSerializerContext"/>'s Default, but leaves '+' and '/'
    /// of base64 keys unescaped so the JSON stays readable (it never goes into HTML).
    /// </summary>
    public static LocalApiJsonContext Readable { get; } = new(new JsonSerializerOptions
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
