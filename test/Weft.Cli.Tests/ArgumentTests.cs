using Xunit;

namespace Weft.Cli.Tests;

/// <summary>Bad command lines: System.CommandLine's message and the usage, exit code 2.</summary>
public class ArgumentTests
{
    [Theory]
    [InlineData("frobnicate")]
    [InlineData("status", "--bogus")]
    [InlineData("status", "extra-argument")]
    public void Bad_arguments_exit_2_with_a_message_and_usage(params string[] args)
    {
        var result = new CliRunner().Run(args);
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("Unrecognized", result.Error, StringComparison.Ordinal);
        Assert.Contains("Usage:", result.Error, StringComparison.Ordinal);
        Assert.Equal("", result.Out);
    }

    [Fact]
    public void No_command_exits_2()
    {
        var result = new CliRunner().Run();
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Required command was not provided", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Help_exits_0()
    {
        var result = new CliRunner().Run("--help");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("status", result.Out, StringComparison.Ordinal);
        Assert.Contains("--state", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public void File_system_errors_are_one_line_not_a_stack_trace()
    {
        using var dir = new TempDirectory();
        var file = dir.Combine("a-file");
        File.WriteAllText(file, "");
        var result = new CliRunner().Run("init", "--mesh", "m", "--state", Path.Combine(file, "state"));
        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("weft: ", result.Error, StringComparison.Ordinal);
        Assert.Single(result.Error.TrimEnd('\n').Split('\n'));
        Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal);
    }
}
