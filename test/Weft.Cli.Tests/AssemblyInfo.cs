using System.Runtime.Versioning;

// The weft executable under test is Linux only (TUN, netlink, Unix sockets).
[assembly: SupportedOSPlatform("linux")]
