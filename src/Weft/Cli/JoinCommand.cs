using System.CommandLine;
using Weft.Core.Identity;
using Weft.State;

namespace Weft.Cli;

/// <summary>
/// <c>weft join --request</c>: make this node's keys (if it has none) and print a join request for
/// the CA machine. <c>weft join --cert FILE|-</c>: install the bundle <c>weft sign</c> printed,
/// after checking it is for our keys and that its CA really signed it.
/// </summary>
internal static class JoinCommand
{
    public static Command Create(CliContext context, GlobalOptions global)
    {
        var request = new Option<bool>("--request") { Description = "Create this node's keys if needed and print a join request" };
        var cert = new Option<string?>("--cert") { Description = "Install the certificate bundle printed by 'weft sign' ('-' reads stdin)", HelpName = "FILE" };
        var name = new Option<string?>("--name") { Description = "Name to suggest in the request (default: the host name)", HelpName = "NAME" };
        var command = new Command("join", "Join an existing mesh: print a request for the CA, then install its answer") { request, cert, name };
        command.Validators.Add(result =>
        {
            var wantsRequest = result.GetValue(request);
            var hasCert = result.GetValue(cert) is not null;
            if (wantsRequest == hasCert)
            {
                result.AddError("Give exactly one of --request or --cert FILE.");
            }
            else if (hasCert && result.GetResult(name) is not null)
            {
                result.AddError("--name goes with --request (the CA decides the name in the certificate).");
            }
        });

        command.SetAction(parse =>
        {
            var state = global.Layout(parse);
            var certPath = parse.GetValue(cert);
            return certPath is null
                ? PrintRequest(context, state, parse.GetValue(name))
                : InstallBundle(context, state, certPath);
        });
        return command;
    }

    private static int PrintRequest(CliContext context, StateLayout state, string? name)
    {
        state.EnsureExists();
        NodeKeys keys;
        if (NodeFiles.HasKeys(state))
        {
            keys = NodeFiles.LoadKeys(state);
        }
        else
        {
            keys = NodeKeys.Generate();
            keys.Save(state.NodeKeys);
            context.Error.WriteLine($"created this node's keys in {state.NodeKeys} (node id {keys.NodeId})");
        }

        var joinRequest = JoinRequest.Create(keys, name ?? context.HostName);
        context.Out.Write(joinRequest.ToText());
        context.Error.WriteLine("give this request to the CA machine: weft sign REQUEST_FILE > bundle; then here: weft join --cert bundle");
        return WeftCli.ExitOk;
    }

    private static int InstallBundle(CliContext context, StateLayout state, string path)
    {
        var text = context.ReadFileOrStdin(path);
        if (!CertificateBundle.TryParse(text, out var parsed, out var error))
        {
            throw new UserErrorException($"{DisplayName(path)} is not a certificate bundle from 'weft sign': {error}");
        }

        var bundle = parsed!;
        if (!NodeFiles.HasKeys(state))
        {
            throw new UserErrorException($"this node has no keys in {state.Directory}: run 'weft join --request' first (with the same --state)");
        }

        var keys = NodeFiles.LoadKeys(state);
        if (!bundle.Node.SessionKey.AsSpan().SequenceEqual(keys.SessionPublicKey)
            || !bundle.Node.SigningKey.AsSpan().SequenceEqual(keys.SigningPublicKey))
        {
            throw new UserErrorException(
                $"this certificate is for another node (node id {bundle.Node.NodeId}), not this one (node id {keys.NodeId})");
        }

        var now = context.Time.GetUtcNow();
        var verdict = new TrustStore([bundle.Ca]).Verify(bundle.Node, now);
        if (verdict != CertificateError.None)
        {
            throw new UserErrorException($"the certificate cannot be used: {TrustStore.Describe(verdict)}");
        }

        if (File.Exists(state.CaCertificate))
        {
            var current = NodeFiles.LoadCa(state);
            if (!current.Id.AsSpan().SequenceEqual(bundle.Ca.Id))
            {
                throw new UserErrorException(
                    $"this node already belongs to mesh \"{current.MeshName}\" (CA {current.IdHex}); this bundle is from mesh \"{bundle.Ca.MeshName}\" (CA {bundle.Ca.IdHex}). Use another --state for a second mesh.");
            }
        }

        NodeFiles.SaveCa(state, bundle.Ca);
        NodeFiles.SaveCertificate(state, bundle.Node);
        context.Out.WriteLine(
            $"joined mesh \"{bundle.Ca.MeshName}\" as {bundle.Node.Name}: {Addresses.Describe(bundle.Node)}; certificate valid until {bundle.Node.NotAfter.UtcDateTime:yyyy-MM-dd HH:mm} UTC");
        context.Out.WriteLine("start it with: weft up --peer HOST:PORT (any member's address)");
        return WeftCli.ExitOk;
    }

    private static string DisplayName(string path) => path == "-" ? "standard input" : path;
}
