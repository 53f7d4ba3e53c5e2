using System.Globalization;
using System.Text;

namespace Weft.Core.Identity.Internal;

/// <summary>Builds the aligned "key: value" lines of <c>weft cert show</c>.</summary>
internal sealed class Description
{
    private readonly StringBuilder text = new();

    public Description Line(string key, string value)
    {
        text.Append(key).Append(':').Append(' ', Math.Max(1, 14 - key.Length)).Append(value).Append('\n');
        return this;
    }

    public Description Lines(string key, IEnumerable<string> values)
    {
        var joined = string.Join(", ", values);
        return Line(key, joined.Length == 0 ? "(none)" : joined);
    }

    public Description Validity(DateTimeOffset notBefore, DateTimeOffset notAfter, DateTimeOffset now)
    {
        Line("not before", Time(notBefore));
        Line("not after", Time(notAfter));
        return Line("validity", Relative(notBefore, notAfter, now));
    }

    public Description Raw(string more)
    {
        text.Append(more);
        return this;
    }

    public override string ToString() => text.ToString();

    public static string Time(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);

    /// <summary>"valid, expires in 364 days", "EXPIRED 3 days ago", "NOT YET VALID (starts in 2 hours)".</summary>
    public static string Relative(DateTimeOffset notBefore, DateTimeOffset notAfter, DateTimeOffset now)
    {
        if (now < notBefore)
        {
            return "NOT YET VALID (starts in " + Span(notBefore - now) + ")";
        }

        if (now > notAfter)
        {
            return "EXPIRED " + Span(now - notAfter) + " ago";
        }

        return "valid, expires in " + Span(notAfter - now);
    }

    public static string Span(TimeSpan span)
    {
        static string Plural(long n, string unit) =>
            n.ToString(CultureInfo.InvariantCulture) + " " + unit + (n == 1 ? "" : "s");

        if (span.TotalDays >= 2)
        {
            return Plural((long)span.TotalDays, "day");
        }

        if (span.TotalHours >= 2)
        {
            return Plural((long)span.TotalHours, "hour");
        }

        if (span.TotalMinutes >= 2)
        {
            return Plural((long)span.TotalMinutes, "minute");
        }

        return Plural((long)span.TotalSeconds, "second");
    }

    /// <summary>A key or signature as printed: standard base64, as WireGuard prints keys.</summary>
    public static string Key(ReadOnlySpan<byte> key) => Convert.ToBase64String(key);

    /// <summary>"SHA256:" and the unpadded base64 of the hash of the encoding (like ssh-keygen -l).</summary>
    public static string Fingerprint(ReadOnlySpan<byte> encoding) =>
        "SHA256:" + Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(encoding)).TrimEnd('=');
}
