using System.Globalization;

namespace Weft.Cli;

/// <summary>
/// Validity periods as users type them: a bare number is days (<c>365</c>), or a number with a
/// unit: <c>90s</c>, <c>10m</c>, <c>12h</c>, <c>30d</c>.
/// </summary>
internal static class Durations
{
    public const string Help = "365 (days), or with a unit: 30d, 12h, 10m, 90s";

    public static bool TryParse(string text, out TimeSpan value)
    {
        value = default;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        var unit = char.ToLowerInvariant(text[^1]);
        var number = char.IsAsciiDigit(unit) ? text : text[..^1];
        if (!long.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count <= 0 || count > 36500L * 86400)
        {
            return false;
        }

        value = unit switch
        {
            's' => TimeSpan.FromSeconds(count),
            'm' => TimeSpan.FromMinutes(count),
            'h' => TimeSpan.FromHours(count),
            'd' => TimeSpan.FromDays(count),
            _ when char.IsAsciiDigit(unit) => TimeSpan.FromDays(count),
            _ => TimeSpan.Zero,
        };
        return value > TimeSpan.Zero && value <= TimeSpan.FromDays(36500);
    }
}
