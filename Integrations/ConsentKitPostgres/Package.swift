// swift-tools-version: 6.1
import PackageDescription

// Its own package, so that nobody who depends on ConsentKit resolves PostgreSQL.
let package = Package(
    name: "ConsentKitPostgres",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "ConsentKitPostgres", targets: ["ConsentKitPostgres"])
    ],
    dependencies: [
        .package(name: "ConsentKit", path: "../.."),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        .target(
            name: "ConsentKitPostgres",
            dependencies: [
                .product(name: "ConsentKit", package: "ConsentKit"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // What the tests and the benchmark share: the test server's settings, the fleet's workload and processes.
        .target(
            name: "PostgresFleetSupport",
            dependencies: [
                "ConsentKitPostgres",
                .product(name: "ConsentKit", package: "ConsentKit"),
                .product(name: "ConsentKitTesting", package: "ConsentKit"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The figures (append throughput, cold start, propagation) and the fleet's writer and follower processes,
        // which the tests spawn and kill.
        .executableTarget(
            name: "PostgresStoreBenchmark",
            dependencies: [
                "ConsentKitPostgres", "PostgresFleetSupport", .product(name: "ConsentKit", package: "ConsentKit"),
            ]
        ),
        .testTarget(
            name: "ConsentKitPostgresTests",
            dependencies: [
                "ConsentKitPostgres", "PostgresFleetSupport", "PostgresStoreBenchmark",
                .product(name: "ConsentKit", package: "ConsentKit"),
                .product(name: "ConsentKitTesting", package: "ConsentKit"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
