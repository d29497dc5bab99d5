// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "ConsentKit",
    // The library is embedded by apps that are not on the newest OS: nothing here needs more than these.
    platforms: [.macOS(.v13), .iOS(.v16), .tvOS(.v16), .watchOS(.v9), .visionOS(.v1)],
    products: [
        .library(name: "ConsentKit", targets: ["ConsentKit"]),
        .library(name: "ConsentKitTesting", targets: ["ConsentKitTesting"]),
        .executable(name: "consent", targets: ["consent"]),
    ],
    targets: [
        .target(name: "ConsentKit"),
        .target(name: "ConsentKitTesting", dependencies: ["ConsentKit"]),
        .target(
            name: "ConsentCommand",
            dependencies: ["ConsentKit"],
            // The demo runs from anywhere, so the shipped examples are compiled into the executable.
            resources: [
                .embedInCode("Examples/retail.policy.json"),
                .embedInCode("Examples/retail.ledger.jsonl"),
            ]
        ),
        // Counts malloc calls for `consent bench`; linked into the command only, never into the library.
        .target(name: "CAllocationCounter"),
        .executableTarget(name: "consent", dependencies: ["ConsentCommand", "CAllocationCounter"]),
        .testTarget(name: "ConsentKitTests", dependencies: ["ConsentKit", "ConsentKitTesting", "JournalCrashHelper"]),
        // Spawned and killed by the journal's crash tests; not a product.
        .executableTarget(name: "JournalCrashHelper", dependencies: ["ConsentKit"], path: "Tests/JournalCrashHelper"),
        .testTarget(name: "ConsentKitTestingTests", dependencies: ["ConsentKit", "ConsentKitTesting"]),
        .testTarget(name: "ConsentCommandTests", dependencies: ["ConsentCommand", "ConsentKit"]),
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
