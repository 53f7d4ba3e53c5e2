using System.Diagnostics;

namespace Weft.Demo;

/// <summary>
/// One Weft member of the demo world: its name (also its certificate name), the namespace it runs
/// in, its underlay address, its state directory, and once it is
/// up, the <c>weft up</c> process.
/// </summary>
internal sealed class DemoNode
{
    public DemoNode(string name, string ns, string underlay, bool relay)
    {
        Name = name;
        Namespace = ns;
        Underlay = underlay;
        Relay = relay;
    }

    public string Name { get; }

    public string Namespace { get; }

    /// <summary>Its address on its own network (10.213.0.x on the "internet", 192.168.213/214.x behind a router).</summary>
    public string Underlay { get; }

    /// <summary>Certificate role <c>relay</c>: also takes TLS on TCP 443.</summary>
    public bool Relay { get; }

    public string State { get; set; } = "";

    public string Log => Path.Combine(State, "weft.log");

    public string Socket => Path.Combine(State, "weft.sock");

    public Process? Daemon { get; set; }
}
