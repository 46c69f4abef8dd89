/// The C library's allocator settings for the whole process.
enum ProcessMemory {
    /// One malloc arena for every thread instead of one per thread (glibc), set before any other
    /// thread starts: memory one worker frees serves the next allocation of another. 28 MB less
    /// peak resident memory on the demo corpus and no slower, as vidtag's allocations are few
    /// and large. Elsewhere than glibc, nothing.
    static func useOneMallocArena() {
        #if os(Linux)
        _ = mallopt(mArenaMax, 1)
        #endif
    }

    #if os(Linux)
    /// glibc's `M_ARENA_MAX` (`<malloc.h>`, which the Glibc module does not import).
    private static let mArenaMax: Int32 = -8
    #endif
}

#if os(Linux)
/// glibc's `int mallopt(int param, int value)`.
@_silgen_name("mallopt")
private func mallopt(_ parameter: Int32, _ value: Int32) -> Int32
#endif
