import NIOCore
import NIOSSL

/// How the proxy speaks TLS to `https://` backend servers: the system trust store plus `rootCAs`, the backend
/// host as SNI and for verification (an IP literal is verified against the certificate's IP names).
public struct UpstreamTLS: Sendable {
    let context: NIOSSLContext

    /// - Parameters:
    ///   - rootCAs: extra trusted CA certificates (PEM file paths or inline PEM), added to the system store.
    ///   - insecureSkipVerify: accept any backend certificate (testing only; logged as a warning by the caller).
    public init(rootCAs: [String] = [], insecureSkipVerify: Bool = false) throws(TLSSetupError) {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.applicationProtocols = ["http/1.1"]
        if insecureSkipVerify { configuration.certificateVerification = .none }
        if !rootCAs.isEmpty {
            var extra: [NIOSSLCertificate] = []
            for source in rootCAs {
                do {
                    extra += source.contains("-----BEGIN")
                        ? try NIOSSLCertificate.fromPEMBytes(Array(source.utf8))
                        : try NIOSSLCertificate.fromPEMFile(source)
                } catch {
                    throw TLSSetupError("rootCAs \(source.contains("-----BEGIN") ? "(inline PEM)" : source): \(error)")
                }
            }
            configuration.additionalTrustRoots = [.certificates(extra)]
        }
        do {
            context = try NIOSSLContext(configuration: configuration)
        } catch {
            throw TLSSetupError("backend TLS context: \(error)")
        }
    }

    /// The handler to put first in a new backend connection's pipeline.
    func makeHandler(host: String) throws -> NIOSSLClientHandler {
        try NIOSSLClientHandler(context: context, serverHostname: Self.isIPLiteral(host) ? nil : host)
    }

    private static func isIPLiteral(_ host: String) -> Bool {
        host.contains(":") || host.allSatisfy { $0 == "." || $0.isNumber }
    }
}
