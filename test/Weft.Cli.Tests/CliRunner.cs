using Weft.Cli;

namespace Weft.Cli.Tests;

/// <summary>Runs the weft command tree in process with captured output, like a user at a shell.</summary>
internal sealed class CliRunner
{
    public CliRunner(TimeProvider? time = null, string hostName = "testhost")
    {
        Time = time ?? TimeProvider.System;
        HostName = hostName;
    }

    public TimeProvider Time { get; }

    public string HostName { get; }

    public CliResult RunWithInput(string stdin, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var context = new CliContext(output, error, new StringReader(stdin), Time, HostName);
        var code = WeftCli.Run(args, context);
        return new CliResult(code, output.ToString(), error.ToString());
    }

    public CliResult Run(params string[] args) => RunWithInput("", args);
}

internal sealed record CliResult(int ExitCode, string Out, string Error)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Out}--- stderr\n{Error}";
}
