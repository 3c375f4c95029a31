import Foundation

/// Where the configuration file is, in order: the explicit path (`--config`), else `$BATON_CONFIG`,
/// else `./baton.json`, else `$XDG_CONFIG_HOME/baton/config.json` (when set) or
/// `~/.config/baton/config.json`. A missing explicit or `BATON_CONFIG` file is an error (the user
/// asked for it); missing default files just mean "no file".
public enum ConfigurationFileLocator {
  public static let environmentVariable = "BATON_CONFIG"

  /// A file that exists: `path` to read it, `displayName` as the user would recognise it in errors
  /// (`baton.json` rather than an absolute path for the working directory's file).
  public struct Location: Sendable, Equatable {
    public var path: String
    public var displayName: String

    public init(path: String, displayName: String) {
      self.path = path
      self.displayName = displayName
    }
  }

  public static func locate(
    explicitPath: String?, environment: [String: String], currentDirectory: String
  ) throws(ConfigurationError) -> Location? {
    if let explicitPath, !explicitPath.isEmpty {
      return try required(explicitPath, reason: "given with --config", environment: environment, currentDirectory: currentDirectory)
    }
    if let named = BuiltInProviders.value(environmentVariable, in: environment) {
      return try required(
        named, reason: "named by \(environmentVariable)", environment: environment, currentDirectory: currentDirectory)
    }
    let local = absolute("baton.json", environment: environment, currentDirectory: currentDirectory)
    if isFile(local) { return Location(path: local, displayName: "baton.json") }
    let configHome: String?
    if let xdg = BuiltInProviders.value("XDG_CONFIG_HOME", in: environment) {
      configHome = xdg
    } else if let home = BuiltInProviders.value("HOME", in: environment) {
      configHome = (home as NSString).appendingPathComponent(".config")
    } else {
      configHome = nil
    }
    if let configHome {
      let user = (configHome as NSString).appendingPathComponent("baton/config.json")
      if isFile(user) { return Location(path: user, displayName: user) }
    }
    return nil
  }

  private static func required(
    _ path: String, reason: String, environment: [String: String], currentDirectory: String
  ) throws(ConfigurationError) -> Location {
    let resolved = absolute(path, environment: environment, currentDirectory: currentDirectory)
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: resolved, isDirectory: &isDirectory) else {
      throw ConfigurationError(source: path, problem: "no such file (\(reason))")
    }
    guard !isDirectory.boolValue else {
      throw ConfigurationError(source: path, problem: "is a directory, not a file (\(reason))")
    }
    return Location(path: resolved, displayName: path)
  }

  /// `~/` is expanded with the injected `HOME`, relative paths are taken from `currentDirectory`.
  private static func absolute(_ path: String, environment: [String: String], currentDirectory: String) -> String {
    var expanded = path
    if path.hasPrefix("~/"), let home = BuiltInProviders.value("HOME", in: environment) {
      expanded = (home as NSString).appendingPathComponent(String(path.dropFirst(2)))
    }
    return expanded.hasPrefix("/") ? expanded : (currentDirectory as NSString).appendingPathComponent(expanded)
  }

  private static func isFile(_ path: String) -> Bool {
    var isDirectory: ObjCBool = false
    return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && !isDirectory.boolValue
  }
}
