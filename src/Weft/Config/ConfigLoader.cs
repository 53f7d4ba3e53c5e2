using System.Text.Json;

namespace Weft.Config;

/// <summary>
/// Reads and validates the JSON config file. Every problem is reported as a
/// <see cref="ConfigException"/> naming the file, the key and what is wrong; unknown keys are
/// errors (with a "did you mean" hint) so a typo never silently falls back to a default.
/// The parser walks a <see cref="JsonDocument"/> by hand: no reflection, AOT friendly.
/// </summary>
internal static class ConfigLoader
{
    public const int MinMtu = 1280;
    public const int MaxMtu = 9000;
    public const int MaxInterfaceNameLength = 15;

    private static readonly string[] KnownKeys = ["listenPort", "interface", "mtu", "peers", "logLevel", "tlsPort", "lanDiscovery", "lanInterfaces", "relay", "portMapping", "offloads"];

    /// <summary>The accepted log levels, lower case, as written in the file.</summary>
    public static readonly string[] LogLevels = ["trace", "debug", "information", "warning", "error", "critical", "none"];

    /// <summary>
    /// Loads <paramref name="path"/>. A missing file is an empty config unless
    /// <paramref name="mustExist"/> (the user named it with --config).
    /// </summary>
    public static WeftConfig Load(string path, bool mustExist)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (FileNotFoundException) when (!mustExist)
        {
            return WeftConfig.Empty;
        }
        catch (DirectoryNotFoundException) when (!mustExist)
        {
            return WeftConfig.Empty;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConfigException($"{path}: cannot read the config file: {e.Message}");
        }

