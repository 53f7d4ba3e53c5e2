using System.CommandLine;
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
        var ttl = new Option<int>("--ttl")
        {
            Description = "Certificate validity in days",
            HelpName = "DAYS",
            DefaultValueFactory = _ => InitCommand.DefaultNodeValidityDays,
        };
        ttl.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 1 or > 36500)
            {
                result.AddError("--ttl must be between 1 and 36500 days.");
            }
        });

        var command = new Command("sign", "Sign a join request with this machine's CA key; prints the bundle for 'weft join --cert'")
        {
            requestFile, name, groups, roles, ipv4, ttl,
        };
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
            var address = IssuedAddresses.Choose(registry, range, nodeName, request.NodeId, parse.GetValue(ipv4), "--ipv4");
            var certificate = CertificateSigning.Sign(
                ca, request, nodeName, SplitList(parse.GetValue(groups)), SplitList(parse.GetValue(roles)),
                address, TimeSpan.FromDays(parse.GetValue(ttl)), context.Time.GetUtcNow());

            IssuedAddresses.Record(registry, certificate.Name, address, certificate.NodeId, certificate.NotAfter);
            context.Out.Write(new CertificateBundle(certificate, ca.Certificate).ToText());
            context.Error.WriteLine($"signed {certificate.Name}: {Addresses.Describe(certificate)}, valid until {certificate.NotAfter.UtcDateTime:yyyy-MM-dd} (node id {certificate.NodeId})");
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
