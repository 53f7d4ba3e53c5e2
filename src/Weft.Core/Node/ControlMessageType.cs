namespace Weft.Core.Node;

/// <summary>
/// The first byte of a Weft control message: a decrypted WireGuard payload whose first nibble
/// is not 4 or 6 (those are IPv4/IPv6 packets). Values 0x40–0x4F and 0x60–0x6F can therefore
/// never be control types; 0x00 is never a type either (it is what padding looks like).
/// </summary>
/// <remarks>
/// Only <see cref="Certificate"/> is implemented in issue 2; the other numbers are reserved so
/// later issues agree on them. A receiver counts an unknown type as a malformed control message.
/// </remarks>
public enum ControlMessageType : byte
{
    /// <summary>This node's certificate and whether it has verified the peer's (see <see cref="CertificateMessage"/>).</summary>
    Certificate = 0x01,

    /// <summary>Path probe (see <see cref="Paths.PingMessage"/>).</summary>
    Ping = 0x02,

    /// <summary>Path probe answer, echoing the observed source endpoint (see <see cref="Paths.PongMessage"/>).</summary>
    Pong = 0x03,

    /// <summary>Call me maybe: a NAT traversal step with endpoint candidates (see <see cref="Nat.CallMeMaybeMessage"/>).</summary>
    CallMeMaybe = 0x04,

    /// <summary>Reserved: signed link-state advert, flooded to all members.</summary>
    LinkStateAdvert = 0x05,

    /// <summary>Reserved: relay envelope (type | ttl | destination node ID | inner WireGuard message).</summary>
    RelayEnvelope = 0x06,

    /// <summary>Reserved: CA-signed certificate revocation.</summary>
    Revocation = 0x07,

    /// <summary>Reserved: certificate renewal.</summary>
    Renewal = 0x08,
}
