#if VIDTAG_FUZZING
import Foundation

/// libFuzzer's entry points (built with `-sanitize=fuzzer`, see Scripts/fuzz.sh): the target
/// comes from `VIDTAG_FUZZ_TARGET`. SwiftPM names an executable's entry point after its module,
/// so the process starts here and hands over to libFuzzer's driver.
@_silgen_name("LLVMFuzzerRunDriver")
private func runDriver(
    _ argc: UnsafeMutablePointer<Int32>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ test: @convention(c) (UnsafePointer<UInt8>, Int) -> Int32
) -> Int32

@_cdecl("vidtag_fuzz_main")
public func fuzzMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    var count = argc
    var arguments = argv
    return runDriver(&count, &arguments, fuzzerTestOneInput)
}

nonisolated(unsafe) private var target: FuzzTarget = .manifest
nonisolated(unsafe) private var scratch: Scratch!

@_cdecl("LLVMFuzzerInitialize")
public func fuzzerInitialize(_ argc: UnsafeMutablePointer<Int32>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>) -> Int32 {
    let name = ProcessInfo.processInfo.environment["VIDTAG_FUZZ_TARGET"] ?? ""
    guard let chosen = FuzzTarget(rawValue: name) else {
        let names = FuzzTarget.allCases.map(\.rawValue).joined(separator: ", ")
        FileHandle.standardError.write(Data("VIDTAG_FUZZ_TARGET must be one of: \(names); found '\(name)'\n".utf8))
        exit(2)
    }
    target = chosen
    scratch = Scratch()
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    target.run(UnsafeRawBufferPointer(start: data, count: size), in: scratch)
    return 0
}
#endif
