import Foundation
import Kernels
import Testing
@testable import Weights

/// Writing with `SafetensorsWriter` and reading back with `SafetensorsFile`.
@Suite struct RoundTripTests {
    /// Special float32 values, including a NaN with a payload, which must survive bit for bit.
    static let specials: [Float] = [
        0, -0.0, 1, -1, .infinity, -.infinity, .nan, Float(bitPattern: 0xFFC0_1234),
        .greatestFiniteMagnitude, .leastNormalMagnitude, .leastNonzeroMagnitude, -.leastNonzeroMagnitude,
    ]

    static let tensors: [(name: String, tensor: Tensor)] = [
        ("encoder.conv.weight", Tensor(shape: [2, 3, 2], data: (0..<12).map { Float($0) * 0.37 - 2 })),
        ("specials", Tensor(shape: [3, 4], data: specials)),
        ("scalar", Tensor(shape: [], data: [42.5])),
        ("empty", Tensor(shape: [4, 0, 3], data: [])),
        ("a.last", Tensor(shape: [1], data: [-7])),
    ]

    static let metadata = [
        "id": "video-001",
        "quotes \" and \\ backslash": "line\nbreak\ttab \u{01} control",
        "ünïcode 🎬": "汉字",
        "": "empty key",
    ]

    @Test func valuesShapesAndMetadataSurviveBitForBit() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("roundtrip.safetensors")
        try SafetensorsWriter.write(Self.tensors, metadata: Self.metadata, to: path)

        let file = try SafetensorsFile(path: path)
        #expect(file.metadata == Self.metadata)
        #expect(file.entries.map(\.name) == Self.tensors.map(\.name), "given order is file order")
        for (name, tensor) in Self.tensors {
            let entry = try file.entry(name)
            #expect(entry.dtype == .f32)
            #expect(entry.shape == tensor.shape)
            #expect(entry.elementCount == tensor.count)
            #expect(entry.byteCount == 4 * tensor.count)
            let read = try file.tensor(name)
            #expect(read.shape == tensor.shape)
            #expect(read.data.map(\.bitPattern) == tensor.data.map(\.bitPattern), "\(name)")
        }
        #expect(try file.tensor("scalar").shape == [])
        #expect(try file.floats("empty") == [])
    }

    @Test func outputIsTheReferenceLayout() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("small.safetensors")
        try SafetensorsWriter.write(
            [("x", Tensor(shape: [2], data: [1, 2])), ("s", Tensor(shape: [], data: [3]))],
            metadata: ["k": "v"], to: path)

        let written = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        let json = #"{"__metadata__":{"k":"v"},"x":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"#
            + #""s":{"dtype":"F32","shape":[],"data_offsets":[8,12]}}"#
        let padded = json + String(repeating: " ", count: (8 - json.utf8.count % 8) % 8)
        let data = [Float(1), 2, 3].flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian, Array.init) }
        #expect(padded.utf8.count % 8 == 0)
        #expect(written == safetensorsBytes(padded, data: data))
    }

    @Test func sameInputSameBytes() throws {
        let directory = try TemporaryDirectory()
        let (first, second) = (directory.path("1.safetensors"), directory.path("2.safetensors"))
        try SafetensorsWriter.write(Self.tensors, metadata: Self.metadata, to: first)
        try SafetensorsWriter.write(Self.tensors, metadata: Self.metadata, to: second)
        #expect(FileManager.default.contentsEqual(atPath: first, andPath: second))
    }

    @Test func writeReplacesAtomicallyAndLeavesNoTemporaryFile() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("w.safetensors")
        try SafetensorsWriter.write([("old", Tensor(shape: [1], data: [1]))], to: path)
        try SafetensorsWriter.write([("new", Tensor(shape: [1], data: [2]))], to: path)
        #expect(try directory.contents() == ["w.safetensors"])
        #expect(try SafetensorsFile(path: path).entries.map(\.name) == ["new"])

        // A failing write leaves the old file as it was.
        #expect(throws: SafetensorsError.duplicateTensor(file: path, name: "a")) {
            try SafetensorsWriter.write(
                [("a", Tensor(shape: [1], data: [1])), ("a", Tensor(shape: [1], data: [2]))], to: path)
        }
        #expect(try SafetensorsFile(path: path).entries.map(\.name) == ["new"])
        #expect(try directory.contents() == ["w.safetensors"])
    }

    @Test func writeRejectsReservedNameAndMissingDirectory() throws {
        let directory = try TemporaryDirectory()
        let reserved = directory.path("r.safetensors")
        let error = #expect(throws: SafetensorsError.self) {
            try SafetensorsWriter.write([("__metadata__", Tensor(shape: [1], data: [1]))], to: reserved)
        }
        #expect(error?.description.contains("'__metadata__' is reserved") == true)

        let missing = directory.path("no/such/dir/w.safetensors")
        let ioError = #expect(throws: SafetensorsError.self) {
            try SafetensorsWriter.write([("a", Tensor(shape: [1], data: [1]))], to: missing)
        }
        #expect(ioError.map(caseName) == "writeFailed")
        #expect(ioError?.description.contains("No such file or directory") == true, "\(String(describing: ioError))")
    }

    @Test func lookupErrorsNameTheTensor() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("l.safetensors")
        try SafetensorsWriter.write(Self.tensors, to: path)
        let file = try SafetensorsFile(path: path)
        #expect(file.metadata == [:])
        #expect(throws: SafetensorsError.tensorNotFound(file: path, name: "nope")) { try file.floats("nope") }
        #expect(throws: SafetensorsError.tensorNotFound(file: path, name: "nope")) { try file.rawBytes("nope") }
        #expect(SafetensorsError.tensorNotFound(file: path, name: "nope").description == "\(path): no tensor named 'nope'")
    }
}
