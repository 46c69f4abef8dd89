import Foundation

/// Which model bundle a run uses when `--bundle` is not given: `$VIDTAG_BUNDLE`, else the
/// bundle installed beside the executable (`<prefix>/share/vidtag/bundle` for
/// `<prefix>/bin/vidtag`), else the demo bundle of the checkout it was built in (`Models/demo`,
/// found by walking up from the executable's folder).
public enum BundleLocator {
    public static let environmentVariable = "VIDTAG_BUNDLE"

    /// The bundle directory to use.
    /// - Throws: ``BundleLocatorError`` naming every place looked at when there is none.
    public static func locate(explicit: String?, environment: [String: String] = ProcessInfo.processInfo.environment,
                              executable: URL? = Bundle.main.executableURL) throws -> String {
        if let explicit { return explicit }
        if let variable = environment[environmentVariable], !variable.isEmpty { return variable }
        let candidates = installed(executable: executable)
        if let found = candidates.first(where: { FileManager.default.fileExists(atPath: $0 + "/bundle.json") }) {
            return found
        }
        throw BundleLocatorError(searched: candidates)
    }

    /// The installed and checkout locations, nearest first.
    static func installed(executable: URL?) -> [String] {
        guard let executable = executable?.resolvingSymlinksInPath() else { return [] }
        var folder = executable.deletingLastPathComponent()
        var candidates = [folder.deletingLastPathComponent().appendingPathComponent("share/vidtag/bundle").path]
        while folder.pathComponents.count > 1 {
            candidates.append(folder.appendingPathComponent("Models/demo").path)
            folder.deleteLastPathComponent()
        }
        return candidates
    }
}

/// No bundle was given and none was found.
public struct BundleLocatorError: Error, CustomStringConvertible {
    public let searched: [String]
    public var description: String {
        "no model bundle: pass --bundle DIR or set \(BundleLocator.environmentVariable); "
            + "`bash Scripts/setup.sh` makes the demo bundle in Models/demo (looked in: "
            + (searched.isEmpty ? "nowhere" : searched.joined(separator: ", ")) + ")"
    }
}
