// swift-tools-version: 6.1
import PackageDescription

/// The library's layers, in the order they import each other (Documentation/Architecture.md).
let layers: [Target.Dependency] = ["ConsentCore", "ConsentInterchange", "ConsentTokens", "ConsentStorage"]

let package = Package(
    name: "ConsentKit",
    // The library is embedded by apps that are not on the newest OS: nothing here needs more than these.
    platforms: [.macOS(.v13), .iOS(.v16), .tvOS(.v16), .watchOS(.v9), .visionOS(.v1)],
    products: [
        // What users depend on: the umbrella, which re-exports the four modules below it.
        .library(name: "ConsentKit", targets: ["ConsentKit"]),
        // The parts, for code that wants less than everything (an app that only evaluates links no file I/O).
        .library(name: "ConsentCore", targets: ["ConsentCore"]),
        .library(name: "ConsentInterchange", targets: ["ConsentInterchange"]),
        .library(name: "ConsentTokens", targets: ["ConsentTokens"]),
        .library(name: "ConsentStorage", targets: ["ConsentStorage"]),
        .library(name: "ConsentKitTesting", targets: ["ConsentKitTesting"]),
        // The synthetic workload shared by `consent bench`, the tests and Benchmarks/: not API, no stability promise.
        .library(name: "_ConsentKitWorkload", targets: ["_ConsentKitWorkload"]),
        .executable(name: "consent", targets: ["consent"]),
    ],
    targets: [
        // The layers, each importing only those before it (Documentation/Architecture.md).
        .target(name: "ConsentCore"),
        .target(name: "ConsentInterchange", dependencies: ["ConsentCore"]),
        .target(name: "ConsentTokens", dependencies: ["ConsentCore", "ConsentInterchange"]),
        .target(name: "ConsentStorage", dependencies: ["ConsentCore", "ConsentInterchange", "ConsentTokens"]),
        .target(
            name: "ConsentKit",
            dependencies: ["ConsentCore", "ConsentInterchange", "ConsentTokens", "ConsentStorage"]
        ),
        .target(name: "_ConsentKitWorkload", dependencies: ["ConsentCore"]),
        // Targets that import the umbrella also name the layers: the build then tracks the modules they really use, so a
        // change to one rebuilds them (an umbrella's re-exports alone are not always seen as inputs).
        .target(name: "ConsentKitTesting", dependencies: ["ConsentKit"] + layers),
        .target(
            name: "ConsentCommand",
            dependencies: ["ConsentKit", "_ConsentKitWorkload"] + layers,
            // The demo runs from anywhere, so the shipped examples are compiled into the executable.
            resources: [
                .embedInCode("Examples/retail.policy.json"),
                .embedInCode("Examples/retail.ledger.jsonl"),
                .embedInCode("Examples/multi.policy.json"),
                .embedInCode("Examples/multi.ledger.jsonl"),
            ]
        ),
        // Counts malloc calls for `consent bench`; linked into the command only, never into the library.
        .target(name: "CAllocationCounter"),
        .executableTarget(name: "consent", dependencies: ["ConsentCommand", "CAllocationCounter"]),
        // Tests mirror the modules; each may use any layer (a core test may read a policy file), and shares the
        // fixtures and the random world of ConsentKitTestSupport.
        .target(
            name: "ConsentKitTestSupport",
            dependencies: ["ConsentKit", "_ConsentKitWorkload"] + layers,
            path: "Tests/Support"
        ),
        .testTarget(
            name: "ConsentCoreTests",
            dependencies: ["ConsentKit", "ConsentKitTesting", "ConsentKitTestSupport"] + layers),
        .testTarget(
            name: "ConsentInterchangeTests",
            dependencies: ["ConsentKit", "ConsentKitTesting", "ConsentKitTestSupport"] + layers),
        .testTarget(
            name: "ConsentTokensTests",
            dependencies: ["ConsentKit", "ConsentKitTesting", "ConsentKitTestSupport"] + layers),
        .testTarget(
            name: "ConsentStorageTests",
            dependencies: ["ConsentKit", "ConsentKitTesting", "ConsentKitTestSupport", "JournalCrashHelper"] + layers),
        .testTarget(
            name: "ConsentKitTests",
            dependencies: ["ConsentKit", "ConsentKitTesting", "ConsentKitTestSupport"] + layers),
        // Spawned and killed by the journal's crash tests; not a product.
        .executableTarget(
            name: "JournalCrashHelper", dependencies: ["ConsentKit"] + layers, path: "Tests/JournalCrashHelper"),
        .testTarget(
            name: "ConsentKitTestingTests",
            dependencies: ["ConsentKit", "ConsentKitTesting", "ConsentKitTestSupport"] + layers
        ),
        .testTarget(
            name: "ConsentCommandTests",
            dependencies: ["ConsentCommand", "ConsentKit", "ConsentKitTestSupport"] + layers
        ),
    ]
)

for target in package.targets {
    var settings = target.swiftSettings ?? []
    settings.append(contentsOf: [
        .enableUpcomingFeature("ExistentialAny"),
        .enableUpcomingFeature("MemberImportVisibility"),
        .enableUpcomingFeature("InternalImportsByDefault"),
    ])
    target.swiftSettings = settings
}
