import Foundation
import Hummingbird
import Logging
import NIOCore
import StewardAPI
import StewardCore
import StewardIngest
import StewardLineage
import StewardPolicy
import StewardStore

/// Every error, whatever module raised it, leaves the server as one JSON body with a stable code.
/// Unexpected errors become a 500 whose message says nothing about internals (they are logged).
struct APIFailure: Error {
    let status: HTTPResponse.Status
    let body: ErrorBody
    /// For 405: the methods the path answers to.
    var allow: [String] = []

    init(_ error: any Error, logger: Logger) {
        switch error {
        case let e as APIFailure:
            self = e
        case let e as ServerError:
            let status: HTTPResponse.Status = switch e {
            case .unauthenticated: .unauthorized
            case .forbiddenDomain, .forbiddenRole: .forbidden
            case .notFound, .noRoute: .notFound
            case .methodNotAllowed: .methodNotAllowed
            case .invalidParameter, .invalidBody: .badRequest
            case .bodyTooLarge: .contentTooLarge
            case .rejectedPolicy: .unprocessableContent
            case .dataDirectoryInUse, .addressInUse: .internalServerError  // start-up only, never a request's
            }
            var details: [FieldProblem] = []
            if case .invalidParameter(let field, let message) = e { details = [FieldProblem(field: field, message: message)] }
            if case .rejectedPolicy(let problems) = e { details = problems.map(FieldProblem.init) }
            if case .invalidBody(let problems) = e { details = problems }
            self.init(status: status, code: e.code, message: e.message, details: details)
            if case .methodNotAllowed(_, _, let allowed) = e { allow = allowed }
        case let e as IngestError:
            let status: HTTPResponse.Status = switch e {
            case .malformedBody, .invalidBatch, .invalidDescriptor: .badRequest
            case .unknownTargets: .unprocessableContent
            case .unsupportedMediaType: .unsupportedMediaType
            }
            self.init(status: status, code: e.code, message: e.message, details: e.details)
        case let e as LineageError:
            let status: HTTPResponse.Status = switch e {
            case .malformed, .unknownEventType, .invalid, .tooManyEvents: .badRequest
            case .foreignDataset: .forbidden
            case .eventTooLarge: .contentTooLarge
            }
            self.init(status: status, code: e.code, message: e.message, details: e.details)
        case let e as StoreError:
            switch e {
            case .unavailable:
                logger.warning("store unavailable", metadata: ["error": "\(e)"])
                self.init(status: .serviceUnavailable, code: e.code,
                          message: "The store is unavailable; nothing was stored. Retry later.")
            case .conflict:
                self.init(status: .conflict, code: e.code, message: "The request conflicts with existing data.")
            case .schemaTooNew, .failed:
                logger.error("store failure", metadata: ["error": "\(e)"])
                self.init(status: .internalServerError, code: e.code, message: "The store failed; nothing was stored.")
            }
        case is NIOTooManyBytesError:
            self.init(status: .contentTooLarge, code: ServerError.bodyTooLarge(limit: 0, option: nil).code,
                      message: "The body exceeds the server's limit; split the batch.")
        case let e as HTTPError:
            let code = e.status == .notFound ? "not_found" : "http_\(e.status.code)"
            self.init(status: e.status, code: code, message: e.body ?? e.status.reasonPhrase)
        default:
            logger.error("unexpected error", metadata: ["type": "\(type(of: error))"])
            self.init(status: .internalServerError, code: "internal_error", message: "An unexpected error occurred.")
        }
    }

    init(status: HTTPResponse.Status, code: String, message: String, details: [FieldProblem] = []) {
        self.status = status
        self.body = ErrorBody(code: code, message: message, details: details)
    }

    var response: Response {
        let data = (try? JSONResponse.encoder.encode(body)) ?? Data(#"{"error":{"code":"internal_error","message":"","details":[]}}"#.utf8)
        var headers = HTTPFields()
        headers[.contentType] = MediaType.json
        if status == .unauthorized { headers[.wwwAuthenticate] = "Bearer" }
        if !allow.isEmpty { headers[.allow] = allow.joined(separator: ", ") }
        // The store is down: clients may retry (batches are idempotent by id), but not at once.
        if status == .serviceUnavailable { headers[.retryAfter] = "2" }
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// Turns anything thrown below into the JSON error body.
struct ErrorBodyMiddleware<Context: RequestContext>: RouterMiddleware {
    let routes: RouteTable

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound && context.endpointPath == "NotFound" {
            // Hummingbird's answer when no route matched: say what the path does answer to.
            let method = request.method.rawValue, path = request.uri.path
            let allowed = routes.methods(for: path).map(\.rawValue)
            let miss = allowed.isEmpty ? ServerError.noRoute(method: method, path: path)
                : ServerError.methodNotAllowed(method: method, path: path, allowed: allowed)
            return APIFailure(miss, logger: context.logger).response
        } catch {
            return APIFailure(error, logger: context.logger).response
        }
    }
}

extension FieldProblem {
    /// A policy diagnostic: the field is its location, the message its code, text and caret.
    init(_ d: PolicyDiagnostic) {
        self.init(field: "\(d.file):\(d.line):\(d.column)", message: "\(d.code.rawValue): \(d.message)" + (d.caret.map { "\n" + $0 } ?? ""))
    }
}
