using System.CommandLine;
using Weft.Core.Identity;
using Weft.State;

namespace Weft.Cli;

/// <summary>
/// <c>weft cert show [FILE|-]</c>: prints a certificate, CA certificate, join request or bundle in
/// human terms (Identity's Describe). Without FILE it shows this node's certificate and whether the
/// node's CA accepts it now.
/// </summary>
internal static class CertCommand
{
    private const string RequestMarker = "-----BEGIN WEFT JOIN REQUEST-----";
    private const string CertificateMarker = "-----BEGIN WEFT CERTIFICATE-----";
    private const string CaMarker = "-----BEGIN WEFT CA CERTIFICATE-----";

    public static Command Create(CliContext context, GlobalOptions global)
    {
        var file = new Argument<string?>("FILE")
        {
            Description = "A certificate, CA certificate, join request or bundle ('-' reads stdin; default: this node's certificate)",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var show = new Command("show", "Print a certificate, CA certificate, request or bundle in human terms") { file };
        show.SetAction(parse =>
        {
            var now = context.Time.GetUtcNow();
            var path = parse.GetValue(file);
            if (path is null)
            {
                ShowOwn(context, global.Layout(parse), now);
            }
            else
            {
                context.Out.Write(Describe(context.ReadFileOrStdin(path), path == "-" ? "standard input" : path, now));
            }

            return WeftCli.ExitOk;
        });

        return new Command("cert", "Inspect certificates") { show };
    }

    /// <summary>Recognises the kind of text by its armor labels and describes it.</summary>
    public static string Describe(string text, string source, DateTimeOffset now)
    {
        string error;
        if (text.Contains(RequestMarker, StringComparison.Ordinal))
        {
            if (JoinRequest.TryParse(text, out var request, out error))
            {
                return request!.Describe();
            }
        }
        else if (text.Contains(CertificateMarker, StringComparison.Ordinal) && text.Contains(CaMarker, StringComparison.Ordinal))
        {
            if (CertificateBundle.TryParse(text, out var bundle, out error))
            {
                return bundle!.Describe(now);
            }
        }
        else if (text.Contains(CertificateMarker, StringComparison.Ordinal))
        {
            if (Certificate.TryParseText(text, out var certificate, out error))
            {
                return certificate!.Describe(now);
            }
        }
        else if (text.Contains(CaMarker, StringComparison.Ordinal))
        {
            if (CaCertificate.TryParseText(text, out var ca, out error))
            {
                return ca!.Describe(now);
            }
        }
        else
        {
            error = "no WEFT CERTIFICATE, CA CERTIFICATE or JOIN REQUEST block found";
        }

        throw new UserErrorException($"{source}: {error}");
    }

    private static void ShowOwn(CliContext context, StateLayout state, DateTimeOffset now)
    {
        var certificate = NodeFiles.LoadCertificate(state);
        context.Out.Write(certificate.Describe(now));
        if (File.Exists(state.CaCertificate))
        {
            var ca = NodeFiles.LoadCa(state);
            var verdict = new TrustStore([ca]).Verify(certificate, now);
            context.Out.WriteLine(verdict == CertificateError.None
                ? $"verdict: valid member of mesh \"{ca.MeshName}\""
                : $"verdict: NOT VALID: {TrustStore.Describe(verdict)}");
        }
    }
}