        return Parse(text, path);
    }

    /// <summary>Parses config text; <paramref name="fileName"/> prefixes every error message.</summary>
    public static WeftConfig Parse(string text, string fileName)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text, new JsonDocumentOptions
            {
                CommentHandling = JsonCommentHandling.Skip,
                AllowTrailingCommas = true,
            });
        }
        catch (JsonException e)
        {
            var where = e.LineNumber is { } line
                ? $" at line {line + 1}, column {(e.BytePositionInLine ?? 0) + 1}"
                : "";
            throw new ConfigException($"{fileName}: not valid JSON{where}");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new ConfigException($"{fileName}: the config must be a JSON object ({{ ... }}), got {Describe(root.ValueKind)}");
            }

            int? listenPort = null;
            int? mtu = null;
            int? tlsPort = null;
            string? interfaceName = null;
            string? logLevel = null;
            List<string> peers = [];
            bool? lanDiscovery = null;
            bool? relay = null;
            bool? portMapping = null;
            bool? offloads = null;
            List<string> lanInterfaces = [];
            var seen = new HashSet<string>(StringComparer.Ordinal);

            foreach (var property in root.EnumerateObject())
            {
                var key = property.Name;
                if (!seen.Add(key))
                {
                    throw new ConfigException($"{fileName}: key \"{key}\" appears more than once");
                }

                var value = property.Value;
                switch (key)
                {
                    case "listenPort":
                        listenPort = ReadInt(fileName, key, value, 1, 65535);
                        break;
                    case "mtu":
                        mtu = ReadInt(fileName, key, value, MinMtu, MaxMtu);
                        break;
                    case "tlsPort":
                        tlsPort = ReadInt(fileName, key, value, 1, 65535);
                        break;
                    case "interface":
                        interfaceName = ReadString(fileName, key, value);
                        if (!IsValidInterfaceName(interfaceName, out var why))
                        {
                            throw new ConfigException($"{fileName}: \"interface\" {why}, got \"{interfaceName}\"");
                        }

                        break;
                    case "logLevel":
                        logLevel = ReadString(fileName, key, value);
                        if (Array.IndexOf(LogLevels, logLevel.ToLowerInvariant()) < 0)
                        {
                            throw new ConfigException(
                                $"{fileName}: \"logLevel\" must be one of {string.Join(", ", LogLevels)}, got \"{logLevel}\"");
                        }

                        logLevel = logLevel.ToLowerInvariant();
                        break;
                    case "peers":
                        if (value.ValueKind != JsonValueKind.Array)
                        {
                            throw new ConfigException(
                                $"{fileName}: \"peers\" must be an array of \"host:port\" strings, got {Describe(value.ValueKind)}");
                        }

                        var index = 0;
                        foreach (var item in value.EnumerateArray())
                        {
                            if (item.ValueKind != JsonValueKind.String)
                            {
                                throw new ConfigException(
                                    $"{fileName}: \"peers\"[{index}] must be a \"host:port\" string, got {Describe(item.ValueKind)}");
                            }

                            var peer = item.GetString()!;
                            if (!HostPort.TryParse(peer, out _, out var error))
                            {
                                throw new ConfigException($"{fileName}: \"peers\"[{index}]: {error}");
                            }

                            peers.Add(peer);
                            index++;
                        }

                        break;
                    case "lanDiscovery":
                        lanDiscovery = ReadBoolean(fileName, key, value);
                        break;
                    case "relay":
                        relay = ReadBoolean(fileName, key, value);
                        break;
                    case "portMapping":
                        portMapping = ReadBoolean(fileName, key, value);
                        break;
                    case "offloads":
                        offloads = ReadBoolean(fileName, key, value);
                        break;
                    case "lanInterfaces":
                        ReadInterfaceNames(fileName, key, value, lanInterfaces);
                        break;
                    default:
                        var suggestion = Suggest(key);
                        throw new ConfigException(suggestion is null
                            ? $"{fileName}: key \"{key}\" is not known (known keys: {string.Join(", ", KnownKeys)})"
                            : $"{fileName}: key \"{key}\" is not known (did you mean \"{suggestion}\"?)");
                }
            }

            return new WeftConfig
            {
                ListenPort = listenPort,
                Mtu = mtu,
                Interface = interfaceName,
                LogLevel = logLevel,
                Peers = peers,
                TlsPort = tlsPort,
                LanDiscovery = lanDiscovery,
                LanInterfaces = lanInterfaces,
                Relay = relay,
                PortMapping = portMapping,
                Offloads = offloads,
            };
        }
    }

    /// <summary>Linux interface names: 1..15 bytes, no '/', ':' or whitespace; at most one "%d".</summary>
    public static bool IsValidInterfaceName(string name, out string why)
    {
        if (name.Length is 0 or > MaxInterfaceNameLength)
        {
            why = $"must be 1 to {MaxInterfaceNameLength} characters long";
            return false;
        }

        foreach (var c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '%'))
            {
                why = "may contain only letters, digits, '-', '_', '.' and one \"%d\"";
                return false;
            }
        }

        var percent = name.IndexOf('%', StringComparison.Ordinal);
        if (percent >= 0 && (percent + 1 >= name.Length || name[percent + 1] != 'd' || name.IndexOf('%', percent + 1) >= 0))
        {
            why = "may contain '%' only as one \"%d\"";
            return false;
        }

        why = "";
        return true;
    }

    /// <summary>An array of interface names (no "%d": these name existing interfaces).</summary>
    private static void ReadInterfaceNames(string fileName, string key, JsonElement value, List<string> names)
    {
        if (value.ValueKind != JsonValueKind.Array)
        {
            throw new ConfigException($"{fileName}: \"{key}\" must be an array of interface names, got {Describe(value.ValueKind)}");
        }

        var index = 0;
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String)
            {
                throw new ConfigException($"{fileName}: \"{key}\"[{index}] must be an interface name, got {Describe(item.ValueKind)}");
            }

            var name = item.GetString()!;
            if (name.Contains('%', StringComparison.Ordinal))
            {
                throw new ConfigException($"{fileName}: \"{key}\"[{index}] must name an existing interface (no \"%d\"), got \"{name}\"");
            }

            if (!IsValidInterfaceName(name, out var why))
            {
                throw new ConfigException($"{fileName}: \"{key}\"[{index}] {why}, got \"{name}\"");
            }

            if (!names.Contains(name))
            {
                names.Add(name);
            }

            index++;
        }
    }

    private static int ReadInt(string fileName, string key, JsonElement value, int min, int max)
    {
        if (value.ValueKind != JsonValueKind.Number)
        {
            throw new ConfigException($"{fileName}: \"{key}\" must be a number between {min} and {max}, got {Describe(value.ValueKind)}");
        }

        if (!value.TryGetInt64(out var number))
        {
            throw new ConfigException($"{fileName}: \"{key}\" must be a whole number between {min} and {max}, got {value.GetRawText()}");
        }

        if (number < min || number > max)
        {
            throw new ConfigException($"{fileName}: \"{key}\" must be between {min} and {max}, got {number}");
        }

        return (int)number;
    }

    private static string ReadString(string fileName, string key, JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.String)
        {
            throw new ConfigException($"{fileName}: \"{key}\" must be a string, got {Describe(value.ValueKind)}");
        }

        return value.GetString()!;
    }

    private static bool ReadBoolean(string fileName, string key, JsonElement value) =>
        value.ValueKind is JsonValueKind.True or JsonValueKind.False
            ? value.GetBoolean()
            : throw new ConfigException($"{fileName}: \"{key}\" must be true or false, got {Describe(value.ValueKind)}");

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };

    /// <summary>The known key closest to <paramref name="key"/> (case or up to two edits away), if any.</summary>
    private static string? Suggest(string key)
    {
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var known in KnownKeys)
        {
            var distance = string.Equals(known, key, StringComparison.OrdinalIgnoreCase)
                ? 0
                : EditDistance(known.ToLowerInvariant(), key.ToLowerInvariant());
            if (distance < bestDistance)
            {
                bestDistance = distance;
                best = known;
            }
        }

        return bestDistance <= 2 ? best : null;
    }

    private static int EditDistance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
