using System.Runtime.InteropServices;

namespace Weft.Core.Identity.Internal;

/// <summary>
/// fsync(2) on a directory, so that a rename into it is on disk. .NET has no managed way to open
/// a directory, hence three libc calls. Best effort: a file system that cannot sync a directory
/// still has the renamed file.
/// </summary>
internal static partial class DirectorySync
{
    private const int O_RDONLY = 0;

    public static void Fsync(string directory)
    {
        var fd = Open(directory, O_RDONLY);
        if (fd < 0)
        {
            return;
        }

        _ = FsyncFd(fd);
        _ = Close(fd);
    }

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int FsyncFd(int fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);
}
