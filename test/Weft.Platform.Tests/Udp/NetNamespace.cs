using System.Runtime.InteropServices;

namespace Weft.Platform.Tests.Udp;

/// <summary>
/// Creates objects inside a named network namespace (/var/run/netns/NAME): a short-lived thread enters it with
/// setns(2), runs the factory and ends, so a socket the factory opens lives in that namespace for good.
/// </summary>
internal static partial class NetNamespace
{
    private const int CLONE_NEWNET = 0x40000000;

    /// <summary>Runs <paramref name="create"/> on a thread inside namespace <paramref name="name"/> and returns its result.</summary>
    public static T Create<T>(string name, Func<T> create)
    {
        T? result = default;
        Exception? error = null;
        var thread = new Thread(() =>
        {
            try
            {
                using var handle = File.OpenHandle($"/var/run/netns/{name}");
                if (SetNs(handle.DangerousGetHandle(), CLONE_NEWNET) != 0)
                {
                    throw new IOException($"setns into {name} failed, errno {Marshal.GetLastPInvokeError()}");
                }

                result = create();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                error = e;
            }
        });
        thread.Start();
        thread.Join();
        return error is null ? result! : throw new IOException($"cannot create in namespace {name}", error);
    }

    /// <summary>setns(2): moves the calling thread into the namespace behind <paramref name="fd"/>.</summary>
    [LibraryImport("libc", EntryPoint = "setns", SetLastError = true)]
    private static partial int SetNs(nint fd, int type);
}
