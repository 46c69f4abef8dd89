import Foundation

/// This test process's scratch folder (bundles with full-size weights, outputs), under the
/// system's temporary directory, removed when the process exits so runs do not pile up.
enum TestFolder {
    static let root: URL = {
        let url = location(of: getpid())
        try? FileManager.default.removeItem(at: url)
        try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(at: TestFolder.location(of: getpid())) }
        return url
    }()

    static func location(of process: pid_t) -> URL {
        FileManager.default.temporaryDirectory.appendingPathComponent("vidtag-cli-tests-\(process)")
    }

    /// A fresh, empty folder `name` under the root.
    static func fresh(_ name: String) -> URL {
        let url = root.appendingPathComponent(name)
        try? FileManager.default.removeItem(at: url)
        try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
