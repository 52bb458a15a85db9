#if canImport(Glibc)
import Glibc
#endif
import NIOCore
import NIOSSL
import Synchronization
import TraefikCore

/// A TLS configuration problem found at start or reload, naming the file at fault.
public struct TLSSetupError: Error, CustomStringConvertible {
    public let description: String

    init(_ description: String) { self.description = description }
}

/// The TLS side of one entry point: its certificates (SNI picks one, spec §3.2), ALPN `h2` and `http/1.1`
/// (decision D20), TLS 1.2 at least. Certificates are re-read when their files change, without closing the
/// listener (`reload`): new connections get the new context, a bad new file keeps the old certificates serving.
public final class ServerTLS: Sendable {
    /// A client that has not finished its handshake by then is disconnected.
    static let handshakeTimeout = TimeAmount.seconds(10)

    public let entryPoint: String
    private let certificates: [CertificateConfig]
    private let current: Mutex<NIOSSLContext>

    /// - Throws: `TLSSetupError` naming the unreadable, invalid or mismatched file.
    public init(entryPoint: String, certificates: [CertificateConfig]) throws(TLSSetupError) {
        self.entryPoint = entryPoint
        self.certificates = certificates
        current = Mutex(try Self.makeContext(certificates))
    }

    /// The context for a new connection.
    var context: NIOSSLContext { current.withLock { $0 } }

    /// The certificate and key files to watch for `reload` (inline PEM has none).
    public var files: [String] {
        certificates.flatMap { [$0.certFile, $0.keyFile] }.filter { !Self.isInlinePEM($0) }
    }

    /// Re-reads every certificate; on error the current ones stay in use.
    public func reload() throws(TLSSetupError) {
        let context = try Self.makeContext(certificates)
        current.withLock { $0 = context }
    }

    private struct LoadedCertificate: Sendable {
        var chain: [NIOSSLCertificate]
        var key: NIOSSLPrivateKey

        var chainSources: [NIOSSLCertificateSource] { chain.map { .certificate($0) } }
    }

    private static func makeContext(_ certificates: [CertificateConfig]) throws(TLSSetupError) -> NIOSSLContext {
        guard !certificates.isEmpty else { throw TLSSetupError("no certificate configured") }
        var loading: [LoadedCertificate] = []
        for certificate in certificates { loading.append(try load(certificate)) }
        let loaded = loading
        let table = CertificateNameTable(namesPerCertificate: loaded.map { CertificateNames.of($0.chain[0]) })
        let defaultCertificate = loaded[0]
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: defaultCertificate.chainSources, privateKey: .privateKey(defaultCertificate.key))
        configuration.minimumTLSVersion = .tlsv12
        configuration.applicationProtocols = ["h2", "http/1.1"]
        if loaded.count > 1 {
            configuration.sslContextCallback = { hello, promise in
                let index = table.certificateIndex(forServerName: hello.serverHostname)
                guard index != 0 else {
                    promise.succeed(.noChanges)
                    return
                }
                var override = NIOSSLContextConfigurationOverride()
                override.certificateChain = loaded[index].chainSources
                override.privateKey = .privateKey(loaded[index].key)
                promise.succeed(override)
            }
        }
        do {
            return try NIOSSLContext(configuration: configuration)
        } catch {
            throw TLSSetupError("cannot build the TLS context: \(error)")
        }
    }

    /// One `CertFile`/`KeyFile` pair: each a path, or the PEM text itself (as the original allows).
    private static func load(_ certificate: CertificateConfig) throws(TLSSetupError) -> LoadedCertificate {
        let certName = displayName(certificate.certFile)
        let keyName = displayName(certificate.keyFile)
        let chain: [NIOSSLCertificate]
        do {
            chain = try NIOSSLCertificate.fromPEMBytes(Array(try pem(certificate.certFile, role: "CertFile")))
        } catch let error as TLSSetupError {
            throw error
        } catch {
            throw TLSSetupError("CertFile \(certName): not a PEM certificate (\(error))")
        }
        guard !chain.isEmpty else { throw TLSSetupError("CertFile \(certName): no certificate in it") }
        let key: NIOSSLPrivateKey
        do {
            key = try NIOSSLPrivateKey(bytes: Array(try pem(certificate.keyFile, role: "KeyFile")), format: .pem)
        } catch let error as TLSSetupError {
            throw error
        } catch {
            throw TLSSetupError("KeyFile \(keyName): not a PEM private key (\(error))")
        }
        // BoringSSL refuses a key that does not belong to the certificate when it is installed in a context.
        do {
            _ = try NIOSSLContext(
                configuration: .makeServerConfiguration(
                    certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key)))
        } catch {
            throw TLSSetupError("KeyFile \(keyName) does not match CertFile \(certName)")
        }
        return LoadedCertificate(chain: chain, key: key)
    }

    private static func isInlinePEM(_ value: String) -> Bool { value.contains("-----BEGIN") }

    private static func displayName(_ value: String) -> String { isInlinePEM(value) ? "(inline PEM)" : value }

    private static func pem(_ value: String, role: String) throws(TLSSetupError) -> [UInt8] {
        if isInlinePEM(value) { return Array(value.utf8) }
        guard !value.isEmpty else { throw TLSSetupError("\(role) is empty") }
        do {
            return try readFile(value)
        } catch {
            throw TLSSetupError("\(role) \(value): cannot read it: \(error.reason)")
        }
    }

    private struct ReadError: Error { let reason: String }

    private static func readFile(_ path: String) throws(ReadError) -> [UInt8] {
        guard let file = fopen(path, "rb") else { throw ReadError(reason: String(cString: strerror(errno))) }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let count = fread(&chunk, 1, chunk.count, file)
            if count > 0 { bytes.append(contentsOf: chunk[0..<count]) }
            if count < chunk.count {
                if ferror(file) != 0 { throw ReadError(reason: String(cString: strerror(errno))) }
                return bytes
            }
            if bytes.count > 16 * 1024 * 1024 { throw ReadError(reason: "larger than 16 MiB") }
        }
    }
}
