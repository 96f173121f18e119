import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import StewardCore
import StewardIngest
import StewardLineage
import StewardStore
import StewardStorePostgres
import StewardStoreSQLite

/// The composition root: opens the store, builds the router, runs the server until SIGINT/SIGTERM.
public enum StewardApp {
    /// Opens the configured backend and migrates it.
    public static func openStore(postgresURL: String?, dataDirectory: String, logger: Logger) async throws -> any Store {
        let store: any Store
        if let url = postgresURL {
            store = try PostgresStore(url: url, logger: logger)
        } else {
            store = try await SQLiteStore.open(directory: dataDirectory, logger: logger)
        }
        do {
            try await store.migrate()
        } catch {
            await store.close()
            throw error
        }
        return store
    }

    /// All routes. Tests build the same router around their own store.
    static func router(store: any Store, catalog: Catalog, lineage: LineageIndex, governance: Governance,
                       configuration: ServerConfiguration) -> Router<StewardContext> {
        let router = Router(context: StewardContext.self)
        let routes = RouteTable()
        router.add(middleware: ErrorBodyMiddleware(routes: routes))
        router.add(middleware: LogRequestsMiddleware(.debug))
        let authenticator = Authenticator(store: store)
        let ingestor = Ingestor(store: store, catalog: catalog)
        HealthRoutes(store: store).add(to: router)
        OpenAPIDocument.add(to: router)
        OverviewRoutes(store: store, authenticator: authenticator,
                       publicOverview: configuration.publicOverview || configuration.demo).add(to: router)
        let api = router.group("api/v1").add(middleware: AuthMiddleware(authenticator: authenticator))
        ProductRoutes(ingestor: ingestor, governance: governance, maxBodyBytes: configuration.maxBodyBytes).add(to: api)
        ObservationRoutes(ingestor: ingestor, governance: governance, maxBodyBytes: configuration.maxBodyBytes).add(to: api)
        PolicyRoutes(governance: governance, maxBodyBytes: configuration.maxBodyBytes).add(to: api)
        WaiverRoutes(governance: governance, store: store).add(to: api)
        ComplianceRoutes(store: store).add(to: api)
        LineageRoutes(ingest: LineageIngest(index: lineage, ingestor: ingestor, governance: governance,
                                            reader: EventReader(validateInputFacets: configuration.strictInputFacets),
                                            maxEventBytes: configuration.maxLineageEventBytes),
                      maxBodyBytes: configuration.maxBodyBytes).add(to: api)
        routes.fill(from: router)
        return router
    }

    /// Runs `steward serve`. Returns after a graceful shutdown (in-flight requests finish first).
    public static func run(_ configuration: ServerConfiguration) async throws {
        var logger = Logger(label: "steward")
        logger.logLevel = configuration.logLevel
        let lock = configuration.postgresURL == nil ? try ServeLock.acquire(directory: configuration.dataDirectory) : nil
        defer { withExtendedLifetime(lock) {} }  // held until the server has stopped
        let store = try await openStore(postgresURL: configuration.postgresURL, dataDirectory: configuration.dataDirectory, logger: logger)
        // Only the server: the CLI's commands open the same store and have nothing to advise on.
        if let postgres = store as? PostgresStore { await postgres.adviseOnIngestSettings() }
        do {
            try await serve(configuration, store: store, logger: logger)
        } catch {
            await store.close()
            throw error
        }
        await store.close()
    }

    static func serve(_ configuration: ServerConfiguration, store: any Store, logger: Logger) async throws {
        if let admin = try await Tokens.bootstrapAdmin(store: store, dataDirectory: configuration.dataDirectory) {
            // Printed once, on purpose, to the terminal of whoever started the first server; never logged.
            // Written straight to the file descriptor: `print` buffers when stdout is a pipe (docker
            // logs, systemd), which would hold the token back until the server exits.
            FileHandle.standardOutput.write(Data("""

            Created the first admin token (shown only now; also saved, readable only by you, in \(admin.path)):

                \(admin.secret)


            """.utf8))
        }
        let catalog = Catalog()
        try await catalog.reload(from: store)
        let lineage = LineageIndex(store: store, catalog: catalog)
        try await lineage.catchUpNow() // load the lineage graph now, not on the first query
        let governance = Governance(store: store, policyDirectory: configuration.policyDirectory, logger: logger, lineage: lineage)
        try await governance.reload()
        let policyCount = await governance.policies.policies.count
        let router = router(store: store, catalog: catalog, lineage: lineage, governance: governance, configuration: configuration)
        var services: [any Service] = [GovernanceService(governance: governance, interval: configuration.evaluationInterval, logger: logger)]
        if configuration.demo {
            let host = configuration.host == "0.0.0.0" ? "127.0.0.1" : configuration.host
            services.append(DemoAgents(store: store, baseURL: "http://\(host):\(configuration.port)",
                                       interval: .seconds(3), logger: logger))
        }
        let app = Application(
            router: router,
            server: .http1OnEventLoops,
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "steward"),
            services: services,
            onServerRunning: { channel in
                logger.info("steward is listening", metadata: [
                    "address": "\(channel.localAddress?.description ?? "")",
                    "store": "\(configuration.postgresURL == nil ? "sqlite:\(configuration.dataDirectory)" : "postgres")",
                    "demo": "\(configuration.demo)",
                    "policies": "\(policyCount)",
                ])
            },
            logger: logger)
        do {
            try await app.runService(gracefulShutdownSignals: [.sigterm, .sigint])
        } catch let error as IOError where error.errnoCode == EADDRINUSE {
            throw ServerError.addressInUse(host: configuration.host, port: configuration.port)
        }
    }
}
