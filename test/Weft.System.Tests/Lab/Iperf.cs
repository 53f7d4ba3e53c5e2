using System.Globalization;
using System.Text.Json.Nodes;
using Xunit;

namespace Weft.SystemTests.Lab;

/// <summary>
/// One iperf3 TCP measurement between two namespaces: a one-shot server (<c>iperf3 -s -1</c>) in
/// one, the client in the other, the result read from the client's JSON report.
/// </summary>
public static class Iperf
{
    /// <summary>
    /// Runs iperf3 for <paramref name="seconds"/> from <paramref name="clientNs"/> to
    /// <paramref name="serverAddress"/> in <paramref name="serverNs"/> (data flows server → client with
    /// <paramref name="reverse"/>); returns the received rate in bits per second and logs it.
    /// </summary>
    public static async Task<double> MeasureAsync(NetworkLab lab, string serverNs, string clientNs, string serverAddress, bool reverse, int seconds = 10)
    {
        ArgumentNullException.ThrowIfNull(lab);
        await using var server = lab.StartProcess(serverNs, "iperf3 server", ["iperf3", "-s", "-1", "-p", "5201"]);
        var listening = await Poll.UntilAsync(
            async () => (await lab.ExecAsync(new ExecRequest(serverNs, ["ss", "-Hltn", "sport = :5201"]) { Quiet = true }).ConfigureAwait(false)).Stdout.Contains("5201", StringComparison.Ordinal),
            TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        Assert.True(listening, $"the iperf3 server never listened:\n{server.Output}");

        string[] argv = ["iperf3", "-c", serverAddress, "-p", "5201", "-t", seconds.ToString(CultureInfo.InvariantCulture), "-J", .. (reverse ? new[] { "-R" } : [])];
        var result = await lab.ExecAsync(new ExecRequest(clientNs, argv) { Timeout = TimeSpan.FromSeconds(seconds + 30), Quiet = true }).ConfigureAwait(false);
        Assert.True(result.Succeeded, $"iperf3 failed: {result}");
        var report = JsonNode.Parse(result.Stdout);
        var bitsPerSecond = report?["end"]?["sum_received"]?["bits_per_second"]?.GetValue<double>() ?? 0;
        lab.Log(string.Create(CultureInfo.InvariantCulture, $"iperf3 {(reverse ? "-R " : "")}{clientNs} -> {serverAddress}: {bitsPerSecond / 1e9:F3} Gbit/s"));
        await server.WaitForExitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        return bitsPerSecond;
    }
}
