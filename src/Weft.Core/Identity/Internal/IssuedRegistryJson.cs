using System.Text.Json.Serialization;

namespace Weft.Core.Identity.Internal;

/// <summary>The registry file as JSON: <c>{ "version": 1, "issued": [ { "name", "ipv4", "nodeId", "notAfter" } ] }</c>.</summary>
internal sealed class IssuedRegistryFile
{
    public int Version { get; set; } = 1;

    public List<IssuedCertificate> Issued { get; set; } = [];
}

/// <summary>Source-generated (reflection-free, AOT-safe) JSON for <see cref="IssuedRegistryFile"/>.</summary>
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(IssuedRegistryFile))]
internal sealed partial class IssuedRegistryJson : JsonSerializerContext;
