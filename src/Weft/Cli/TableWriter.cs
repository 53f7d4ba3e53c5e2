using System.Text;

namespace Weft.Cli;

/// <summary>
/// Aligned plain-text tables for the CLI: the first row is the header, columns are padded to the
/// widest cell plus two spaces, trailing blanks are trimmed.
/// </summary>
internal static class TableWriter
{
    public static void Append(StringBuilder text, List<string[]> rows)
    {
        var columns = rows[0].Length;
        var widths = new int[columns];
        foreach (var row in rows)
        {
            for (var c = 0; c < columns; c++)
            {
                widths[c] = Math.Max(widths[c], row[c].Length);
            }
        }

        foreach (var row in rows)
        {
            var line = new StringBuilder();
            for (var c = 0; c < columns; c++)
            {
                line.Append(row[c]);
                if (c < columns - 1)
                {
                    line.Append(' ', widths[c] - row[c].Length + 2);
                }
            }

            text.Append(line.ToString().TrimEnd()).Append('\n');
        }
    }
}
