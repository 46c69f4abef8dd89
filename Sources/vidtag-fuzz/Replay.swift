#if !VIDTAG_FUZZING
import Foundation

/// `vidtag-fuzz TARGET PATH…`: runs each file (or every file below each folder) through a fuzz
/// target once, as the fuzzer would, so that the committed corpora and crash reproducers under
/// Fixtures/fuzz stay regression tests in a normal build. Exit 0 when every input returns.
@main
struct Replay {
    static func main() {
        let arguments = CommandLine.arguments.dropFirst()
        let names = FuzzTarget.allCases.map(\.rawValue).joined(separator: "|")
        guard let first = arguments.first, let target = FuzzTarget(rawValue: first), arguments.count > 1 else {
            FileHandle.standardError.write(Data("usage: vidtag-fuzz \(names) FILE|FOLDER…\n".utf8))
            exit(1)
        }
        let scratch = Scratch()
        var count = 0
        for path in arguments.dropFirst() {
            for file in files(below: path) {
                guard let bytes = FileManager.default.contents(atPath: file) else {
                    FileHandle.standardError.write(Data("vidtag-fuzz: cannot read \(file)\n".utf8))
                    exit(1)
                }
                bytes.withUnsafeBytes { target.run($0, in: scratch) }
                count += 1
            }
        }
        print("\(target.rawValue): \(count) input\(count == 1 ? "" : "s") replayed")
    }

    /// `path` itself, or the regular files below it in sorted order.
    static func files(below path: String) -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
            return [path]
        }
        let names = (FileManager.default.enumerator(atPath: path)?.allObjects as? [String]) ?? []
        return names.sorted().map { path + "/" + $0 }.filter {
            var isFolder: ObjCBool = false
            return FileManager.default.fileExists(atPath: $0, isDirectory: &isFolder) && !isFolder.boolValue
        }
    }
}
#endif
