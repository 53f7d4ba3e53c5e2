using System.CommandLine;
using System.Globalization;
using Weft.Core.Identity;
using Weft.State;

namespace Weft.Cli;

/// <summary>
/// <c>weft sign [--name N] [--groups a,b] [--roles r] [--ipv4 ADDR] [--ttl DAYS] REQUEST_FILE|-</c>:
/// on the CA machine, turns a join request into a certificate bundle (printed on stdout), with the
/// next free IPv4 of the mesh unless --ipv4 says which. Records the address in issued.json.
/// </summary>
internal static class SignCommand
{
    public static Command Create(CliContext context, GlobalOptions global)
    {
        var requestFile = new Argument<string>("REQUEST_FILE") { Description = "The join request ('-' reads stdin)" };
        var name = new Option<string?>("--name") { Description = "Node name (default: the name suggested in the request)", HelpName = "NAME" };
        var groups = new Option<string?>("--groups") { Description = "Comma-separated groups", HelpName = "a,b" };
        var roles = new Option<string?>("--roles") { Description = "Comma-separated roles", HelpName = "r" };
        var ipv4 = new Option<string?>("--ipv4") { Description = "IPv4 address (default: the next free one in the mesh range)", HelpName = "ADDR" };
        var ttl = new Option<TimeSpan>("--ttl")
        {
            Description = $"Certificate validity: {Durations.Help} (default: {InitCommand.DefaultNodeValidityDays} days)",
            HelpName = "DURATION",
            CustomParser = result =>
            {
                var text = result.Tokens[0].Value;
                if (Durations.TryParse(text, out var value))
                {
                    return value;
                }

                result.AddError($"--ttl must be a duration like {Durations.Help}; got \"{text}\".");
                return default;
            },
        };
        var notAfter = new Option<DateTimeOffset?>("--not-after")
        {
            Description = "Certificate end of validity instead of --ttl (ISO 8601, e.g. 2027-01-31T12:00:00Z)",
            HelpName = "TIME",
            CustomParser = result =>
            {
                var text = result.Tokens[0].Value;
                if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var value))
                {
                    return value;
                }

                result.AddError($"--not-after must be a time like 2027-01-31T12:00:00Z; got \"{text}\".");
                return null;
            },
        };

        var command = new Command("sign", "Sign a join request with this machine's CA key; prints the bundle for 'weft join --cert'")
        {
            requestFile, name, groups, roles, ipv4, ttl, notAfter,
        };
        command.Validators.Add(result =>
        {
            if (result.GetResult(ttl) is { Implicit: false } && result.GetResult(notAfter) is not null)
            {
                result.AddError("Give --ttl or --not-after, not both.");
            }
        });
        command.SetAction(parse =>
        {
            var state = global.Layout(parse);
            var path = parse.GetValue(requestFile)!;
            var text = context.ReadFileOrStdin(path);
            if (!JoinRequest.TryParse(text, out var parsed, out var error))
            {
                throw new UserErrorException($"{(path == "-" ? "standard input" : path)} is not a join request from 'weft join --request': {error}");
            }

            var request = parsed!;
            var ca = LoadCa(state);
            var range = ca.Certificate.Ipv4Range;
            var registry = IssuedAddresses.Load(state);
            var nodeName = parse.GetValue(name) ?? request.SuggestedName;
            var now = context.Time.GetUtcNow();
            var validity = parse.GetValue(notAfter) is { } end ? end - now
                : parse.GetResult(ttl) is null ? TimeSpan.FromDays(InitCommand.DefaultNodeValidityDays) : parse.GetValue(ttl);
            if (validity <= TimeSpan.Zero)
            {
                throw new UserErrorException($"--not-after {parse.GetValue(notAfter):u} is in the past");
            }

            var address = IssuedAddresses.Choose(registry, range, nodeName, request.NodeId, parse.GetValue(ipv4), "--ipv4");
            var certificate = CertificateSigning.Sign(
                ca, request, nodeName, SplitList(parse.GetValue(groups)), SplitList(parse.GetValue(roles)),
                address, validity, now);

            IssuedAddresses.Record(registry, certificate.Name, address, certificate.NodeId, certificate.NotAfter);
            context.Out.Write(new CertificateBundle(certificate, ca.Certificate).ToText());
            context.Error.WriteLine($"signed {certificate.Name}: {Addresses.Describe(certificate)}, valid until {certificate.NotAfter.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC (node id {certificate.NodeId})");
            return WeftCli.ExitOk;
        });
        return command;
    }

    /// <summary>The CA of this state directory, or a user error saying where the CA lives.</summary>
    public static CertificateAuthority LoadCa(StateLayout state)
    {
        if (!File.Exists(state.CaKey))
        {
            throw new UserErrorException(
                $"no CA key in {state.Directory} (no {Path.GetFileName(state.CaKey)}): run 'weft sign' on the machine where 'weft init' created the mesh");
        }

        try
        {
            return CertificateAuthority.Load(state.CaKey);
        }
        catch (KeyFileException e)
        {
            throw new UserErrorException(e.Message, e);
        }
    }

    private static string[] SplitList(string? text) =>
        text is null ? [] : text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
