import Foundation
import Testing
@testable import Weights

/// Files that must be rejected at open, each with its specific error and message.
@Suite struct MalformedFileTests {
    /// A malformed file built from bytes, the error case expected and fragments of its message.
    struct Case: Sendable, CustomTestStringConvertible {
        var label: String
        var bytes: [UInt8]
        var error: String
        var message: [String]
        var testDescription: String { label }

        init(_ label: String, _ bytes: [UInt8], _ error: String, _ message: String...) {
            self.label = label
            self.bytes = bytes
            self.error = error
            self.message = message
        }
    }

    /// A valid entry for an F32 tensor of shape [2] at `offsets`.
    static func entry(_ offsets: String = "[0,8]", shape: String = "[2]", dtype: String = "\"F32\"") -> String {
        #"{"dtype":\#(dtype),"shape":\#(shape),"data_offsets":\#(offsets)}"#
    }

    static let eightBytes = [UInt8](repeating: 0, count: 8)

    static let cases: [Case] = [
        Case("empty file", [], "tooShort", "file is 0 bytes", "8-byte header length"),
        Case("too short for the length prefix", [1, 0, 0, 0, 0], "tooShort", "file is 5 bytes"),
        Case("header length past the end", safetensorsBytes("{}", length: 40), "headerPastEnd",
             "says 40 bytes but only 2 bytes follow"),
        Case("header length huge", safetensorsBytes("{}", length: 1 << 63), "headerTooLarge",
             "says 9223372036854775808 bytes; at most 100000000"),
        Case("header length just over 100 MB", safetensorsBytes("{}", length: 100_000_001), "headerTooLarge",
             "100000001"),
        Case("empty header", safetensorsBytes(""), "malformedHeader", "header is empty"),
        Case("header not starting with '{'", safetensorsBytes(" {}"), "malformedHeader", "starts with byte 0x20"),
        Case("header JSON not an object", safetensorsBytes("[1,2]"), "malformedHeader", "expected '{'"),
        Case("not JSON", safetensorsBytes("{abc}"), "malformedHeader", "not valid JSON", "expected a string key at byte 1"),
        Case("JSON cut short", safetensorsBytes(#"{"a":{"dtype":"F32""#), "malformedHeader", "not valid JSON"),
        Case("garbage after the object", safetensorsBytes("{} x"), "malformedHeader", "unexpected 'x' after"),
        Case("invalid UTF-8", safetensorsBytes(header: Array(#"{"a"#.utf8) + [0xC3, 0x28] + Array(#"":1}"#.utf8)),
             "malformedHeader", "not valid UTF-8 (at byte 3)"),
        Case("nesting too deep",
             safetensorsBytes("{\"a\":" + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000) + "}"),
             "malformedHeader", "nesting deeper than 32"),
        Case("entry not an object", safetensorsBytes(#"{"w":5}"#), "malformedEntry", "tensor 'w'", "entry is 5"),
        Case("missing data_offsets", safetensorsBytes(#"{"w":{"dtype":"F32","shape":[2]}}"#, data: eightBytes),
             "malformedEntry", "tensor 'w'", "missing field 'data_offsets'"),
        Case("dtype not a string", safetensorsBytes(#"{"w":\#(entry(dtype: "4"))}"#, data: eightBytes),
             "malformedEntry", "dtype is 4"),
        Case("unknown dtype", safetensorsBytes(#"{"w":\#(entry(dtype: "\"F12\""))}"#, data: eightBytes),
             "unknownDType", "tensor 'w' has unknown dtype 'F12'", "expected one of BOOL, U8"),
        Case("shape/size mismatch",
             safetensorsBytes(#"{"conv.weight":\#(entry("[0,6000]", shape: "[64,3,3,3]"))}"#,
                              data: [UInt8](repeating: 0, count: 6000)),
             "sizeMismatch",
             "tensor 'conv.weight' has shape [64, 3, 3, 3] × F32 = 6912 bytes but data_offsets span 6000 bytes"),
        Case("offsets past the data", safetensorsBytes(#"{"w":\#(entry("[8,16]"))}"#, data: eightBytes),
             "outOfBounds", "tensor 'w' has data_offsets [8, 16] outside the data section of 8 bytes"),
        Case("overlapping ranges",
             safetensorsBytes(#"{"a":\#(entry("[0,8]")),"b":\#(entry("[4,12]"))}"#, data: eightBytes + eightBytes),
             "overlapping", "tensor 'b' data_offsets [4, 12] overlap tensor 'a' data_offsets [0, 8]"),
        Case("a gap between tensors",
             safetensorsBytes(#"{"a":\#(entry("[0,8]")),"b":\#(entry("[12,20]"))}"#, data: eightBytes + eightBytes + [0, 0, 0, 0]),
             "notContiguous", "tensor 'b' data starts at 12, expected 8"),
        Case("data after the last tensor", safetensorsBytes(#"{"w":\#(entry("[0,8]"))}"#, data: eightBytes + eightBytes),
             "trailingBytes", "the tensors use 8 of the 16 data bytes"),
        Case("begin after end", safetensorsBytes(#"{"w":\#(entry("[8,0]"))}"#, data: eightBytes),
             "malformedEntry", "data_offsets [8, 0] begin is after end"),
        Case("offsets not a pair", safetensorsBytes(#"{"w":\#(entry("[0,8,8]"))}"#, data: eightBytes),
             "malformedEntry", "data_offsets is an array of 3 elements; expected [begin, end]"),
        Case("negative offset", safetensorsBytes(#"{"w":\#(entry("[-8,0]"))}"#, data: eightBytes),
             "malformedEntry", "data_offsets[0] is -8; expected a non-negative integer"),
        Case("negative shape", safetensorsBytes(#"{"w":\#(entry(shape: "[-2]"))}"#, data: eightBytes),
             "malformedEntry", "shape[0] is -2; expected a non-negative integer"),
        Case("fractional shape", safetensorsBytes(#"{"w":\#(entry(shape: "[2.0]"))}"#, data: eightBytes),
             "malformedEntry", "shape[0] is 2.0"),
        Case("string shape", safetensorsBytes(#"{"w":\#(entry(shape: "[1,\"2\"]"))}"#, data: eightBytes),
             "malformedEntry", #"shape[1] is "2""#),
        Case("boolean shape", safetensorsBytes(#"{"w":\#(entry(shape: "[true]"))}"#, data: eightBytes),
             "malformedEntry", "shape[0] is true"),
        Case("shape too large for Int", safetensorsBytes(#"{"w":\#(entry(shape: "[99999999999999999999]"))}"#),
             "malformedEntry", "shape[0] is 99999999999999999999"),
        Case("shape product overflows",
             safetensorsBytes(#"{"w":\#(entry(shape: "[4294967296,4294967296]"))}"#, data: eightBytes),
             "malformedEntry", "has more bytes than Int can count"),
        Case("metadata with a non-string value", safetensorsBytes(#"{"__metadata__":{"epoch":3}}"#),
             "malformedMetadata", "the value of 'epoch' is 3; expected a string"),
        Case("metadata not an object", safetensorsBytes(#"{"__metadata__":"v1"}"#),
             "malformedMetadata", #"it is "v1"; expected an object"#),
        Case("duplicate tensor name",
             safetensorsBytes(#"{"w":\#(entry()),"w":\#(entry("[8,16]"))}"#, data: eightBytes + eightBytes),
             "duplicateTensor", "tensor name 'w' occurs more than once"),
    ]

    @Test(arguments: cases)
    func rejectedWithASpecificError(_ malformed: Case) throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write(malformed.bytes, to: "bad.safetensors")
        let error = #expect(throws: SafetensorsError.self) { try SafetensorsFile(path: path) }
        guard let error else { return }
        print("\(malformed.label): \(error.description.dropFirst(path.count + 2))")
        #expect(caseName(error) == malformed.error)
        #expect(error.description.hasPrefix(path + ": "), "the message names the file")
        for fragment in malformed.message {
            #expect(error.description.contains(fragment), "message lacks \"\(fragment)\"")
        }
    }

    @Test func missingFile() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("absent.safetensors")
        #expect(throws: SafetensorsError.unreadable(file: path, reason: "No such file or directory")) {
            try SafetensorsFile(path: path)
        }
    }

    @Test func directory() throws {
        let directory = try TemporaryDirectory()
        let error = #expect(throws: SafetensorsError.self) { try SafetensorsFile(path: directory.url.path) }
        #expect(error == .unreadable(file: directory.url.path, reason: "Is a directory"))
        #expect(error?.description == "\(directory.url.path): cannot read: Is a directory")
    }

    @Test func notARegularFile() throws {
        let error = #expect(throws: SafetensorsError.self) { try SafetensorsFile(path: "/dev/null") }
        #expect(error == .unreadable(file: "/dev/null", reason: "not a regular file"))
    }

    @Test(.enabled(if: getuid() != 0, "root reads files whatever their permissions"))
    func unreadablePermissions() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write(safetensorsBytes("{}"), to: "locked.safetensors")
        try FileManager.default.setAttributes([.posixPermissions: 0], ofItemAtPath: path)
        #expect(throws: SafetensorsError.unreadable(file: path, reason: "Permission denied")) {
            try SafetensorsFile(path: path)
        }
    }

    /// Odd but valid: what the reader accepts.
    @Test func acceptedOddities() throws {
        let directory = try TemporaryDirectory()
        let value = withUnsafeBytes(of: Float(1.5).bitPattern.littleEndian, Array.init)
        // A header of odd length (unaligned data), trailing spaces, unknown entry fields, an
        // empty tensor at the end of another, escapes in names, and a metadata object with no
        // keys. (A gap between tensors is refused, as the reference library refuses it.)
        let header = #"{"w\u00e9":{"dtype":"F32","shape":[1],"data_offsets":[0,4],"extra":[{"x":null}]},"#
            + #""e":{"dtype":"F32","shape":[0],"data_offsets":[4,4]},"__metadata__":{}}   "#
        let path = try directory.write(safetensorsBytes(header, data: value), to: "odd.safetensors")
        let file = try SafetensorsFile(path: path)
        #expect(file.entries.map(\.name) == ["wé", "e"])
        #expect(try file.floats("wé") == [1.5])
        #expect(try file.floats("e") == [])
        #expect(file.metadata.isEmpty)
        // The smallest valid file: an empty header object and no data.
        #expect(try SafetensorsFile(path: directory.write(safetensorsBytes("{}"), to: "min.safetensors")).entries.isEmpty)
    }
}
