#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A whole regular file mapped read-only into memory (`mmap`, `PROT_READ`, `MAP_PRIVATE`);
/// unmapped when released. Safetensors files and the AudioEncoder's torch checkpoints are read
/// through it.
///
/// The bytes are read lazily by the kernel and never copied. As with any mapping, if another
/// process truncates the file while it is mapped, touching the lost pages raises SIGBUS;
/// weight files are expected to stay put while in use.
public final class MappedFile: @unchecked Sendable {
    /// The mapped bytes, `[0, size)`; empty for an empty file (nothing is mapped then).
    public let bytes: UnsafeRawBufferPointer

    /// Opens and maps `path`.
    ///
    /// Throws ``SafetensorsError/unreadable(file:reason:)`` with the system's text if the path
    /// cannot be opened, is not a regular file (a directory, a FIFO, a device), or cannot be mapped.
    public convenience init(path: String) throws(SafetensorsError) {
        try self.init(path: path) { SafetensorsError.unreadable(file: path, reason: $0) }
    }

    /// Opens and maps `path`, reporting failure as the caller's error type: `unreadable` turns
    /// the reason (the system's text for the error, or "not a regular file") into the error thrown.
    public init<Failure: Error>(path: String, unreadable: (_ reason: String) -> Failure) throws(Failure) {
        func failure(_ code: Int32) -> Failure { unreadable(String(cString: strerror(code))) }
        // O_NONBLOCK so that opening a FIFO does not wait for a writer; it is rejected below.
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { throw failure(errno) }
        defer { close(fd) }

        var status = stat()
        guard fstat(fd, &status) == 0 else { throw failure(errno) }
        switch status.st_mode & S_IFMT {
        case S_IFREG: break
        case S_IFDIR: throw failure(EISDIR)
        default: throw unreadable("not a regular file")
        }

        let size = Int(status.st_size)
        guard size > 0 else {
            bytes = UnsafeRawBufferPointer(start: nil, count: 0)
            return
        }
        guard let address = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0),
              address != UnsafeMutableRawPointer(bitPattern: -1)  // MAP_FAILED
        else { throw failure(errno) }
        bytes = UnsafeRawBufferPointer(start: address, count: size)
    }

    /// Lets the kernel drop the pages under `region` (a part of ``bytes``) from this process's
    /// resident memory (`madvise(MADV_DONTNEED)`; whole pages, so a neighbour's edge may go too):
    /// the mapping stays valid, and a later read faults the bytes back in from the page cache.
    /// For bytes that were copied out, so that a loaded weight is not resident twice, as the
    /// file's pages and as the copy.
    public func evict(_ region: UnsafeRawBufferPointer) {
        guard let base = region.baseAddress, region.count > 0 else { return }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let start = Int(bitPattern: base) & ~(page - 1)
        let end = (Int(bitPattern: base) + region.count + page - 1) & ~(page - 1)
        _ = madvise(UnsafeMutableRawPointer(bitPattern: start), end - start, MADV_DONTNEED)
    }

    deinit {
        if let base = bytes.baseAddress {
            munmap(UnsafeMutableRawPointer(mutating: base), bytes.count)
        }
    }
}
