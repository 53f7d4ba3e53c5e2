using Microsoft.Extensions.Logging;
using Xunit;

namespace Weft.Core.Tests.Node;

/// <summary>Keeps every log line of the node under test, and echoes it to the test output.</summary>
internal sealed class ListLoggerFactory(string prefix) : ILoggerFactory
{
    private readonly Lock gate = new();
    private readonly List<(LogLevel Level, int EventId, string Message)> entries = [];

    public IReadOnlyList<(LogLevel Level, int EventId, string Message)> Entries
    {
        get
        {
            lock (gate)
            {
                return [.. entries];
            }
        }
    }

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public ILogger CreateLogger(string categoryName) => new ListLogger(this);

    public void Dispose()
    {
    }

    private void Add(LogLevel level, EventId id, string message)
    {
        lock (gate)
        {
            entries.Add((level, id.Id, message));
        }

        try
        {
            TestContext.Current.TestOutputHelper?.WriteLine($"  [{prefix}] {level}: {message}");
        }
        catch (InvalidOperationException)
        {
            // The test has finished; a late log line from a timer is not an error.
        }
    }

    private sealed class ListLogger(ListLoggerFactory owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            => owner.Add(logLevel, eventId, formatter(state, exception));
    }
}
