/// Decides when a long run prints a progress line: at every tenth of the run or every 5 seconds,
/// whichever comes first, and only for runs that last (or are set to last) over 10 seconds.
public struct ProgressPolicy: Sendable {
    private static let longRunSeconds = 10.0
    private static let quietSeconds = 5.0
    private let requestLimit: Int?
    private let timeLimitSeconds: Double?
    private var lastPrintedSeconds = 0.0
    private var lastPrintedTenth = 0

    public init(requestLimit: Int?, timeLimitSeconds: Double?) {
        self.requestLimit = requestLimit
        self.timeLimitSeconds = timeLimitSeconds
    }

    /// The line to print for this snapshot, if one is due.
    public mutating func line(for snapshot: RunSnapshot) -> String? {
        let isLongRun = snapshot.elapsedSeconds >= Self.longRunSeconds
            || (timeLimitSeconds ?? 0) > Self.longRunSeconds
        guard isLongRun else { return nil }
        let finished = snapshot.completed + snapshot.failed
        // The run ends at whichever bound it reaches first, so its progress is the larger fraction.
        let requestFraction = requestLimit.map { Double(finished) / Double($0) } ?? 0
        let timeFraction = timeLimitSeconds.map { snapshot.elapsedSeconds / $0 } ?? 0
        let fraction = min(1, max(requestFraction, timeFraction))
        let tenth = Int(fraction * 10)
        guard tenth > lastPrintedTenth || snapshot.elapsedSeconds - lastPrintedSeconds >= Self.quietSeconds else {
            return nil
        }
        lastPrintedTenth = max(lastPrintedTenth, tenth)
        lastPrintedSeconds = snapshot.elapsedSeconds
        let rate = snapshot.elapsedSeconds > 0 ? Double(snapshot.completed) / snapshot.elapsedSeconds : 0
        return "progress: \(ReportFormatter.format(snapshot.elapsedSeconds, 1)) s, \(snapshot.completed) requests "
            + "(\(Int(fraction * 100))%), \(ReportFormatter.format(rate, 0)) req/s, \(snapshot.failed) failed"
    }
}
