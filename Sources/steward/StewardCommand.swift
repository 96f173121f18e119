import ArgumentParser
import Foundation
import Logging
import StewardCore
import StewardServer
import StewardStore

@main
struct Steward: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "steward",
        abstract: "Governance and observability control plane for data meshes.",
        discussion: """
        Domain agents push what they observe about their data products; Steward keeps it \
        (embedded SQLite by default, PostgreSQL when you outgrow one machine) and serves it back.

        Start here: steward serve --demo, then open http://127.0.0.1:8080
        """,
        subcommands: [Serve.self, Token.self, Policy.self])
}

/// Where the store is: shared by every command that opens it.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Directory of the embedded SQLite database and the admin token file.", valueName: "DIR"))
    var data = "./steward-data"

    @Option(name: .long, help: ArgumentHelp("PostgreSQL URL (postgres://user:pass@host:5432/db) to use instead of SQLite; --data then holds only the admin token file. Default: $STEWARD_POSTGRES_URL.", valueName: "URL"))
    var postgres: String?

    var postgresURL: String? {
        postgres ?? ProcessInfo.processInfo.environment["STEWARD_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }

    func open() async throws -> any Store {
        var logger = Logger(label: "steward")
        logger.logLevel = .warning
        return try await StewardApp.openStore(postgresURL: postgresURL, dataDirectory: data, logger: logger)
    }
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the control plane (HTTP API, overview page).",
        discussion: "Stops gracefully on SIGINT or SIGTERM: in-flight batches finish before exit.")

    @Option(help: "Address to listen on.") var host = "127.0.0.1"
    @Option(help: "Port to listen on.") var port = 8080
    @OptionGroup var store: StoreOptions
    @Flag(help: "Register a small demo mesh and run simulated agents that push to this server.") var demo = false
    @Flag(help: "Serve the HTML overview without a token (implied by --demo).") var publicOverview = false
    @Option(help: ArgumentHelp("Largest request body accepted, in bytes.", valueName: "BYTES")) var maxBodyBytes = 16 * 1024 * 1024
    @Option(help: ArgumentHelp("Largest single OpenLineage event accepted, in bytes.", valueName: "BYTES"))
    var maxLineageEventBytes = 1024 * 1024
    @Flag(help: "Also check OpenLineage input-dataset facets against their schemas (upstream checks them only when asked).")
    var strictInputFacets = false
    @Option(help: ArgumentHelp("The council's policy files (policies submitted through the API come on top).", valueName: "DIR"))
    var policies = "policies"
    @Option(help: ArgumentHelp("Re-evaluate every product this often, for time-based rules such as staleness.", valueName: "SECONDS"))
    var evaluationInterval = 60
    @Option(help: "trace, debug, info, notice, warning, error or critical.") var logLevel = "info"
    @Option(help: "text (one readable line per event, metadata as key=value) or json (one object per line, for log shippers).")
    var logFormat: LogFormat = .text

    enum LogFormat: String, ExpressibleByArgument, CaseIterable { case text, json }

    func run() async throws {
        var config = ServerConfiguration()
        config.host = host
        config.port = port
        config.dataDirectory = store.data
        config.postgresURL = store.postgresURL
        config.demo = demo
        config.publicOverview = publicOverview
        config.maxBodyBytes = maxBodyBytes
        config.maxLineageEventBytes = maxLineageEventBytes
        config.strictInputFacets = strictInputFacets
        config.policyDirectory = policies
        guard evaluationInterval >= 1 else { throw ValidationError("--evaluation-interval must be at least 1 second") }
        config.evaluationInterval = .seconds(evaluationInterval)
        guard let level = Logger.Level(rawValue: logLevel) else {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical")
        }
        config.logLevel = level
        LoggingSystem.bootstrap { [logFormat] label in
            var handler: any LogHandler = switch logFormat {
            case .text: StreamLogHandler.standardError(label: label)
            case .json: JSONLogHandler(label: label)
            }
            handler.logLevel = level
            return handler
        }
        try await StewardApp.run(config)
    }
}

struct Token: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create, list and revoke API tokens (works while a server runs on the same store).",
        subcommands: [Create.self, List.self, Revoke.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a token and print it (alone on the last line; it is shown only once).")

        @Option(help: "admin (everything), council (read everything) or agent (one domain).") var role: TokenRecord.Role
        @Option(help: "The domain an agent token may read and write.") var domain: String?
        @Option(help: "A note to recognise the token by in 'steward token list'.") var label = ""
        @OptionGroup var store: StoreOptions

        func run() async throws {
            let domainName: DomainName?
            do { domainName = try domain.map { try DomainName($0) } } catch {
                throw CommandFailure("--domain '\(domain ?? "")': \(error)")
            }
            let s = try await store.open()
            do {
                let issued = try await Tokens.issue(role: role, domain: domainName, label: label, in: s)
                await s.close()
                let scope = issued.record.domain.map { " for domain \($0)" } ?? ""
                print("Created \(role.rawValue) token \(issued.record.id)\(scope). Store it now; it cannot be shown again:")
                print(issued.secret)
            } catch let error as TokenError {
                await s.close()
                throw CommandFailure(error.description)
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List tokens (ids and roles; never the secrets).")
        @OptionGroup var store: StoreOptions

        func run() async throws {
            let s = try await store.open()
            let tokens = try await s.tokens()
            await s.close()
            print("ID        ROLE     DOMAIN          CREATED               STATUS    LABEL")
            for t in tokens {
                let status = t.revokedAt == nil ? "active" : "revoked"
                print([t.id.padding(8), t.role.rawValue.padding(8), (t.domain?.rawValue ?? "-").padding(15),
                       t.createdAt.wholeSeconds.rfc3339.padding(21), status.padding(9), t.label].joined(separator: " "))
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a token by id (takes effect within 5 seconds).")
        @Argument(help: "The token id, as shown by 'steward token list'.") var id: String
        @OptionGroup var store: StoreOptions

        func run() async throws {
            let s = try await store.open()
            let revoked = try await s.revokeToken(id: id, at: .now)
            await s.close()
            guard revoked else { throw CommandFailure("no active token has id \(id); see 'steward token list'") }
            print("Revoked token \(id).")
        }
    }
}

extension TokenRecord.Role: ExpressibleByArgument {}

/// A failure while running a command: printed as "Error: <message>" without the usage text
/// that ArgumentParser adds to ValidationError.
struct CommandFailure: Error, CustomStringConvertible {
    var description: String
    init(_ message: String) { description = message }
}

extension String {
    func padding(_ width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}
