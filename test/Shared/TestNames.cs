using System.Globalization;

namespace Weft.Tests;

/// <summary>
/// Tags that make the names of interfaces and namespaces a test creates unique on this machine: the process ID
/// and a per-process counter, both in base 36, so that two tests running at once (in one test process or in
/// several) never create, or delete in their cleanup, each other's interfaces. A tag is at most 7 characters,
/// which leaves 8 of Linux's 15 for a prefix and a suffix.
/// </summary>
public static class TestNames
{
    private static int counter;

    /// <summary>A tag no other call on this machine returns while this process runs.</summary>
    public static string Tag() =>
        Base36(Environment.ProcessId) + Base36(Interlocked.Increment(ref counter) % (36 * 36)).PadLeft(2, '0');

    private static string Base36(int value)
    {
        const string digits = "0123456789abcdefghijklmnopqrstuvwxyz";
        if (value == 0)
        {
            return "0";
        }

        var text = string.Empty;
        for (; value > 0; value /= 36)
        {
            text = digits[value % 36].ToString(CultureInfo.InvariantCulture) + text;
        }

        return text;
    }
}
