import NIOSSL

/// The names a certificate answers to for SNI selection: its subject common name and DNS alternative names.
enum CertificateNames {
    static func of(_ certificate: NIOSSLCertificate) -> [String] {
        var names: [String] = []
        if let der = try? certificate.toDERBytes(), let commonName = commonName(der: der) { names.append(commonName) }
        for alternative in certificate._subjectAlternativeNames() where alternative.nameType == .dnsName {
            names.append(String(decoding: alternative.contents, as: UTF8.self))
        }
        return names
    }

    /// The last common name (OID 2.5.4.3) of the subject of a DER certificate. NIOSSL keeps its own accessor
    /// internal, and this is the only field we need, so a few lines of DER walking beat another dependency.
    static func commonName(der: [UInt8]) -> String? {
        var certificate = DERReader(der)
        guard let certificateBody = certificate.next(expecting: 0x30) else { return nil }
        var tbs = DERReader(der, certificateBody)
        guard let tbsBody = tbs.next(expecting: 0x30) else { return nil }
        var fields = DERReader(der, tbsBody)
        var element = fields.next()
        if element?.tag == 0xA0 { element = fields.next() }  // explicit version
        // serial, signature algorithm, issuer, validity, then the subject
        guard element?.tag == 0x02, fields.next(expecting: 0x30) != nil, fields.next(expecting: 0x30) != nil,
            fields.next(expecting: 0x30) != nil, let subject = fields.next(expecting: 0x30)
        else { return nil }
        let commonNameOID: [UInt8] = [0x55, 0x04, 0x03]
        var found: String?
        var names = DERReader(der, subject)
        while let set = names.next(expecting: 0x31) {
            var attributes = DERReader(der, set)
            while let attribute = attributes.next(expecting: 0x30) {
                var parts = DERReader(der, attribute)
                guard let oid = parts.next(expecting: 0x06), let value = parts.next() else { continue }
                if der[oid].elementsEqual(commonNameOID) { found = String(decoding: der[value.body], as: UTF8.self) }
            }
        }
        return found
    }
}

/// Reads the tag-length-value elements of one DER constructed value, without copying.
private struct DERReader {
    private let bytes: [UInt8]
    private var index: Int
    private let end: Int

    init(_ bytes: [UInt8], _ range: Range<Int>? = nil) {
        self.bytes = bytes
        index = range?.lowerBound ?? 0
        end = range?.upperBound ?? bytes.count
    }

    /// The next element's body when it has `tag`, else nil (and the reader stops).
    mutating func next(expecting tag: UInt8) -> Range<Int>? {
        guard let element = next(), element.tag == tag else {
            index = end
            return nil
        }
        return element.body
    }

    mutating func next() -> (tag: UInt8, body: Range<Int>)? {
        guard index + 2 <= end else { return nil }
        let tag = bytes[index]
        var length = Int(bytes[index + 1])
        var cursor = index + 2
        if length >= 0x80 {
            let lengthBytes = length & 0x7F
            guard lengthBytes >= 1, lengthBytes <= 4, cursor + lengthBytes <= end else { return nil }
            length = 0
            for offset in 0..<lengthBytes { length = length << 8 | Int(bytes[cursor + offset]) }
            cursor += lengthBytes
        }
        guard length <= end - cursor else { return nil }
        index = cursor + length
        return (tag, cursor..<(cursor + length))
    }
}
