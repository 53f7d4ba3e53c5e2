namespace Weft.Demo;

/// <summary>
/// The command line that runs this very weft program again: the native executable itself
/// (apphost or AOT), or <c>dotnet weft.dll</c> when the dotnet host runs us.
/// </summary>
internal static class WeftSelf
{
    public static IReadOnlyList<string> Command
    {
        get
        {
            var process = Environment.ProcessPath ?? throw new InvalidOperationException("The process path is unknown.");
            if (Path.GetFileNameWithoutExtension(process) == "dotnet")
            {
                return [process, Path.Combine(AppContext.BaseDirectory, "weft.dll")];
            }

            return [process];
        }
    }
}
