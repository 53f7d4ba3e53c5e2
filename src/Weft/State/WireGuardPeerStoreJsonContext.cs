using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Weft.State;

/// <summary>Source-generated JSON for <see cref="WireGuardPeerStore"/>.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(WireGuardPeerFile))]
internal sealed partial class WireGuardPeerStoreJsonContext : JsonSerializerContext
{
    /// <summary>Leaves '+' and '/' of base64 keys unescaped, so the file reads like a wg config.</summary>
    public static WireGuardPeerStoreJsonContext Readable { get; } = new(new JsonSerializerOptions
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
