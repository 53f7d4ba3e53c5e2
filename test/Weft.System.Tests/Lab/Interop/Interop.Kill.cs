using System.Runtime.InteropServices;

namespace Weft.SystemTests.Lab;

/// <summary>Native calls the lab needs; one file per function.</summary>
internal static partial class Interop
{
    public const int SIGINT = 2;
    public const int SIGKILL = 9;
    public const int SIGTERM = 15;

    /// <summary>kill(2): sends a signal to one process, by PID.</summary>
    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    internal static partial int Kill(int pid, int signal);
}
