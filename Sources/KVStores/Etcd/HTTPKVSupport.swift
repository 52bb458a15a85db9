import Foundation
import ProviderHTTP

/// Key spelling shared by the HTTP stores: one leading `/`, no trailing `/`, the root spelled `/`.
enum HTTPKVPath {
    /// A store key with exactly one leading `/`.
    static func normalizedKey(_ key: String) -> String {
        "/" + key.drop { $0 == "/" }
    }

    /// `prefix` for use in a URL path, each segment percent-encoded.
    static func percentEncodedPath(_ path: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~/")
        return path.addingPercentEncoding(withAllowedCharacters: allowed) ?? path
    }
}

/// A reply the store could parse as HTTP but not use; becomes `KVStoreError.invalidResponse`.
struct UnusableReply: Error, Equatable, CustomStringConvertible {
    var description: String

    init(_ description: String) {
        self.description = description
    }
}

/// Turns whatever a store call threw into the `KVStoreError` the contract promises (cancellation passes through).
enum HTTPKVFailure {
    static func storeError(_ error: any Error, store: String) -> any Error {
        switch error {
        case is CancellationError, is KVStoreError:
            return error
        case let error as ProviderHTTPError:
            return KVStoreError(error.isUnreachable ? .unreachable : .invalidResponse, "\(store): \(error)")
        default:
            return KVStoreError(.invalidResponse, "\(store): \(error)")
        }
    }

    /// A watch stream driven by `run`, which yields into the continuation and only returns when cancelled.
    /// Ending the consumer's iteration cancels `run`, which closes its connection.
    static func watchStream(
        store: String,
        _ run: @escaping @Sendable (AsyncThrowingStream<KVWatchEvent, any Error>.Continuation) async throws -> Void
    ) -> AsyncThrowingStream<KVWatchEvent, any Error> {
        let (stream, continuation) = AsyncThrowingStream.makeStream(of: KVWatchEvent.self)
        let task = Task {
            do {
                try await run(continuation)
                continuation.finish()
            } catch {
                continuation.finish(throwing: storeError(error, store: store))
            }
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }
}
