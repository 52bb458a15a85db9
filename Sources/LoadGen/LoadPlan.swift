/// Everything a run needs, derived once from the options: the connections only copy bytes from here.
public struct LoadPlan: Sendable {
    public var target: TargetURL
    /// The complete request every connection sends.
    public var request: [UInt8]
    /// False for HEAD, whose responses have no body whatever their headers say.
    public var expectsBody: Bool
    public var keepAlive: Bool
    public var concurrency: Int
    /// nil: no request cap (the run is bounded by `timeLimitSeconds`).
    public var requestLimit: Int?
    public var timeLimitSeconds: Double?
    /// Open-loop requests per second; nil for closed loop.
    public var rate: Double?
    public var timeoutSeconds: Double

    public init(options: LoadGenOptions, body: [UInt8]) throws(UsageError) {
        guard let url = options.url else { throw UsageError("missing the URL to load") }
        let method = options.effectiveMethod
        target = url
        request = RequestBuilder.requestBytes(
            target: url, method: method, headers: options.headers, body: body,
            contentType: options.contentType, keepAlive: options.keepAlive, http10: options.http10
        )
        expectsBody = method != "HEAD"
        keepAlive = options.keepAlive
        concurrency = options.concurrency
        requestLimit = options.requestLimit
        timeLimitSeconds = options.timeLimitSeconds
        rate = options.rate
        timeoutSeconds = options.timeoutSeconds
    }
}
