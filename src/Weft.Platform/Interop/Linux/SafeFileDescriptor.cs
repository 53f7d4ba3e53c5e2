using System.Runtime.InteropServices;

namespace Weft.Platform.Linux;

/// <summary>
/// A Linux file descriptor owned by managed code. Closing is deferred by the SafeHandle
/// reference count until no system call that borrowed it (read, write, poll) is still running,
/// so <see cref="SafeHandle.Dispose()"/> from one thread never closes an fd under another.
/// </summary>
internal sealed class SafeFileDescriptor : SafeHandle
{
    public SafeFileDescriptor()
        : base(invalidHandleValue: -1, ownsHandle: true)
    {
    }

    public override bool IsInvalid => handle == -1;

    /// <summary>The raw descriptor number; only valid while a reference is held.</summary>
    public int Fd => (int)handle;

    protected override bool ReleaseHandle() => Interop.Close((int)handle) == 0;
}
