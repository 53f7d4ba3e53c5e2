using System.Net;
using Weft.Core.Identity;

namespace Weft.Cli;

/// <summary>Signing with the CA, turning the CA's refusals into user-facing errors.</summary>
internal static class CertificateSigning
{
    public static Certificate Sign(CertificateAuthority ca, JoinRequest request, string name, IReadOnlyList<string> groups,
        IReadOnlyList<string> roles, IPAddress ipv4, TimeSpan validity, DateTimeOffset now)
    {
        if (!ca.TrySign(request, name, groups, roles, ipv4, validity, now, out var certificate, out var error))
        {
            throw new UserErrorException($"cannot sign: {error}");
        }

        return certificate!;
    }
}
