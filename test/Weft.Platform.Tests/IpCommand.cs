using System.Diagnostics;
using System.Text.Json;

namespace Weft.Platform.Tests;

/// <summary>Runs iproute2's <c>ip</c> to observe (never to configure) what the code under test did.</summary>
internal static class IpCommand
{
    public static (int ExitCode, string Output) Run(params string[] arguments)
    {
        var start = new ProcessStartInfo(Weft.Tests.Requires.FindOnPath("ip") ?? "ip")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(10_000))
        {
            process.Kill();
            throw new TimeoutException($"ip {string.Join(' ', arguments)} did not finish");
        }

        return (process.ExitCode, stdout.Result + stderr.Result);
    }

    /// <summary>Runs <c>ip -j ARGS</c> and parses the JSON it prints.</summary>
    public static JsonElement Json(params string[] arguments)
    {
        var (exit, output) = Run(["-j", .. arguments]);
        if (exit != 0)
        {
            throw new InvalidOperationException($"ip -j {string.Join(' ', arguments)} failed ({exit}): {output}");
        }

        using var document = JsonDocument.Parse(output);
        return document.RootElement.Clone();
    }
}
