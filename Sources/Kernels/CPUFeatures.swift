import CKernels
import Foundation

/// The vector extensions of this CPU that matter to the kernels, as Linux reports them in
/// `/proc/cpuinfo`, and what runs on them: OpenBLAS picks its SGEMM kernels by the CPU (or by
/// `OPENBLAS_CORETYPE` when set); vidtag's loops in C (`Sources/CKernels`: the Winograd
/// transforms, 3×3 and 1-D, and pooling) run at the widest level the CPU has
/// (`vidtag_cpu_level`), its Swift loops (im2col, epilogues) are compiled for baseline x86-64.
public enum CPUFeatures {
    /// The extensions looked for, in the order printed (`/proc/cpuinfo` flag names).
    static let watched = ["avx2", "fma", "avx512f", "avx512bw", "avx512vl", "avx512_vnni", "avx512_bf16", "avx512ifma"]

    /// The watched flags present in `cpuinfo`'s first `flags` line (empty when there is none,
    /// as on other systems than Linux x86-64).
    static func present(inCPUInfo cpuinfo: String) -> [String] {
        guard let line = cpuinfo.split(separator: "\n").first(where: { $0.hasPrefix("flags") }),
              let colon = line.firstIndex(of: ":") else { return [] }
        let flags = Set(line[line.index(after: colon)...].split(separator: " ").map(String.init))
        return watched.filter(flags.contains)
    }

    /// This machine's watched extensions.
    public static let present: [String] = present(inCPUInfo: (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? "")

    /// One line for `--version` and the benchmarks, e.g. "CPU: avx2 fma avx512f …; OpenBLAS
    /// kernels: Cooperlake; vidtag's C loops: AVX-512F, its Swift loops: baseline x86-64".
    public static var description: String {
        let cpu = present.isEmpty ? "no AVX2 or AVX-512 reported" : present.joined(separator: " ")
        let core = Threading.blasCoreName
        let forced = ProcessInfo.processInfo.environment["OPENBLAS_CORETYPE"].map { " (OPENBLAS_CORETYPE=\($0))" } ?? ""
        let level = String(cString: vidtag_level_name(vidtag_cpu_level()))
        return "CPU: \(cpu); OpenBLAS kernels: \(core)\(forced); vidtag's C loops: \(level), its Swift loops: baseline x86-64"
    }
}
