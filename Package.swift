// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "steward",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "steward", targets: ["steward"]),
        .executable(name: "steward-bench", targets: ["steward-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/vapor/sqlite-nio", from: "1.13.2"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    ],
    targets: [
        // Layer 0: value types, no I/O.
        .target(name: "StewardCore"),
        .target(name: "StewardCEL"),
        // Layer 1: wire types shared by server and agent; the store contract.
        .target(name: "StewardAPI", dependencies: [
            "StewardCore",
            .product(name: "SwiftProtobuf", package: "swift-protobuf"),
        ]),
        .target(name: "StewardStore", dependencies: ["StewardCore"]),
        .target(name: "StewardYAML", dependencies: [.product(name: "Yams", package: "Yams")]),
        .target(name: "StewardPolicy", dependencies: [
            "StewardCEL", "StewardCore", "StewardYAML",
            .product(name: "Yams", package: "Yams"),
        ]),
        // Layer 2: backends, ingest, rendering.
        .target(name: "StewardStoreSQLite", dependencies: [
            "StewardStore",
            .product(name: "SQLiteNIO", package: "sqlite-nio"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .target(name: "StewardStorePostgres", dependencies: [
            "StewardStore",
            .product(name: "PostgresNIO", package: "postgres-nio"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ]),
        .target(name: "StewardIngest", dependencies: [
            "StewardCore", "StewardAPI", "StewardStore", "StewardYAML",
            .product(name: "Yams", package: "Yams"),
            .product(name: "SwiftProtobuf", package: "swift-protobuf"),
        ]),
        .target(name: "StewardReport", dependencies: ["StewardCore", "StewardStore"]),
        .target(name: "StewardLineage", dependencies: ["StewardCore", "StewardStore"]),
        // Layer 3: the HTTP server and the agent.
        .target(name: "StewardAgent", dependencies: [
            "StewardCore", "StewardAPI",
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ]),
        .target(name: "StewardServer", dependencies: [
            "StewardCore", "StewardAPI", "StewardStore", "StewardStoreSQLite", "StewardStorePostgres",
            "StewardIngest", "StewardReport", "StewardAgent", "StewardPolicy", "StewardLineage",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "HummingbirdCore", package: "hummingbird"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ]),
        // Layer 4: commands only.
        .executableTarget(name: "steward", dependencies: [
            "StewardServer", "StewardPolicy", "StewardCEL", "StewardAgent",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .executableTarget(name: "steward-bench", dependencies: [
            "StewardCore", "StewardAPI", "StewardIngest", "StewardCEL", "StewardPolicy",
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .testTarget(name: "StewardCoreTests", dependencies: ["StewardCore"]),
        .testTarget(name: "StewardCELTests", dependencies: ["StewardCEL"], resources: [.copy("Conformance")]),
        .testTarget(name: "StewardPolicyTests", dependencies: ["StewardPolicy", "StewardCEL"]),
        .testTarget(name: "StewardLineageTests", dependencies: ["StewardLineage"], resources: [.copy("Examples")]),
        .testTarget(name: "StewardIngestTests", dependencies: ["StewardIngest", "StewardAPI"]),
        .testTarget(name: "StewardYAMLTests", dependencies: ["StewardYAML"]),
        .testTarget(name: "StewardStoreTests", dependencies: [
            "StewardStore", "StewardStoreSQLite", "StewardStorePostgres",
            .product(name: "PostgresNIO", package: "postgres-nio"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .testTarget(name: "StewardServerTests", dependencies: [
            "StewardServer", "StewardIngest", "StewardPolicy", "StewardAgent", "StewardReport",
            .product(name: "HummingbirdTesting", package: "hummingbird"),
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "Yams", package: "Yams"),
        ], exclude: ["OpenLineageClient"]),
    ],
    swiftLanguageModes: [.v6]
)
