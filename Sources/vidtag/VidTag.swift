import ArgumentParser

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
        subcommands: [Inspect.self, Weights.self]
    )
}
