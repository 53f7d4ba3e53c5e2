namespace Weft.Core.Identity.Internal;

/// <summary>
/// Reading and writing the armored private key files, with the checks that make a bad file a
/// clear <see cref="KeyFileException"/> naming it: missing, too permissive (any group or other
/// bit), unreadable, not the expected block.
/// </summary>
internal static class SecretFile
{
    private const UnixFileMode TooOpen =
        UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    public static void Write(string path, string text) =>
        AtomicFile.Write(path, System.Text.Encoding.UTF8.GetBytes(text), AtomicFile.Private);

    /// <summary>The whole text of a private key file, after the existence and permission checks.</summary>
    public static string ReadText(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new KeyFileException(path, "the key file does not exist");
        }

        try
        {
            if (!OperatingSystem.IsWindows())
            {
                var mode = File.GetUnixFileMode(path);
                if ((mode & TooOpen) != 0)
                {
                    throw new KeyFileException(path,
                        $"the key file is readable or writable by other users (mode {Convert.ToString((int)mode, 8)}); run 'chmod 600 {path}' if it was not exposed, or make new keys");
                }
            }

            var info = new FileInfo(path);
            if (info.Length > Armor.MaxBlockBytes * 4)
            {
                throw new KeyFileException(path, $"the key file is too large ({info.Length} bytes) to be a Weft key file");
            }

            return File.ReadAllText(path);
        }
        catch (IOException e) when (e is not KeyFileException)
        {
            throw new KeyFileException(path, "the key file cannot be read: " + e.Message, e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new KeyFileException(path, "the key file cannot be read: " + e.Message, e);
        }
    }

    /// <summary>The decoded bytes of the first block labelled <paramref name="label"/>.</summary>
    public static byte[] ReadBlock(string path, string text, string label)
    {
        if (!Armor.TryDecode(text, label, out var bytes, out var error))
        {
            throw new KeyFileException(path, $"the key file is corrupt or not a Weft key file ({error})");
        }

        return bytes;
    }
}
