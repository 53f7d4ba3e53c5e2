namespace Weft.SystemTests.Lab;

/// <summary>
/// Finds the weft program the tests drive: the file named by the WEFT_BIN environment variable
/// when set (a published or AOT build), else weft.dll next to the test assembly (the test
/// project references src/Weft, so the build copies it there), run through the dotnet host.
/// </summary>
public static class WeftBinary
{
    /// <summary>The argv prefix that runs weft, e.g. ["dotnet", "/.../weft.dll"].</summary>
    public static IReadOnlyList<string> Command
    {
        get
        {
            var configured = Environment.GetEnvironmentVariable("WEFT_BIN");
            if (!string.IsNullOrEmpty(configured))
            {
                return [Path.GetFullPath(configured)];
            }

            var dll = Path.Combine(AppContext.BaseDirectory, "weft.dll");
            if (!File.Exists(dll))
            {
                throw new FileNotFoundException($"weft.dll is not next to the test assembly ({AppContext.BaseDirectory}) and WEFT_BIN is not set", dll);
            }

            return [DotnetHost, dll];
        }
    }

    /// <summary>The dotnet host running the tests (so weft uses the same runtime), else "dotnet" from PATH.</summary>
    private static string DotnetHost
    {
        get
        {
            var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
            if (!string.IsNullOrEmpty(host) && File.Exists(host))
            {
                return host;
            }

            var current = Environment.ProcessPath;
            if (current is not null && Path.GetFileNameWithoutExtension(current) == "dotnet")
            {
                return current;
            }

            return Weft.Tests.Requires.FindOnPath("dotnet") ?? "dotnet";
        }
    }
}
