/// Named activation buffers that grow to the largest batch seen.
final class Workspace {
    private var buffers: [String: FloatBuffer] = [:]

    func get(_ name: String, _ count: Int) -> UnsafeMutablePointer<Float> {
        if let buffer = buffers[name] {
            buffer.ensure(count)
            return buffer.pointer
        }
        let buffer = FloatBuffer(count: count)
        buffers[name] = buffer
        return buffer.pointer
    }

    func read(_ name: String, _ count: Int) -> [Float] {
        guard let buffer = buffers[name] else { return [] }
        return buffer.array(min(count, buffer.count))
    }
}
