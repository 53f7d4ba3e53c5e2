using System.Text;

namespace Weft.Core.Identity.Internal;

/// <summary>
/// The one text form of every identity object, for copy and paste: PEM-like armor around the
/// binary encoding in standard base64, 64 characters per line.
/// <code>
/// -----BEGIN WEFT CERTIFICATE-----
/// AQEx0u7W...
/// -----END WEFT CERTIFICATE-----
/// </code>
/// Labels: WEFT CERTIFICATE, WEFT CA CERTIFICATE, WEFT JOIN REQUEST, WEFT NODE PRIVATE KEYS,
/// WEFT CA PRIVATE KEY. A bundle is a node certificate block followed by a CA certificate block.
/// Text outside the blocks (notes, a shell prompt pasted by mistake) is ignored.
/// </summary>
internal static class Armor
{
    public const string Certificate = "WEFT CERTIFICATE";
    public const string CaCertificate = "WEFT CA CERTIFICATE";
    public const string JoinRequest = "WEFT JOIN REQUEST";
    public const string NodeKeys = "WEFT NODE PRIVATE KEYS";
    public const string CaPrivateKey = "WEFT CA PRIVATE KEY";

    /// <summary>Larger blocks are refused before decoding (the biggest real object is a few KB).</summary>
    public const int MaxBlockBytes = 16 * 1024;

    public static string Encode(string label, ReadOnlySpan<byte> bytes)
    {
        var base64 = Convert.ToBase64String(bytes);
        var text = new StringBuilder();
        text.Append("-----BEGIN ").Append(label).Append("-----\n");
        for (var i = 0; i < base64.Length; i += 64)
        {
            text.Append(base64, i, Math.Min(64, base64.Length - i)).Append('\n');
        }

        text.Append("-----END ").Append(label).Append("-----\n");
        return text.ToString();
    }

    /// <summary>Finds the first block with <paramref name="label"/> and decodes its base64.</summary>
    public static bool TryDecode(string? text, string label, out byte[] bytes, out string error)
    {
        bytes = [];
        if (!TryDecodeAll(text, out var blocks, out error))
        {
            return false;
        }

        foreach (var (found, content) in blocks)
        {
            if (found == label)
            {
                bytes = content;
                return true;
            }
        }

        error = blocks.Count == 0
            ? $"no '-----BEGIN {label}-----' block found"
            : $"expected a '{label}' block but found '{blocks[0].Label}'";
        return false;
    }

    /// <summary>Every armored block in the text, in order.</summary>
    public static bool TryDecodeAll(string? text, out List<(string Label, byte[] Bytes)> blocks, out string error)
    {
        blocks = [];
        error = "";
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "the text is empty";
            return false;
        }

        string? label = null;
        var body = new StringBuilder();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (label is null)
            {
                if (line.StartsWith("-----BEGIN ", StringComparison.Ordinal) && line.EndsWith("-----", StringComparison.Ordinal) && line.Length > 16)
                {
                    label = line[11..^5];
                    body.Clear();
                }

                continue;
            }

            if (line.StartsWith("-----END ", StringComparison.Ordinal))
            {
                if (line != "-----END " + label + "-----")
                {
                    error = $"the '{label}' block ends with a different label: '{line}'";
                    return false;
                }

                var base64 = body.ToString();
                if (base64.Length > MaxBlockBytes * 4 / 3 + 4)
                {
                    error = $"the '{label}' block is too large";
                    return false;
                }

                var bytes = new byte[base64.Length * 3 / 4 + 3];
                if (!Convert.TryFromBase64String(base64, bytes, out var written))
                {
                    error = $"the '{label}' block is not valid base64";
                    return false;
                }

                blocks.Add((label, bytes[..written]));
                label = null;
                continue;
            }

            if (body.Length + line.Length > MaxBlockBytes * 2)
            {
                error = $"the '{label}' block is too large";
                return false;
            }

            body.Append(line);
        }

        if (label is not null)
        {
            error = $"the '{label}' block has no '-----END {label}-----' line";
            return false;
        }

        if (blocks.Count == 0)
        {
            error = "no '-----BEGIN WEFT ...-----' block found";
            return false;
        }

        return true;
    }
}
