namespace Weft.Core.Identity.Internal;

/// <summary>
/// The character rules for the short texts inside certificates. Every text is ASCII so that the
/// encoding is canonical (one way to write each value) and safe to show in a terminal.
/// </summary>
internal sealed class TextRule
{
    /// <summary>A node name: one DNS label, lowercase letters, digits and '-', not starting or ending with '-'.</summary>
    public static readonly TextRule NodeName = new("a DNS label (a-z, 0-9, '-', 1 to 63 characters, no '-' at either end)", 63, dnsLabels: true, allowDots: false);

    /// <summary>A group, role or mesh name: lowercase letters, digits, '-', '_' and '.'.</summary>
    public static readonly TextRule Token = new("lowercase letters, digits, '-', '_' or '.', 1 to 63 characters", 63, dnsLabels: false, allowDots: true);

    /// <summary>A DNS domain: dot-separated labels as for node names, up to 253 characters.</summary>
    public static readonly TextRule Domain = new("a DNS domain (labels of a-z, 0-9, '-', separated by '.', at most 253 characters)", 253, dnsLabels: true, allowDots: true);

    private readonly bool dnsLabels;
    private readonly bool allowDots;

    private TextRule(string description, int maxLength, bool dnsLabels, bool allowDots)
    {
        Description = description;
        MaxLength = maxLength;
        this.dnsLabels = dnsLabels;
        this.allowDots = allowDots;
    }

    public string Description { get; }

    public int MaxLength { get; }

    public bool IsValid(string text, out string why)
    {
        Span<byte> bytes = stackalloc byte[Math.Min(text.Length, 256)];
        for (var i = 0; i < bytes.Length; i++)
        {
            if (text[i] > 127)
            {
                why = "must be " + Description;
                return false;
            }

            bytes[i] = (byte)text[i];
        }

        if (text.Length > 255)
        {
            why = $"is too long ({text.Length} characters, at most {MaxLength})";
            return false;
        }

        return IsValid(bytes, out why);
    }

    public bool IsValid(ReadOnlySpan<byte> text, out string why)
    {
        why = "";
        if (text.Length == 0)
        {
            why = "is empty";
            return false;
        }

        if (text.Length > MaxLength)
        {
            why = $"is too long ({text.Length} characters, at most {MaxLength})";
            return false;
        }

        var labelStart = 0;
        for (var i = 0; i <= text.Length; i++)
        {
            var end = i == text.Length;
            var c = end ? (byte)'.' : text[i];
            if (c == '.' && (dnsLabels || end))
            {
                if (!end && !allowDots)
                {
                    why = "must be " + Description;
                    return false;
                }

                if (dnsLabels)
                {
                    var label = text[labelStart..i];
                    if (label.Length == 0 || label.Length > 63 || label[0] == '-' || label[^1] == '-')
                    {
                        why = "must be " + Description;
                        return false;
                    }
                }

                labelStart = i + 1;
                continue;
            }

            var ok = c is >= (byte)'a' and <= (byte)'z' or >= (byte)'0' and <= (byte)'9' or (byte)'-'
                || (!dnsLabels && (c == '_' || (c == '.' && allowDots)));
            if (!ok)
            {
                why = "must be " + Description;
                return false;
            }
        }

        return true;
    }

    /// <summary>Throws an <see cref="ArgumentException"/> naming the parameter when the text breaks the rule.</summary>
    public void Require(string text, string parameter, string what)
    {
        ArgumentNullException.ThrowIfNull(text, parameter);
        if (!IsValid(text, out var why))
        {
            throw new ArgumentException($"The {what} '{text}' {why}.", parameter);
        }
    }
}
