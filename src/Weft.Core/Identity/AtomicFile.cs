using System.Runtime.InteropServices;
using Weft.Core.Identity.Internal;

namespace Weft.Core.Identity;

/// <summary>
/// Replaces a file so that a crash leaves either the old contents or the new, never a torn mix:
/// write a temporary file in the same directory (created with the final mode, so a secret is
/// never readable by others even for a moment), fsync it, rename it over the target, fsync the
/// directory. Used for private keys, the CA key and the issued-certificate registry.
/// </summary>
public static class AtomicFile
{
    /// <summary>Owner read/write only: the mode of every file holding a private key.</summary>
    public const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public static void Write(string path, ReadOnlySpan<byte> contents, UnixFileMode mode)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var full = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(full) ?? throw new ArgumentException($"'{path}' has no directory.", nameof(path));
        var temp = Path.Combine(directory, $".{Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = mode;
        }

        try
        {
            using (var stream = new FileStream(temp, options))
            {
                if (!OperatingSystem.IsWindows())
                {
                    // The umask may have removed bits from the create mode; set exactly what was asked.
                    File.SetUnixFileMode(stream.SafeFileHandle, mode);
                }

                stream.Write(contents);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }

        if (!OperatingSystem.IsWindows())
        {
            DirectorySync.Fsync(directory);
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
