using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Weft.Core.Identity.Internal;

namespace Weft.Core.Identity;

/// <summary>
/// The CA machine's record of the certificates it has signed (name, IPv4, node ID, expiry), a
/// JSON file saved atomically. It is how <c>weft sign</c> picks the next free IPv4 address and
/// refuses to give one address to two nodes. Not thread-safe: one CLI command at a time uses it.
/// </summary>
public sealed class IssuedRegistry
{
    private readonly List<IssuedCertificate> issued;

    private IssuedCertificate Entry(string name, IPAddress ipv4, NodeId id, DateTimeOffset? notAfter)
    {
        var text = IpBits.Normalize(ipv4).ToString();
        foreach (var entry in issued)
        {
            if (entry.Ipv4 == text && entry.Name != name)
            {
                throw new InvalidOperationException($"{text} is already issued to '{entry.Name}'.");
            }
        }

        return new IssuedCertificate(name, text, id.ToString(), notAfter);
    }

    private IssuedRegistry(string path, List<IssuedCertificate> issued)
    {
        Path = path;
        this.issued = issued;
    }

    public string Path { get; }

    public IReadOnlyList<IssuedCertificate> Issued => issued;

    /// <summary>Reads the registry; a missing file is an empty registry. A corrupt one is an <see cref="InvalidDataException"/> naming it.</summary>
    public static IssuedRegistry Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            return new IssuedRegistry(path, []);
        }

        IssuedRegistryFile? file;
        try
        {
            using var stream = File.OpenRead(path);
            file = JsonSerializer.Deserialize(stream, IssuedRegistryJson.Default.IssuedRegistryFile);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: the issued-certificate registry is not valid JSON ({e.Message})", e);
        }

        if (file?.Issued is null || file.Version != 1)
        {
            throw new InvalidDataException($"{path}: the issued-certificate registry has an unknown version {file?.Version}");
        }

        foreach (var entry in file.Issued)
        {
            if (entry is null || entry.Name is null || !IPAddress.TryParse(entry.Ipv4, out _) || !Identity.NodeId.TryParse(entry.NodeId, out _))
            {
                throw new InvalidDataException($"{path}: the issued-certificate registry has a broken entry ({entry})");
            }
        }

        return new IssuedRegistry(path, file.Issued);
    }

    /// <summary>
    /// The lowest host address in <paramref name="range"/> not recorded here, skipping the network
    /// and broadcast addresses. Throws an <see cref="InvalidOperationException"/> when the range is full.
    /// </summary>
    public IPAddress NextFreeIpv4(IPNetwork range)
    {
        if (range.BaseAddress.AddressFamily != AddressFamily.InterNetwork || range.PrefixLength > 30)
        {
            throw new ArgumentException($"The range must be an IPv4 network of /30 or larger, not {range}.", nameof(range));
        }

        var used = new HashSet<uint>();
        foreach (var entry in issued)
        {
            if (IPAddress.TryParse(entry.Ipv4, out var address) && address.AddressFamily == AddressFamily.InterNetwork)
            {
                used.Add(IpBits.ToUInt32(address));
            }
        }

        var network = IpBits.ToUInt32(range.BaseAddress);
        var broadcast = network | (uint.MaxValue >> range.PrefixLength);
        for (var host = network + 1; host < broadcast; host++)
        {
            if (!used.Contains(host))
            {
                return IpBits.FromUInt32(host);
            }
        }

        throw new InvalidOperationException($"Every address in {range} has been issued ({Path}).");
    }

    /// <summary>The entry for <paramref name="name"/>, or null.</summary>
    public IssuedCertificate? Find(string name)
    {
        foreach (var entry in issued)
        {
            if (string.Equals(entry.Name, name, StringComparison.Ordinal))
            {
                return entry;
            }
        }

        return null;
    }

    /// <summary>Records an issued address; an entry with the same name is replaced (a re-issue or renewal).</summary>
    public void Record(string name, IPAddress ipv4, NodeId id, DateTimeOffset? notAfter = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(ipv4);
        var entry = Entry(name, ipv4, id, notAfter);
        issued.RemoveAll(e => e.Name == name);
        issued.Add(entry);
    }

    /// <summary>Records every IPv4 address of an issued certificate, replacing earlier entries for its name.</summary>
    public void Record(Certificate certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var entries = new List<IssuedCertificate>();
        foreach (var ipv4 in certificate.Ipv4)
        {
            entries.Add(Entry(certificate.Name, ipv4.Address, certificate.NodeId, certificate.NotAfter));
        }

        issued.RemoveAll(e => e.Name == certificate.Name);
        issued.AddRange(entries);
    }

    /// <summary>Writes the registry to <see cref="Path"/> atomically (mode 0600).</summary>
    public void Save()
    {
        var file = new IssuedRegistryFile { Issued = issued };
        var bytes = JsonSerializer.SerializeToUtf8Bytes(file, IssuedRegistryJson.Default.IssuedRegistryFile);
        AtomicFile.Write(Path, bytes, AtomicFile.Private);
    }
}
