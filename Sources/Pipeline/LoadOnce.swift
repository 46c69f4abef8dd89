import Foundation

/// A value made once, on first use: by the first thread that asks (others wait for it), or
/// ahead of time on a thread of its own after ``start()``. A failure is kept and thrown to
/// every asker.
final class LoadOnce<Value>: @unchecked Sendable {
    private enum State {
        case idle
        case loading
        case done(Result<Value, Error>)
    }

    private let make: () throws -> Value
    private let condition = NSCondition()
    private var state = State.idle

    init(_ make: @escaping () throws -> Value) { self.make = make }

    /// Begins making the value on a thread of its own, unless it is made or being made.
    func start() {
        guard claim() else { return }
        let thread = Thread { [self] in finish(Result { try make() }) }
        thread.stackSize = 8 << 20
        thread.start()
    }

    /// The value, made now if nobody has begun making it.
    func get() throws -> Value {
        if claim() { finish(Result { try make() }) }
        condition.lock()
        defer { condition.unlock() }
        while true {
            if case let .done(result) = state { return try result.get() }
            condition.wait()
        }
    }

    /// True for the one caller that moves the state from idle to loading.
    private func claim() -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard case .idle = state else { return false }
        state = .loading
        return true
    }

    private func finish(_ result: Result<Value, Error>) {
        condition.lock()
        state = .done(result)
        condition.broadcast()
        condition.unlock()
    }
}
