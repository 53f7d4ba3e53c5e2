using System.CommandLine;
using Weft.Core.Identity;
using Weft.State;

namespace Weft.Cli;

/// <summary>
/// <c>weft init --mesh NAME [--name N] [--ipv4 RANGE] [--domain D] [--validity DAYS]</c>: a new
/// mesh on this machine: the CA key and certificate, this node's keys, and this node's certificate
/// with the first free IPv4 of the range. Refuses a state directory that already holds a node.
/// </summary>
internal static class InitCommand
{
    public const string DefaultIpv4Range = "100.90.0.0/16";
    public const int DefaultCaValidityDays = 3650;
    public const int DefaultNodeValidityDays = 365;

    public static Command Create(CliContext context, GlobalOptions global)
    {
        var mesh = new Option<string>("--mesh") { Description = "Name of the new mesh", HelpName = "NAME", Required = true };
        var name = new Option<string?>("--name") { Description = "This node's name (default: the host name)", HelpName = "NAME" };
        var ipv4 = new Option<string>("--ipv4")
        {
            Description = "The mesh's IPv4 range",
            HelpName = "RANGE",
            DefaultValueFactory = _ => DefaultIpv4Range,
        };
        var domain = new Option<string>("--domain") { Description = "DNS domain of the mesh", HelpName = "DOMAIN", DefaultValueFactory = _ => "weft" };
        var validity = new Option<int>("--validity")
        {
            Description = "Validity of the CA certificate in days (this node's certificate: at most 365)",
            HelpName = "DAYS",
            DefaultValueFactory = _ => DefaultCaValidityDays,
        };
        validity.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 1 or > 36500)
            {
                result.AddError("--validity must be between 1 and 36500 days.");
            }
        });

        var command = new Command("init", "Create a new mesh: its CA and this node, the first member") { mesh, name, ipv4, domain, validity };
        command.SetAction(parse =>
        {
            var state = global.Layout(parse);
            var range = Addresses.ParseIpv4Range(parse.GetValue(ipv4)!, "--ipv4");
            foreach (var existing in new[] { state.NodeKeys, state.NodeCertificate, state.CaKey })
            {
                if (File.Exists(existing))
                {
                    throw new UserErrorException(
                        $"{state.Directory} already holds a node ({Path.GetFileName(existing)} exists); use another --state or remove it first");
                }
            }

            var nodeName = JoinRequest.NormalizeName(parse.GetValue(name) ?? context.HostName);
            var caValidity = TimeSpan.FromDays(parse.GetValue(validity));
            CertificateAuthority ca;
            try
            {
                ca = CertificateAuthority.Create(parse.GetValue(mesh)!, range, parse.GetValue(domain)!, caValidity, context.Time);
            }
            catch (ArgumentException e)
            {
                throw new UserErrorException($"cannot create the mesh: {e.Message}", e);
            }

            state.EnsureExists();
            var keys = NodeKeys.Generate();
            var registry = IssuedAddresses.Load(state);
            var address = IssuedAddresses.Choose(registry, range, nodeName, keys.NodeId, given: null, "--ipv4");
            var now = context.Time.GetUtcNow();
            var certificate = CertificateSigning.Sign(
                ca, JoinRequest.Create(keys, nodeName), nodeName, [], [], address, TimeSpan.FromDays(DefaultNodeValidityDays), now);

            // The secrets first: a crash halfway leaves a directory 'init' refuses, never a certificate without its key.
            ca.Save(state.CaKey);
            keys.Save(state.NodeKeys);
            IssuedAddresses.Record(registry, certificate.Name, address, keys.NodeId, certificate.NotAfter);
            NodeFiles.SaveCa(state, ca.Certificate);
            NodeFiles.SaveCertificate(state, certificate);

            context.Out.WriteLine($"created mesh \"{ca.Certificate.MeshName}\": IPv4 {range}, IPv6 {ca.Certificate.Ipv6Prefix}, domain {ca.Certificate.Domain}");
            context.Out.WriteLine($"this node is {certificate.Name}: {Addresses.Describe(certificate)} (node id {keys.NodeId})");
            context.Out.WriteLine($"CA key in {state.CaKey}: keep it secret; it signs new members (weft sign)");
            context.Out.WriteLine("start the node with: weft up");
            return WeftCli.ExitOk;
        });
        return command;
    }
}
