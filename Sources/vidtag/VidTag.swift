import ArgumentParser
import Foundation

/// The `vidtag` command: a thin layer over the libraries, one file per subcommand.
@main
struct VidTag: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vidtag",
        abstract: "Tag short videos with a two-level category taxonomy, offline, on CPUs.",
        discussion: """
            Exit status: 0 on success, 1 on bad usage or a failed command, 2 when some inputs \
            failed (commands that take several inputs).
            """,
        version: VersionInfo.text,
        subcommands: [Inspect.self, Extract.self, Classify.self, Similar.self, Train.self, Evaluate.self, TaxonomyCommand.self, Bundle.self, Weights.self]
    )

    /// Runs the command; usage errors exit with status 1 (ArgumentParser's default is 64).
    static func main() {
        ProcessMemory.useOneMallocArena()
        do {
            var command = try parseAsRoot()
            if command is VidTag {
                // No subcommand: the usage on stderr, and a status a script notices.
                FileHandle.standardError.write(Data((helpMessage() + "\n").utf8))
                Foundation.exit(1)
            }
            try command.run()
        } catch {
            if exitCode(for: error) == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(1)
            }
            exit(withError: error)
        }
    }
}
