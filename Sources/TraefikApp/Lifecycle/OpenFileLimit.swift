#if canImport(Glibc)
import Glibc
#endif

/// Every client and upstream connection is a descriptor, and distributions still start processes with a soft
/// limit of 1 024; like nginx's `worker_rlimit_nofile` and Go's runtime, the proxy raises its soft limit to the
/// hard one at start (systemd's unit sets the hard limit, `LimitNOFILE=`).
public enum OpenFileLimit {
    /// The soft limit after the attempt (unchanged if it was already at the hard limit or the call failed).
    @discardableResult
    public static func raiseToHardLimit() -> UInt64 {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 0 }
        if limit.rlim_cur < limit.rlim_max {
            var raised = limit
            raised.rlim_cur = limit.rlim_max
            if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &raised) == 0 { return UInt64(raised.rlim_cur) }
        }
        return UInt64(limit.rlim_cur)
    }
}
