namespace Weft.Platform.PortMapping;

/// <summary>
/// The outcome of a mapping attempt: a <see cref="Mapping"/>, or the reason there is none
/// (e.g. "no NAT-PMP/PCP answer from 192.168.1.1 within 1.75 s"). Expected failures are values, not exceptions.
/// </summary>
public readonly record struct PortMapResult(PortMapping? Mapping, string? Failure)
{
    public bool Succeeded => Mapping is not null;

    public static PortMapResult Ok(PortMapping mapping) => new(mapping, null);

    public static PortMapResult Fail(string reason) => new(null, reason);

    public override string ToString() => Mapping?.ToString() ?? "failed: " + Failure;
}
