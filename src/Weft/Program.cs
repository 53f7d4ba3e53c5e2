namespace Weft;

internal static class Program
{
    private static int Main(string[] args)
    {
        Console.Error.WriteLine("weft: not built yet");
        return args.Length == 0 ? 1 : 1;
    }
}
