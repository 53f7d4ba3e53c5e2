namespace Weft.Platform.Lan;

/// <summary>One network interface that LAN beacons go out of and come in on: its name and kernel index.</summary>
public sealed record LanInterface(string Name, int Index)
{
    public override string ToString() => $"{Name} (#{Index})";
}
