namespace Weft.LocalApi;

/// <summary>
/// Builds the error for a ping target that names no known member: lists the known names close to
/// what was typed (edit distance at most 2, or one contains the other), or all known names when
/// none is close, so a typo is fixed at a glance.
/// </summary>
internal static class NameSuggestions
{
    private const int MaxDistance = 2;
    private const int MaxListed = 8;

    /// <summary>"no member named or addressed "lapotp" is known (did you mean: laptop?)".</summary>
    public static string UnknownTarget(string target, IEnumerable<string> knownNames)
    {
        var known = knownNames.Where(n => n.Length > 0).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var message = $"no member named or addressed \"{target}\" is known";
        if (known.Count == 0)
        {
            return message + " (this node knows no other members yet)";
        }

        var close = Close(target, known);
        if (close.Count > 0)
        {
            return message + $" (did you mean: {string.Join(", ", close)}?)";
        }

        var listed = string.Join(", ", known.Take(MaxListed));
        return message + $" (known: {listed}{(known.Count > MaxListed ? ", ..." : "")})";
    }

    /// <summary>The names within <see cref="MaxDistance"/> edits of <paramref name="target"/> (case-insensitive), or containing it, closest first.</summary>
    public static IReadOnlyList<string> Close(string target, IReadOnlyList<string> known)
    {
        var lowered = target.ToLowerInvariant();
        var scored = new List<(int Distance, string Name)>();
        foreach (var name in known)
        {
            var candidate = name.ToLowerInvariant();
            var distance = Distance(lowered, candidate);
            if (distance <= MaxDistance)
            {
                scored.Add((distance, name));
            }
            else if (lowered.Length >= 2 && (candidate.Contains(lowered, StringComparison.Ordinal) || lowered.Contains(candidate, StringComparison.Ordinal)))
            {
                scored.Add((MaxDistance + 1, name));
            }
        }

        return scored.OrderBy(s => s.Distance).ThenBy(s => s.Name, StringComparer.Ordinal).Take(MaxListed).Select(s => s.Name).ToList();
    }

    /// <summary>Levenshtein distance (insert, delete, substitute; each costs one).</summary>
    public static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var substitute = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitute, Math.Min(previous[j] + 1, current[j - 1] + 1));
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
