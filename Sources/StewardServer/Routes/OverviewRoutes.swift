import Foundation
import Hummingbird
import NIOCore
import StewardCore
import StewardReport
import StewardStore

/// `GET /`: the HTML overview. Browsers cannot send bearer headers, so `/login` trades a pasted
/// token for an HttpOnly cookie. With `publicOverview` (on in --demo) anyone may read it.
struct OverviewRoutes {
    let store: any Store
    let authenticator: Authenticator
    let publicOverview: Bool

    func add(to router: Router<StewardContext>) {
        let group = router.group().add(middleware: AuthMiddleware(authenticator: authenticator, optional: true))
        group.get("/", use: overview)
        router.get("login") { _, _ in html(Self.loginForm(error: false)) }
        router.post("login", use: login)
    }

    @Sendable func overview(_ request: Request, context: StewardContext) async throws -> Response {
        let domain: DomainName?
        switch context.principal {
        case nil:
            guard publicOverview else {
                return Response(status: .seeOther, headers: [.location: "/login"])
            }
            domain = nil
        case let p?:
            domain = p.role == .agent ? p.domain : nil
        }
        let overview = try await Overview.build(store: store, domain: domain, now: .now)
        return html(OverviewPage.render(overview))
    }

    @Sendable func login(_ request: Request, context: StewardContext) async throws -> Response {
        let form = try await request.collectBody(fixedLimit: 4096)
        let fields = String(buffer: form).split(separator: "&").reduce(into: [String: String]()) { out, pair in
            let kv = pair.split(separator: "=", maxSplits: 1)
            if kv.count == 2 { out[String(kv[0])] = String(kv[1]).replacingOccurrences(of: "+", with: " ").removingPercentEncoding }
        }
        let token = fields["token"]?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        guard try await authenticator.authenticate(token) != nil else {
            return html(Self.loginForm(error: true), status: .unauthorized)
        }
        return Response(status: .seeOther, headers: [
            .location: "/",
            .setCookie: "steward_token=\(token); Path=/; HttpOnly; SameSite=Strict; Max-Age=86400",
        ])
    }

    static func loginForm(error: Bool) -> String {
        let message: HTML = error ? "<p class=bad>That token is not valid. Create one with <code>steward token create</code>.</p>" : ""
        let page: HTML = """
        <!doctype html><html lang="en"><head><meta charset="utf-8"><title>Steward · sign in</title>
        <style>body{font:15px system-ui,sans-serif;max-width:420px;margin:80px auto;color:#1d2330}
        input{width:100%;padding:8px;margin:8px 0;font:inherit}.bad{color:#c5221f}</style></head>
        <body><h1>Steward</h1>\(message)<form method="post" action="/login">
        <label for="token">Access token</label><input id="token" name="token" type="password" autocomplete="off" required>
        <button type="submit">Sign in</button></form>
        <p><small>The first start writes an admin token to <code>steward-data/admin-token</code>.</small></p></body></html>
        """
        return page.text
    }
}

func html(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
    Response(status: status, headers: [.contentType: "text/html; charset=utf-8"],
             body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
}
