namespace Weft.LocalApi;

/// <summary>The body of every non-2xx local API answer.</summary>
internal sealed record ApiError(string Error);
