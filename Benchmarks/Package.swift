// swift-tools-version: 6.1
import PackageDescription

// Its own package, so that the library's manifest stays free of dependencies.
let package = Package(
    name: "ConsentKitBenchmarks",
    platforms: [.macOS(.v13)],
    dependencies: [
        .package(name: "ConsentKit", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "ConsentBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "ConsentKit", package: "ConsentKit"),
                // The synthetic workload `consent bench` measures (not API).
                .product(name: "_ConsentKitWorkload", package: "ConsentKit"),
            ],
            path: "Benchmarks/ConsentBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        // Durable-ledger figures (append throughput, open time, memory per event): a plain executable, since a
        // million-event journal is too slow to build inside the sampling harness.
        .executableTarget(
            name: "JournalBenchmark",
            dependencies: [.product(name: "ConsentKit", package: "ConsentKit")],
            path: "JournalBenchmark"
        ),
    ]
)
