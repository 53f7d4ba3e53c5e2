using System.Net;

namespace Weft.Simulation;

/// <summary>
/// Receives a datagram from a <see cref="SimSocket"/>: the same shape as the real UDP transport's
/// handler, so a test wires a node's <c>OnDatagram</c> to it. The span is the simulation's private
/// copy, valid only during the call (the receiver may decrypt in place). The endpoint instance is
/// shared for equal endpoints and must not be mutated.
/// </summary>
public delegate void DatagramHandler(Span<byte> datagram, IPEndPoint source);
