import NIOSSL

/// TLS options of a provider endpoint (Traefik's `[etcd.tls]`, `[docker.tls]`, … sections): PEM file paths.
public struct ProviderTLSConfiguration: Sendable, Equatable {
    /// Trust roots for the server certificate; nil means the system's.
    public var caFile: String?
    /// Client certificate (chain) and its key, sent when the server asks for one.
    public var certificateFile: String?
    public var keyFile: String?
    /// Accept any server certificate (no chain or name check).
    public var insecureSkipVerify: Bool
    /// The name the server certificate must carry and the SNI sent; nil means the endpoint's host
    /// (an IP address host is checked against the certificate's IP SANs and sends no SNI).
    public var serverName: String?

    public init(
        caFile: String? = nil,
        certificateFile: String? = nil,
        keyFile: String? = nil,
        insecureSkipVerify: Bool = false,
        serverName: String? = nil
    ) {
        self.caFile = caFile
        self.certificateFile = certificateFile
        self.keyFile = keyFile
        self.insecureSkipVerify = insecureSkipVerify
        self.serverName = serverName
    }

    /// Loads the files once; the context is shared by every connection of a client.
    func makeContext() throws(ProviderHTTPError) -> NIOSSLContext {
        var configuration = TLSConfiguration.makeClientConfiguration()
        do {
            if let caFile { configuration.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(caFile)) }
            switch (certificateFile, keyFile) {
            case (let certificateFile?, let keyFile?):
                configuration.certificateChain = try NIOSSLCertificate.fromPEMFile(certificateFile).map { .certificate($0) }
                configuration.privateKey = .privateKey(try NIOSSLPrivateKey(file: keyFile, format: .pem))
            case (nil, nil):
                break
            default:
                throw ProviderHTTPError(.tlsConfiguration, "TLS: a client certificate needs both a cert and a key file")
            }
            if insecureSkipVerify { configuration.certificateVerification = .none }
            return try NIOSSLContext(configuration: configuration)
        } catch let error as ProviderHTTPError {
            throw error
        } catch {
            throw ProviderHTTPError(.tlsConfiguration, "TLS: cannot load \(filesDescription): \(error)")
        }
    }

    private var filesDescription: String {
        [caFile.map { "CA \($0)" }, certificateFile.map { "cert \($0)" }, keyFile.map { "key \($0)" }]
            .compactMap { $0 }.joined(separator: ", ")
    }
}
