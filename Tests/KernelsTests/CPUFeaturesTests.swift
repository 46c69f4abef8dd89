@testable import Kernels
import Testing

/// The extensions `vidtag --version` and the benchmarks report, read from `/proc/cpuinfo`.
@Suite struct CPUFeaturesTests {
    @Test func readsTheWatchedFlagsOfTheFirstFlagsLine() {
        let cpuinfo = """
            processor\t: 0
            model name\t: AMD EPYC
            flags\t\t: fpu sse sse2 avx fma avx2 avx512f avx512bw avx512vl avx512_bf16 avx512_vnni sha_ni
            processor\t: 1
            flags\t\t: fpu sse avx512ifma
            """
        #expect(CPUFeatures.present(inCPUInfo: cpuinfo) == ["avx2", "fma", "avx512f", "avx512bw", "avx512vl",
                                                            "avx512_vnni", "avx512_bf16"])
    }

    @Test func anAVX2MachineHasNoAVX512() {
        let cpuinfo = "flags\t\t: fpu sse sse2 avx fma avx2 bmi2\n"
        #expect(CPUFeatures.present(inCPUInfo: cpuinfo) == ["avx2", "fma"])
    }

    @Test func noFlagsLineReportsNothing() {
        #expect(CPUFeatures.present(inCPUInfo: "").isEmpty)
        #expect(CPUFeatures.present(inCPUInfo: "processor\t: 0\nflags without colon avx2\n").isEmpty)
    }
}
