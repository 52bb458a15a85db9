import ConfigFormats
import TraefikCore

/// A configuration file as the proxy loads one (ConfigLoader, FileProvider): parsed in its format into the neutral
/// `ConfigNode` tree, decoded as the static and the dynamic configuration, and the routes compiled. Errors are
/// expected; crashes are not. Parsing the same text twice must give the same tree, and compiling a second decoding
/// (whose dictionaries iterate in another order) the same routes: the matching order is fully deterministic (D5).
///
/// Input: one byte choosing the format (TOML, JSON, YAML, HCL, by its value modulo 4), then the file's text.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let format = ConfigSource.Format.allCases[Int(data[0]) % ConfigSource.Format.allCases.count]
    let text = String(decoding: UnsafeBufferPointer(start: data + 1, count: size - 1), as: UTF8.self)
    let file = "fuzz.\(format.rawValue)"
    guard let node = try? ConfigSource.parse(text: text, file: file) else { return 0 }
    guard let again = try? ConfigSource.parse(text: text, file: file), again == node else {
        fatalError("\(format) text parsed differently the second time: \(text.debugDescription)")
    }

    var staticDecoder = ConfigDecoder()
    let staticConfiguration = try? staticDecoder.decode(StaticConfiguration.self, from: node)
    var dynamicDecoder = ConfigDecoder()
    guard let dynamicConfiguration = try? dynamicDecoder.decode(DynamicConfiguration.self, from: node) else { return 0 }
    let entryPoints = staticConfiguration.map { Set($0.entryPoints.keys) } ?? ["http"]
    let defaultEntryPoints = staticConfiguration?.defaultEntryPoints ?? ["http"]
    let compiled = CompiledConfiguration.compile(
        dynamicConfiguration, entryPointNames: entryPoints, defaultEntryPoints: defaultEntryPoints)

    var secondDecoder = ConfigDecoder()
    guard let secondDecoding = try? secondDecoder.decode(DynamicConfiguration.self, from: node) else {
        fatalError("the dynamic configuration decoded once, not twice: \(text.debugDescription)")
    }
    let recompiled = CompiledConfiguration.compile(
        secondDecoding, entryPointNames: entryPoints, defaultEntryPoints: defaultEntryPoints)
    if recompiled != compiled { fatalError("compiling the same configuration twice differs: \(text.debugDescription)") }
    return 0
}
