using System.Text;
using Weft.Cli;
using Weft.Core.Identity;

namespace Weft.State;

/// <summary>
/// Reads and writes this node's identity files in a state directory (keys, certificate, CA
/// certificate), turning every missing or damaged file into a <see cref="UserErrorException"/>
/// that says what to run.
/// </summary>
internal static class NodeFiles
{
    /// <summary>Certificates are public: world readable.</summary>
    private const UnixFileMode PublicFile =
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    public static bool HasKeys(StateLayout state) => File.Exists(state.NodeKeys);

    public static NodeKeys LoadKeys(StateLayout state)
    {
        if (!File.Exists(state.NodeKeys))
        {
            throw NotInitialised(state);
        }

        try
        {
            return NodeKeys.Load(state.NodeKeys);
        }
        catch (KeyFileException e)
        {
            throw new UserErrorException(e.Message, e);
        }
    }

    public static Certificate LoadCertificate(StateLayout state)
    {
        if (!File.Exists(state.NodeCertificate))
        {
            throw File.Exists(state.NodeKeys)
                ? new UserErrorException(
                    $"this node has keys but no certificate yet (no {state.NodeCertificate}): install the bundle from the CA with 'weft join --cert FILE'")
                : NotInitialised(state);
        }

        if (!Certificate.TryParseText(ReadText(state.NodeCertificate), out var certificate, out var error))
        {
            throw new UserErrorException($"{state.NodeCertificate} is damaged: {error}");
        }

        return certificate!;
    }

    public static CaCertificate LoadCa(StateLayout state)
    {
        if (!File.Exists(state.CaCertificate))
        {
            throw NotInitialised(state);
        }

        if (!CaCertificate.TryParseText(ReadText(state.CaCertificate), out var ca, out var error))
        {
            throw new UserErrorException($"{state.CaCertificate} is damaged: {error}");
        }

        return ca!;
    }

    public static void SaveCertificate(StateLayout state, Certificate certificate) =>
        AtomicFile.Write(state.NodeCertificate, Encoding.UTF8.GetBytes(certificate.ToText()), PublicFile);

    public static void SaveCa(StateLayout state, CaCertificate ca) =>
        AtomicFile.Write(state.CaCertificate, Encoding.UTF8.GetBytes(ca.ToText()), PublicFile);

    public static UserErrorException NotInitialised(StateLayout state) =>
        new($"this node is not initialised (nothing in {state.Directory}): run 'weft init' or 'weft join' first");

    private static string ReadText(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserErrorException($"cannot read {path}: {e.Message}", e);
        }
    }
}
