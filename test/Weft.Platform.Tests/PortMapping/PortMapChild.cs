using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Text;
using Weft.Platform.PortMapping;

namespace Weft.Platform.Tests.PortMapping;

/// <summary>
/// The parts of the miniupnpd test that must run inside another network namespace. The test starts
/// this same test executable under <c>ip netns exec NS</c> with WEFT_PORTMAP_CHILD=1; a module
/// initializer runs before the test platform's Main, does one job, and exits the process.
/// It blocks on the mapper's tasks instead of awaiting them: while a module initializer runs, any other
/// thread that enters this module's code waits for it, so a continuation here would deadlock.
/// <code>
/// map ROUTER PORT SECONDS PROTOCOLS   (client namespace) bind UDP PORT, map it, then obey stdin:
///                                     "expect PAYLOAD MS" → "got PAYLOAD" | "none";  "renew" → "renewed PROTOCOL ADDRESS PORT";
///                                     "remove" → "removed" | "remove-failed …"
/// send HOST PORT PAYLOAD COUNT MS     ("internet" namespace) send COUNT datagrams MS apart from one fresh socket
/// </code>
/// </summary>
internal static class PortMapChild
{
    public const string Variable = "WEFT_PORTMAP_CHILD";

    [ModuleInitializer]
    [SuppressMessage("Usage", "CA2255", Justification = "the test executable doubles as the helper it starts inside network namespaces")]
    internal static void RunIfChild()
    {
        if (Environment.GetEnvironmentVariable(Variable) != "1")
        {
            return;
        }

        var args = Environment.GetCommandLineArgs().SkipWhile(a => a != "--portmap-child").Skip(1).ToArray();
        int code;
        try
        {
            code = args[0] switch
            {
                "map" => Map(IPAddress.Parse(args[1]), Int(args[2]), Int(args[3]), args[4]),
                "send" => Send(IPAddress.Parse(args[1]), Int(args[2]), args[3], Int(args[4]), Int(args[5])),
                _ => 2,
            };
        }
        catch (Exception e)
        {
            Console.WriteLine("crashed " + e.ToString().ReplaceLineEndings(" | "));
            code = 3;
        }

        Console.Out.Flush();
        Environment.Exit(code);
    }

    private static int Map(IPAddress router, int port, int seconds, string protocols)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Any, port));
        var options = new PortMapperOptions
        {
            TryPcp = protocols.Contains("pcp", StringComparison.Ordinal),
            TryNatPmp = protocols.Contains("natpmp", StringComparison.Ordinal),
            TryUpnp = protocols.Contains("upnp", StringComparison.Ordinal),
        };
        using var mapper = new PortMapper(router, options);
        var result = mapper.MapAsync(port, TimeSpan.FromSeconds(seconds), CancellationToken.None).GetAwaiter().GetResult();
        if (result.Mapping is not { } mapping)
        {
            Say("failed " + result.Failure);
            return 1;
        }

        Say($"mapped {mapping.Protocol} {mapping.ExternalAddress} {mapping.ExternalPort} {(int)mapping.Lifetime.TotalSeconds} {mapping.InternalAddress}");
        var buffer = new byte[1500];
        while (Console.ReadLine() is { } line)
        {
            var words = line.Split(' ');
            switch (words[0])
            {
                case "expect":
                    Say(Expect(socket, buffer, words[1], Int(words[2])));
                    break;
                case "renew":
                    var renewed = mapper.RenewAsync(mapping, TimeSpan.FromSeconds(seconds), CancellationToken.None).GetAwaiter().GetResult();
                    if (renewed.Mapping is { } fresh)
                    {
                        mapping = fresh;
                        Say($"renewed {fresh.Protocol} {fresh.ExternalAddress} {fresh.ExternalPort}");
                    }
                    else
                    {
                        Say("renew-failed " + renewed.Failure);
                    }

                    break;
                case "remove":
                    var error = mapper.RemoveAsync(mapping, CancellationToken.None).GetAwaiter().GetResult();
                    Say(error is null ? "removed" : "remove-failed " + error);
                    break;
                default:
                    return 0;
            }
        }

        return 0;
    }

    private static string Expect(Socket socket, byte[] buffer, string payload, int milliseconds)
    {
        var deadline = Environment.TickCount64 + milliseconds;
        while (true)
        {
            var left = deadline - Environment.TickCount64;
            if (left <= 0 || !socket.Poll(TimeSpan.FromMilliseconds(left), SelectMode.SelectRead))
            {
                return "none";
            }

            var length = socket.Receive(buffer);
            if (Encoding.ASCII.GetString(buffer, 0, length) == payload)
            {
                return "got " + payload;
            }
        }
    }

    private static int Send(IPAddress host, int port, string payload, int count, int milliseconds)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        var bytes = Encoding.ASCII.GetBytes(payload);
        for (var i = 0; i < count; i++)
        {
            socket.SendTo(bytes, new IPEndPoint(host, port));
            Thread.Sleep(milliseconds);
        }

        Say($"sent {count} from {socket.LocalEndPoint}");
        return 0;
    }

    private static void Say(string line)
    {
        Console.WriteLine(line);
        Console.Out.Flush();
    }

    private static int Int(string text) => int.Parse(text, CultureInfo.InvariantCulture);
}
