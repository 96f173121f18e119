import Foundation
import Hummingbird
import NIOCore
import StewardAPI
import StewardCore

enum JSONResponse {
    static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }()

    static func make(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        raw(try encoder.encode(value), status: status)
    }

    static func raw(_ data: Data, status: HTTPResponse.Status = .ok) -> Response {
        body(ByteBuffer(bytes: data), status: status)
    }

    /// A document written with `JSONWriter`, sent without converting it to a String first.
    static func raw(_ writer: JSONWriter, status: HTTPResponse.Status = .ok) -> Response {
        body(ByteBuffer(bytes: writer.bytes), status: status)
    }

    static func raw(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        body(ByteBuffer(string: text), status: status)
    }

    private static func body(_ buffer: ByteBuffer, status: HTTPResponse.Status) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = MediaType.json
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: buffer))
    }
}

extension Request {
    /// Collects the body up to `limit` (`steward serve --max-body-bytes`), answering 413 early when
    /// Content-Length already says too much.
    func collectBody(limit: Int) async throws -> ByteBuffer {
        try await collectBody(limit: limit, option: "--max-body-bytes")
    }

    /// Collects the body up to a limit of the route's own (a login form, a waiver), which no
    /// option raises, so the 413 does not advise one.
    func collectBody(fixedLimit: Int) async throws -> ByteBuffer {
        try await collectBody(limit: fixedLimit, option: nil)
    }

    private func collectBody(limit: Int, option: String?) async throws -> ByteBuffer {
        if let length = headers[.contentLength].flatMap(Int.init), length > limit {
            throw ServerError.bodyTooLarge(limit: limit, option: option)
        }
        do {
            return try await body.collect(upTo: limit)
        } catch is NIOTooManyBytesError {
            throw ServerError.bodyTooLarge(limit: limit, option: option)
        }
    }

    /// The media type without parameters, lowercased.
    var mediaType: String {
        let raw = headers[.contentType] ?? MediaType.json
        return raw.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? MediaType.json
    }
}
