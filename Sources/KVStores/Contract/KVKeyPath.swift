/// The key spelling of the `KVStore` contract, shared by the stores and the KV provider.
public enum KVKeyPath {
    /// One leading `/`, no trailing `/`, no empty segments: `traefik//x/` → `/traefik/x`; `""` and `/` → `/`.
    public static func normalised(_ key: String) -> String {
        "/" + key.split(separator: "/").joined(separator: "/")
    }

    /// Whether `key` is `prefix` itself or lies below it: a path boundary, not a string prefix (Consul's `recurse`
    /// and etcd v3 ranges would otherwise also return `/traefik_other` for `/traefik`). Both normalised.
    public static func isAtOrBelow(_ key: String, prefix: String) -> Bool {
        prefix == "/" || key == prefix || key.hasPrefix(prefix + "/")
    }
}
