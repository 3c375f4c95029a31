import RPC

/// The released identity of this build, reported by `--version`, `initialize` and `baton/status`.
public enum BatonRelease {
  public static let version = "0.1.0"
  /// The version of the wire contract in protocol.md; bumped when a method or shape changes incompatibly.
  public static let protocolVersion = "1.0"

  public static let serverInfo = ServerInfo(name: "baton", version: version, protocolVersion: protocolVersion)
}
