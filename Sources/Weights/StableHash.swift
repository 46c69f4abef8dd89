/// FNV-1a, 64-bit (Fowler, Noll, Vo): a hash of a string's UTF-8 bytes that is the same on
/// every machine and run — for seeding per-tensor weight streams and for splitting ids into shards.
public enum StableHash {
    public static func fnv1a64(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return hash
    }
}
