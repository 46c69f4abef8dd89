import ArgumentParser
import Weights

/// `vidtag bundle …`: model bundles.
struct Bundle: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Work with model bundles (bundle.json with encoder weights, head and taxonomy).",
        subcommands: [BundleVerify.self, BundleSeed.self, BundleImport.self]
    )
}

/// `vidtag bundle verify DIR`: every file present with its SHA-256.
struct BundleVerify: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check a bundle: bundle.json well formed, every file present, every SHA-256 matching.",
        discussion: "Exit status: 0 when the bundle is sound, 1 otherwise."
    )

    @Argument(help: "The bundle directory.")
    var directory: String

    func run() throws {
        do {
            let bundle = try ModelBundle.load(directory: directory)
            for line in try bundle.verify() { print(line) }
            print("\(directory): bundle '\(bundle.name)' ok")
        } catch {
            throw CommandFailure(error)
        }
    }
}
