/// The parts of an HTTP request that frontend rules look at. The proxy's request type conforms;
/// matching is generic over it so the hot path neither boxes nor copies the request.
public protocol RoutableRequest {
    /// The method as sent (rules compare it case-insensitively, D6).
    var method: String { get }
    /// The Host header without its port, as sent (case preserved: Host rules are case-sensitive).
    var host: String { get }
    /// The percent-decoded path, without the query.
    var path: String { get }
    /// Every value of the header with this lowercased name, one element per header line.
    func headerValues(named lowercasedName: String) -> [String]
}
