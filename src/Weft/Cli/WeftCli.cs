using System.CommandLine;
using Weft.Config;

namespace Weft.Cli;

/// <summary>
/// The <c>weft</c> command tree and its exit-code rules:
/// 0 success; 1 a user-facing failure, printed as one line <c>weft: ...</c> on stderr;
/// 2 bad arguments (System.CommandLine's error and the usage). Expected problems never show a
/// stack trace; anything else is a bug and does.
/// </summary>
internal static class WeftCli
{
    public const int ExitOk = 0;
    public const int ExitFailure = 1;
    public const int ExitUsage = 2;

    public static RootCommand Build(CliContext context)
    {
        var global = new GlobalOptions();
        var root = new RootCommand("Weft: a zero-trust mesh VPN. Run 'weft init' on the first machine, 'weft join' on the others, then 'weft up'.");
        root.Options.Add(global.State);
        root.Options.Add(global.Socket);
        root.Subcommands.Add(InitCommand.Create(context, global));
        root.Subcommands.Add(SignCommand.Create(context, global));
        root.Subcommands.Add(JoinCommand.Create(context, global));
        root.Subcommands.Add(UpCommand.Create(context, global));
        root.Subcommands.Add(StatusCommand.Create(context, global));
        root.Subcommands.Add(PingCommand.Create(context, global));
        root.Subcommands.Add(MapCommand.Create(context, global));
        root.Subcommands.Add(NetcheckCommand.Create(context, global));
        root.Subcommands.Add(DemoCommand.Create(context));
        root.Subcommands.Add(CertCommand.Create(context, global));
        root.Subcommands.Add(WireGuardCommand.Create(context, global));
        return root;
    }

    /// <summary>Parses and runs one command line; returns the process exit code.</summary>
    public static int Run(string[] args, CliContext context)
    {
        var root = Build(context);
        var parse = root.Parse(args);
        var invocation = new InvocationConfiguration
        {
            Output = context.Out,
            Error = context.Error,
            EnableDefaultExceptionHandler = false,
            ProcessTerminationTimeout = null, // `weft up` handles SIGINT/SIGTERM itself.
        };

        if (parse.Errors.Count > 0)
        {
            // The errors and the usage, both on stderr: stdout may be a file (weft sign > bundle).
            parse.Invoke(new InvocationConfiguration { Output = context.Error, Error = context.Error });
            return ExitUsage;
        }

        try
        {
            return parse.Invoke(invocation);
        }
        catch (Exception e) when (e is UserErrorException or ConfigException)
        {
            context.Error.WriteLine($"weft: {e.Message}");
            return ExitFailure;
        }
        catch (UnauthorizedAccessException e)
        {
            // Typically a non-root user and the default state directory /var/lib/weft.
            context.Error.WriteLine($"weft: permission denied: {e.Message} (run as root, or choose a --state directory you own)");
            return ExitFailure;
        }
        catch (IOException e)
        {
            // The file system said no (disk full, read-only, a file where a directory should be).
            context.Error.WriteLine($"weft: {e.Message}");
            return ExitFailure;
        }
    }
}
