using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Text.Json;
using Weft.LocalApi;

namespace Weft.Cli;

/// <summary>
/// <c>weft ping NAME|IP [--count N] [--timeout S] [--interval S] [--json]</c>: mesh-level pings
/// through the running daemon (<c>POST /v1/ping</c>, one request per ping), inside the end-to-end
/// session with the target; prints per reply who answered, the path it took and the RTT, then a
/// summary (see <see cref="PingFormatter"/>). Exit 0 when at least one reply came back, 1 when none
/// did or the target is unknown (the error lists close names).
/// </summary>
internal static class PingCommand
{
    public static Command Create(CliContext context, GlobalOptions global)
    {
        var target = new Argument<string>("TARGET") { Description = "A member's name (from its certificate) or overlay IPv4/IPv6 address" };
        var count = new Option<int>("--count", "-c")
        {
            Description = "Number of pings",
            HelpName = "N",
            DefaultValueFactory = _ => 5,
            CustomParser = result => (int)Number(result, "--count", 1, 10000, integer: true),
        };
        var timeout = new Option<double>("--timeout", "-W")
        {
            Description = "Seconds to wait for each reply",
            HelpName = "S",
            DefaultValueFactory = _ => 2,
            CustomParser = result => Number(result, "--timeout", 0.001, LocalApiServer.MaxPingTimeout.TotalSeconds, integer: false),
        };
        var interval = new Option<double>("--interval", "-i")
        {
            Description = "Seconds between pings",
            HelpName = "S",
            DefaultValueFactory = _ => 1,
            CustomParser = result => Number(result, "--interval", 0, 3600, integer: false),
        };
        var json = new Option<bool>("--json") { Description = "Print the replies and the summary as JSON at the end" };
        var command = new Command("ping", "Send mesh-level pings to a member and show the path each one took (asks the running daemon)")
        {
            target, count, timeout, interval, json,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var state = global.Layout(parse);
            var name = parse.GetValue(target)!;
            var pings = parse.GetValue(count);
            var wait = TimeSpan.FromSeconds(parse.GetValue(timeout));
            var pause = TimeSpan.FromSeconds(parse.GetValue(interval));
            var asJson = parse.GetValue(json);

            using var client = new LocalApiClient(state.SocketPath);
            var replies = new List<PingReport>(pings);
            for (var i = 0; i < pings; i++)
            {
                if (i > 0 && pause > TimeSpan.Zero)
                {
                    await Task.Delay(pause, context.Time, cancellationToken).ConfigureAwait(false);
                }

                var reply = await client.PingAsync(name, wait, cancellationToken).ConfigureAwait(false);
                if (reply is not null)
                {
                    replies.Add(reply);
                }

                if (!asJson)
                {
                    await context.Out.WriteLineAsync(reply is null ? PingFormatter.NoReply(name, wait) : PingFormatter.Reply(reply)).ConfigureAwait(false);
                }
            }

            var summary = PingSummary.From(name, pings, replies);
            if (asJson)
            {
                await context.Out.WriteLineAsync(JsonSerializer.Serialize(summary, LocalApiJsonContext.Readable.PingSummary)).ConfigureAwait(false);
            }
            else
            {
                await context.Out.WriteLineAsync(PingFormatter.Summary(summary)).ConfigureAwait(false);
            }

            if (replies.Count == 0)
            {
                await context.Error.WriteLineAsync($"weft: no reply from {name}").ConfigureAwait(false);
                return WeftCli.ExitFailure;
            }

            return WeftCli.ExitOk;
        });
        return command;
    }

    /// <summary>Parses an option's number and checks its range; an error on the parse result otherwise (exit 2).</summary>
    internal static double Number(ArgumentResult result, string option, double min, double max, bool integer)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
        var style = integer ? NumberStyles.Integer : NumberStyles.Float;
        if (!double.TryParse(text, style, CultureInfo.InvariantCulture, out var value) || !(value >= min && value <= max))
        {
            result.AddError(string.Create(CultureInfo.InvariantCulture, $"{option} must be a number from {min} to {max}; got \"{text}\"."));
            return min;
        }

        return value;
    }
}
