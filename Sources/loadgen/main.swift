// loadgen: an ab-compatible HTTP/1 load generator on SwiftNIO. The work is in the LoadGen library.
import Dispatch
import Foundation
import LoadGen
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

func printToStandardError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

func exitWithUsageError(_ message: String) -> Never {
    printToStandardError("loadgen: \(message)\n\n\(LoadGenOptions.usage)")
    exit(2)
}

let options: LoadGenOptions
do {
    options = try LoadGenOptions.parse(Array(CommandLine.arguments.dropFirst()))
} catch {
    exitWithUsageError(error.message)
}
if options.showHelp {
    print(LoadGenOptions.usage)
    exit(0)
}

var body: [UInt8] = []
if let bodyFile = options.bodyFile {
    guard let contents = FileManager.default.contents(atPath: bodyFile) else {
        exitWithUsageError("cannot read the body file \(bodyFile)")
    }
    body = Array(contents)
}

let plan: LoadPlan
do {
    plan = try LoadPlan(options: options, body: body)
} catch {
    exitWithUsageError(error.message)
}

let threads = min(options.threads ?? System.coreCount, options.concurrency)
let group = MultiThreadedEventLoopGroup(numberOfThreads: threads)
let runner = LoadRunner(plan: plan, group: group)

// Ctrl-C stops the run and prints what was measured; a second Ctrl-C quits at once.
signal(SIGINT, SIG_IGN)
// The main queue, because this handler is main-actor code like the rest of this file.
let interruptSource = DispatchSource.makeSignalSource(signal: SIGINT, queue: .main)
let interruptCount = NIOLockedValueBox(0)
interruptSource.setEventHandler {
    let count = interruptCount.withLockedValue { count in
        count += 1
        return count
    }
    if count > 1 { exit(130) }
    runner.interrupt()
}
interruptSource.resume()

if !options.json {
    print("Benchmarking \(plan.target.host) (be patient)")
}
let progressPolicy = NIOLockedValueBox(
    ProgressPolicy(requestLimit: plan.requestLimit, timeLimitSeconds: plan.timeLimitSeconds)
)
let report: RunReport
do {
    report = try await runner.run { snapshot in
        if let line = progressPolicy.withLockedValue({ $0.line(for: snapshot) }) { printToStandardError(line) }
    }
} catch {
    printToStandardError("loadgen: \(error)")
    exit(1)
}
try? await group.shutdownGracefully()

print(options.json ? ReportFormatter.json(report, plan: plan) : ReportFormatter.summary(report, plan: plan), terminator: "")
exit(report.interrupted ? 130 : 0)
