using Weft.SystemTests.Lab;
using Xunit;

namespace Weft.SystemTests.Nat;

/// <summary>
/// The NAT matrix lab shared by <see cref="NatMatrixTests"/>, <see cref="NetcheckTests"/> and
/// <see cref="NatBadInputTests"/> (16 daemons take a while to start on two cores): two sites of every
/// <see cref="NatKind"/> (members "fullcone1", "fullcone2", "restricted1", ...), the relay and the
/// witness. Built by the first test that asks (after its Requires checks, so it is never built where
/// the tests skip); removed — processes by PID, namespaces, directories — when the collection ends.
/// </summary>
public sealed class NatMatrixFixture : IAsyncDisposable
{
    private readonly SemaphoreSlim gate = new(1, 1);
    private NetworkLab? lab;
    private NatWorld? world;
    private Exception? failure;

    /// <summary>The member on site <paramref name="which"/> (1 or 2) of <paramref name="kind"/>'s two sites.</summary>
    public static string MemberName(NatKind kind, int which) => NatTruth.Name(kind) + which.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The lab, built on first use; its log goes to the running test's output from now on.</summary>
    public async Task<NatWorld> GetAsync()
    {
        await gate.WaitAsync(TestContext.Current.CancellationToken).ConfigureAwait(false);
        try
        {
            if (failure is not null)
            {
                Assert.Fail($"the shared NAT lab could not be built: {failure}");
            }

            if (world is not null)
            {
                world.Lab.UseOutput(TestContext.Current.TestOutputHelper);
                world.Lab.Log($"(the shared NAT matrix lab, now logging for {TestContext.Current.Test?.TestDisplayName})");
                return world;
            }

            lab = new NetworkLab();
            var clock = System.Diagnostics.Stopwatch.StartNew();
            lab.Log("Building the shared NAT matrix lab: two sites of every router kind, a relay and a witness.");
            var sites = KindsToBuild()
                .SelectMany(k => new[] { new NatSiteSpec(k, [MemberName(k, 1)]), new NatSiteSpec(k, [MemberName(k, 2)]) })
                .ToList();
            try
            {
                world = await NatWorld.CreateAsync(lab, sites).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                failure = e;
                throw;
            }

            lab.Log($"the shared NAT matrix lab is up after {clock.Elapsed.TotalSeconds:F1} s");
            return world;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Every kind; only those named in <c>$WEFT_NAT_PAIRS</c> when it is set (a debugging aid: the other tests then miss members).</summary>
    private static IEnumerable<NatKind> KindsToBuild()
    {
        var only = Environment.GetEnvironmentVariable("WEFT_NAT_PAIRS");
        return string.IsNullOrWhiteSpace(only)
            ? Enum.GetValues<NatKind>()
            : Enum.GetValues<NatKind>().Where(k => only.Split(',', ':').Select(n => n.Trim()).Contains(NatTruth.Name(k), StringComparer.Ordinal));
    }

    public async ValueTask DisposeAsync()
    {
        if (lab is not null)
        {
            lab.UseOutput(null);
            await lab.DisposeAsync().ConfigureAwait(false);
        }

        gate.Dispose();
    }
}
