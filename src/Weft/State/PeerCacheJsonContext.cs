using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Weft.State;

/// <summary>Source-generated JSON for <see cref="PeerCacheFile"/>.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(PeerCacheDocument))]
internal sealed partial class PeerCacheJsonContext : JsonSerializerContext
{
    /// <summary>Leaves '+', '/' and '[' ']' unescaped so the file reads naturally.</summary>
    public static PeerCacheJsonContext Readable { get; } = new(new JsonSerializerOptions
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
