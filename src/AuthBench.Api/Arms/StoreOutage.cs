namespace AuthBench.Api.Arms;

/// <summary>The one answer to "the store did not answer": 503, Retry-After, a JSON error, nothing cached.</summary>
public static class StoreOutage
{
    public const string RetryAfterSeconds = "1";

    public static IResult Result() => new OutageResult();

    public static Task WriteAsync(HttpContext context)
    {
        var response = context.Response;
        response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        response.Headers.RetryAfter = RetryAfterSeconds;
        response.Headers.CacheControl = "no-store";
        return response.WriteAsJsonAsync(new ErrorResponse("store_unavailable"), AppJsonContext.Default.ErrorResponse);
    }

    private sealed class OutageResult : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext) => WriteAsync(httpContext);
    }
}
