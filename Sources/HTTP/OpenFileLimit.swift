#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The process's limit on open file descriptors. Every concurrent transfer holds a socket,
/// and the usual soft limit (often 1024) is too low for many parallel streams.
public enum OpenFileLimit {
  /// Raises the soft limit to the hard limit and returns the soft limit now in force.
  /// Safe to call repeatedly; the client calls it once before its first transfer.
  @discardableResult
  public static func raiseToHardLimit() -> UInt64 {
    var limits = rlimit()
    guard getrlimit(resource, &limits) == 0 else { return 0 }
    guard limits.rlim_cur < limits.rlim_max else { return UInt64(limits.rlim_cur) }
    var raised = limits
    raised.rlim_cur = limits.rlim_max
    if setrlimit(resource, &raised) == 0 { return UInt64(raised.rlim_cur) }
    // An unlimited hard limit cannot become the soft limit on Linux; the kernel's
    // per-process ceiling (fs.nr_open, 1,048,576 by default) can.
    raised.rlim_cur = rlim_t(1 << 20)
    if limits.rlim_max > raised.rlim_cur, setrlimit(resource, &raised) == 0 { return UInt64(raised.rlim_cur) }
    return UInt64(limits.rlim_cur)
  }

  #if canImport(Glibc)
    private static let resource = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
  #else
    private static let resource = RLIMIT_NOFILE
  #endif
}
