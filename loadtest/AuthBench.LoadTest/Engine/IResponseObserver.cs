namespace AuthBench.LoadTest.Engine;

/// <summary>
/// Sees every request of a trial as the engine records it: the hook through which a scenario (a fault, a window)
/// watches a trial, so that the engine itself knows no scenario. Called from many threads at once.
/// </summary>
public interface IResponseObserver
{
    /// <summary>The trial's origin (timestamps of the engine's <see cref="TimeProvider"/>), before the first request is due.</summary>
    void OnStart(long originTicks);

    /// <summary>One request ended: sent at <paramref name="sendTicks"/>, ended at <paramref name="doneTicks"/>; <paramref name="status"/> is 0 when <paramref name="transportError"/>.</summary>
    void OnResponse(long sendTicks, long doneTicks, int status, bool transportError);

    /// <summary>
    /// The same, with the request's number <paramref name="index"/> (request i carries the credential the pool hands
    /// out for i, see <c>CredentialPool.UserOf</c>; -1 for a request that had no answer when the trial ended). A
    /// scenario that follows one user's requests implements this; the others see <see cref="OnResponse"/>.
    /// </summary>
    void OnRequest(long index, long sendTicks, long doneTicks, int status, bool transportError) => OnResponse(sendTicks, doneTicks, status, transportError);
}

/// <summary>
/// Sees each request by its index, for a client whose next request depends on an answer (a refresh token that
/// rotates): the response head before the body is read, then the end of the request. Called from many threads at
/// once; never for a request the engine did not send.
/// </summary>
public interface IRequestTracker
{
    /// <summary>The status line and headers of request <paramref name="index"/>'s answer (valid only during the call).</summary>
    void OnHead(long index, int status, ReadOnlySpan<byte> head);

    /// <summary>
    /// Request <paramref name="index"/> ended: <paramref name="status"/> 0 with <paramref name="error"/> (the recorder's
    /// kind: "connection_refused", "no_answer" ...) when it got no answer; <paramref name="serviceTime"/> from send to end.
    /// </summary>
    void OnEnded(long index, int status, string? error, TimeSpan serviceTime);
}
