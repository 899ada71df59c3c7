// swift-tools-version:6.2
// The Linux-HA suite in Swift: messaging, membership, the CRM and the LRM as libraries, plus daemons and tools.
import PackageDescription

let strict: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
    .treatAllWarnings(as: .error),
]

/// Messaging and the simulator are optimised even in debug builds: the seed suite replays thousands of
/// simulated clusters and must stay within the test budget (see Docs/Protocols/Messaging.md).
let optimized: [SwiftSetting] = strict + [.unsafeFlags(["-O"])]

let argumentParser: Target.Dependency = .product(name: "ArgumentParser", package: "swift-argument-parser")
let logging: Target.Dependency = .product(name: "Logging", package: "swift-log")
let nioCore: Target.Dependency = .product(name: "NIOCore", package: "swift-nio")
let nioPosix: Target.Dependency = .product(name: "NIOPosix", package: "swift-nio")
let lifecycle: Target.Dependency = .product(name: "ServiceLifecycle", package: "swift-service-lifecycle")
let collections: Target.Dependency = .product(name: "Collections", package: "swift-collections")
let metrics: Target.Dependency = .product(name: "Metrics", package: "swift-metrics")

/// One executable per folder under Sources/Tools; tools are thin and import whatever they need.
func tool(_ name: String, _ dependencies: [Target.Dependency]) -> Target {
    .executableTarget(name: name, dependencies: dependencies, path: "Sources/Tools/\(name)", swiftSettings: strict)
}

let package = Package(
    name: "LinuxHA",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "XML", targets: ["XML"]),
        .library(name: "Messaging", targets: ["Messaging"]),
        .library(name: "Membership", targets: ["Membership"]),
        .library(name: "CRM", targets: ["CRM"]),
        .library(name: "ResourceAgents", targets: ["ResourceAgents"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.80.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.6.0"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.1.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.5.0"),
    ],
    targets: [
        // C shims: module map + header, no logic.
        .systemLibrary(
            name: "CLibXML2", path: "Sources/CLibXML2", pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"])]),
        .systemLibrary(
            name: "COpenSSL", path: "Sources/COpenSSL", pkgConfig: "openssl",
            providers: [.apt(["libssl-dev"])]),

        // Libraries.
        .target(name: "XML", dependencies: ["CLibXML2"], swiftSettings: strict),
        .target(
            name: "Messaging", dependencies: ["COpenSSL", nioCore, nioPosix, logging, collections],
            swiftSettings: optimized),
        .target(name: "Membership", dependencies: ["Messaging", nioCore, nioPosix, logging, lifecycle, collections], swiftSettings: strict),
        .target(name: "ResourceAgents", dependencies: ["XML", logging, metrics, nioCore, nioPosix, lifecycle, collections], swiftSettings: strict),
        .target(
            name: "CRM", dependencies: ["XML", "Membership", "ResourceAgents", logging, nioCore, nioPosix, lifecycle, collections],
            swiftSettings: strict),
        .target(name: "Launcher", dependencies: ["CRM", "XML", "Membership", "Messaging", logging, collections], swiftSettings: strict),
        .target(name: "Simulation", dependencies: ["Messaging", "Membership", "CRM"], swiftSettings: optimized),

        // Daemons and tools.
        tool("cibadmin", ["CRM", "XML", argumentParser]),
        tool("crm_verify", ["CRM", "XML", argumentParser]),
        tool("crm_attribute", ["CRM", "XML", argumentParser]),
        tool("crm_mon", ["CRM", "XML"]),
        tool("crm_failcount", ["CRM"]),
        tool("crm_standby", ["CRM"]),
        tool("crm_resource", ["CRM", "XML", "ResourceAgents", argumentParser]),
        tool("crm_shadow", ["CRM", "XML", argumentParser]),
        tool("crm_error", ["CRM", argumentParser]),
        tool("crm_simulate", ["CRM", "XML", argumentParser]),
        tool("lrmd", ["ResourceAgents", argumentParser, logging, lifecycle]),
        tool("lrmadmin", ["ResourceAgents", argumentParser]),
        tool("heartbeat", ["Membership", "Messaging", argumentParser, logging, lifecycle]),
        tool("crmd", ["CRM", "Membership", argumentParser, logging, lifecycle]),
        tool("crm_node", ["Membership", argumentParser]),
        tool("ha-status", ["Membership", argumentParser]),
        tool("ha", ["Launcher", "Membership", "Messaging", "CRM", "XML", argumentParser, logging]),
        tool("ha-keygen", ["Messaging", argumentParser]),
        tool("ha-messaging-node", ["Messaging", nioCore, logging]),
        tool("ha-bench", ["Launcher", "CRM", "XML", "Messaging", "Membership", "ResourceAgents", argumentParser, logging, lifecycle]),
        .executableTarget(name: "cib-bench", dependencies: ["CRM", "XML"], path: "Benchmarks/cib-bench", swiftSettings: strict),

        // Examples.
        .executableTarget(
            name: "group-chat", dependencies: ["Membership", nioCore], path: "Examples/GroupChat", swiftSettings: strict),

        // Tests.
        .testTarget(name: "XMLTests", dependencies: ["XML"], swiftSettings: strict),
        .testTarget(name: "MessagingTests", dependencies: ["Messaging"], swiftSettings: strict),
        .testTarget(name: "MembershipTests", dependencies: ["Membership", "Messaging", nioCore], swiftSettings: strict),
        .testTarget(name: "ResourceAgentsTests", dependencies: ["ResourceAgents"], swiftSettings: strict),
        .testTarget(name: "CRMTests", dependencies: ["CRM", "XML", "Membership", "Messaging"], swiftSettings: strict),
        .testTarget(name: "SimulationTests", dependencies: ["Simulation"], swiftSettings: strict),
        .testTarget(name: "LauncherTests", dependencies: ["Launcher", "Messaging", "CRM", "XML"], swiftSettings: strict),
        .testTarget(name: "ToolsTests", dependencies: ["CRM", "XML"], swiftSettings: strict),
    ]
)
