using Weft.Core.Identity;
using Weft.Tests;
using Xunit;

namespace Weft.Cli.Tests;

/// <summary><c>weft sign --ttl</c> / <c>--not-after</c>: how long a certificate lives.</summary>
public class SignValidityTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(null, 365 * 86400)]
    [InlineData("30", 30 * 86400)]
    [InlineData("30d", 30 * 86400)]
    [InlineData("12h", 12 * 3600)]
    [InlineData("10m", 600)]
    [InlineData("8s", 8)]
    public void Ttl_sets_not_after(string? ttl, int seconds)
    {
        var cli = new CliRunner(new ManualTimeProvider(Now));
        var bundle = SignOne(cli, ttl is null ? [] : ["--ttl", ttl]);
        Assert.Equal(Now.AddSeconds(seconds), bundle.Node.NotAfter);
    }

    [Fact]
    public void Not_after_sets_the_end_of_validity()
    {
        var cli = new CliRunner(new ManualTimeProvider(Now));
        var bundle = SignOne(cli, ["--not-after", "2026-11-25T12:00:08Z"]);
        Assert.Equal(Now.AddSeconds(8), bundle.Node.NotAfter);
    }

    [Theory]
    [InlineData("--ttl", "0")]
    [InlineData("--ttl", "5y")]
    [InlineData("--ttl", "-3")]
    [InlineData("--not-after", "tomorrow")]
    public void Bad_validity_is_a_usage_error(string option, string value)
    {
        var result = new CliRunner().Run("sign", option, value, "-");
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains(option, result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Ttl_and_not_after_together_are_refused()
    {
        var result = new CliRunner().Run("sign", "--ttl", "3", "--not-after", "2030-01-01T00:00:00Z", "-");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Give --ttl or --not-after, not both.", result.Error, StringComparison.Ordinal);
    }

    private static CertificateBundle SignOne(CliRunner cli, string[] options)
    {
        using var ca = new TempDirectory();
        using var node = new TempDirectory();
        Assert.Equal(0, cli.Run("init", "--mesh", "m", "--name", "ca", "--state", ca.Path).ExitCode);
        var request = cli.Run("join", "--request", "--name", "n", "--state", node.Path).Out;
        var sign = cli.RunWithInput(request, ["sign", .. options, "-", "--state", ca.Path]);
        Assert.True(sign.ExitCode == 0, sign.ToString());
        Assert.True(CertificateBundle.TryParse(sign.Out, out var bundle, out var error), error);
        return bundle!;
    }
}
