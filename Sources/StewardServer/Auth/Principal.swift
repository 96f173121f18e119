import StewardCore
import StewardStore

/// Who is calling: a token's role and, for agents, the one domain it is bound to.
public struct Principal: Sendable, Equatable {
    public var tokenID: String
    public var role: TokenRecord.Role
    public var domain: DomainName?

    public init(tokenID: String, role: TokenRecord.Role, domain: DomainName?) {
        self.tokenID = tokenID; self.role = role; self.domain = domain
    }

    public func canRead(_ domain: DomainName) -> Bool {
        switch role {
        case .admin, .council: true
        case .agent: self.domain == domain
        }
    }

    public func canWrite(_ domain: DomainName) -> Bool {
        switch role {
        case .admin: true
        case .council: false
        case .agent: self.domain == domain
        }
    }

    func requireRead(_ domain: DomainName) throws {
        if !canRead(domain) { throw ServerError.forbiddenDomain(domain.rawValue) }
    }

    func requireWrite(_ domain: DomainName) throws {
        if role == .council { throw ServerError.forbiddenRole("write domain data (council tokens are read-only)") }
        if !canWrite(domain) { throw ServerError.forbiddenDomain(domain.rawValue) }
    }
}
