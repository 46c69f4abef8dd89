import ArgumentParser
import Foundation

/// A failed command: prints "Error: <what went wrong>" on standard error and exits with 1.
struct CommandFailure: Error, CustomStringConvertible {
    let description: String
    init(_ error: Error) { description = String(describing: error) }
    init(_ message: String) { description = message }
}
