using Xunit;

namespace Weft.Tests;

/// <summary>
/// Preconditions for tests that need root or installed programs. Outside CI a test whose
/// precondition is missing is skipped with a message saying what is missing; in CI
/// (the CI environment variable is "true") it fails instead, because no test may skip there.
/// </summary>
public static class Requires
{
    public static bool InCi =>
        string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    public static bool IsRoot => Environment.UserName == "root" || GetEuid() == 0;

    /// <summary>Skips (or fails in CI) unless the test runs as root.</summary>
    public static void Root()
    {
        if (!IsRoot)
        {
            Missing("this test needs root (network namespaces, TUN devices)");
        }
    }

    /// <summary>Skips (or fails in CI) unless every named program is on PATH.</summary>
    public static void Programs(params string[] names)
    {
        foreach (var name in names)
        {
            if (FindOnPath(name) is null)
            {
                Missing($"this test needs the program '{name}' (install the Debian package that provides it; scripts/test.sh does)");
            }
        }
    }

    public static string? FindOnPath(string name)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
        foreach (var dir in path.Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = global::System.IO.Path.Combine(dir, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        foreach (var dir in new[] { "/usr/sbin", "/sbin", "/usr/bin", "/bin" })
        {
            var candidate = global::System.IO.Path.Combine(dir, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    private static void Missing(string what)
    {
        if (InCi)
        {
            Assert.Fail($"CI must not skip: {what}");
        }

        Assert.Skip(what);
    }

    private static uint GetEuid()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/status"))
            {
                if (line.StartsWith("Uid:", StringComparison.Ordinal))
                {
                    var parts = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
                    return uint.Parse(parts[2], global::System.Globalization.CultureInfo.InvariantCulture);
                }
            }
        }
        catch (IOException)
        {
        }

        return uint.MaxValue;
    }
}
