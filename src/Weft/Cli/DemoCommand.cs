using System.CommandLine;
using System.Globalization;
using System.Runtime.InteropServices;
using Weft.Demo;

namespace Weft.Cli;

/// <summary>
/// <c>weft demo [--keep] [--timeout S]</c>: builds a small world in network namespaces (a home LAN,
/// a laptop behind NAT, a public relay, a host whose UDP is blocked), brings Weft up on each node
/// and shows status and a ping between every pair with its path (see <see cref="DemoRunner"/>);
/// removes everything at the end, after a failure, or on Ctrl-C / SIGTERM. Needs root.
/// </summary>
internal static class DemoCommand
{
    private static readonly string[] Programs = ["ip", "nft", "sh"];

    public static Command Create(CliContext context)
    {
        var keep = new Option<bool>("--keep") { Description = "After the report, leave the world running for exploration until Ctrl-C" };
        var timeout = new Option<double>("--timeout")
        {
            Description = "Seconds to wait for every node to connect",
            HelpName = "S",
            DefaultValueFactory = _ => 60,
            CustomParser = result =>
            {
                var text = result.Tokens[0].Value;
                if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value is > 0 and <= 3600)
                {
                    return value;
                }

                result.AddError($"--timeout must be a number of seconds from 1 to 3600; got \"{text}\".");
                return 0;
            },
        };
        var command = new Command("demo", "Build a small mesh in network namespaces (home LAN, NAT, relay, UDP-blocked host), show status and pings, clean up (needs root)")
        {
            keep, timeout,
        };
        command.SetAction(async (parse, _) =>
        {
            CheckPreconditions();
            using var interrupted = new CancellationTokenSource();
            void Interrupt(PosixSignalContext signal)
            {
                signal.Cancel = true; // we stop ourselves, after cleaning up
                if (!interrupted.IsCancellationRequested)
                {
                    context.Error.WriteLine($"weft demo: {signal.Signal}, cleaning up...");
                    interrupted.Cancel();
                }
            }

            using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Interrupt);
            using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Interrupt);
            using var sighup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, Interrupt);

            var runner = new DemoRunner(new DemoShell(WeftSelf.Command), context.Out, new DemoOptions(parse.GetValue(keep), TimeSpan.FromSeconds(parse.GetValue(timeout))));
            try
            {
                return await runner.RunAsync(interrupted.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (interrupted.IsCancellationRequested)
            {
                context.Error.WriteLine("weft demo: interrupted; everything it created is removed");
                return 130;
            }
        });
        return command;
    }

    private static void CheckPreconditions()
    {
        if (Interop.GetEuid() != 0)
        {
            throw new UserErrorException("weft demo needs root (it creates network namespaces and TUN devices): sudo dotnet run --project src/Weft -c Release -- demo");
        }

        var path = (Environment.GetEnvironmentVariable("PATH") ?? "/usr/sbin:/usr/bin:/sbin:/bin").Split(':', StringSplitOptions.RemoveEmptyEntries);
        var missing = Programs.Where(p => !path.Any(dir => File.Exists(Path.Combine(dir, p)))).ToList();
        if (missing.Count > 0)
        {
            throw new UserErrorException($"weft demo needs {string.Join(", ", missing)} (Debian/Ubuntu: apt-get install iproute2 nftables)");
        }
    }
}
