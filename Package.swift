// swift-tools-version:6.0
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "DataBank",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "databank", targets: ["databank"]),
        .library(name: "DataBankCore", targets: ["DataBankCore"]),
        .library(name: "DataBankServer", targets: ["DataBankServer"]),
    ],
    dependencies: [
        .package(url: "https://github.com/vapor/vapor.git", from: "4.122.0"),
        .package(url: "https://github.com/vapor/fluent.git", from: "4.13.0"),
        .package(url: "https://github.com/vapor/fluent-sqlite-driver.git", from: "4.9.0"),
        .package(url: "https://github.com/vapor/fluent-postgres-driver.git", from: "2.14.0"),
        .package(url: "https://github.com/vapor/sql-kit.git", from: "3.36.0"),
        .package(url: "https://github.com/JohnSundell/Plot.git", from: "0.14.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation.git", from: "0.9.20"),
        // Already in the graph through Vapor; named here because the SMTP client opens its own connections.
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.65.0"),
        // Already in the graph through Vapor; webhooks need per-delivery timeouts and a pinned address (dnsOverride).
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.21.0"),
        // Already in the graph through NIO; the request metrics count with lock-free atomics.
        .package(url: "https://github.com/apple/swift-atomics.git", from: "1.2.0"),
        // Subjects (residents, enterprises) sign in with an OpenID Connect provider; its tokens are checked against its JWKS.
        .package(url: "https://github.com/vapor/jwt.git", from: "5.2.0"),
    ],
    targets: [
        // The domain core: catalog rules, standards, lifecycle, search tokens, authorization table. No I/O.
        .target(name: "DataBankCore", swiftSettings: swiftSettings),
        // The Vapor application as a library, so tests drive it in-process.
        .target(
            name: "DataBankServer",
            dependencies: [
                "DataBankCore",
                .product(name: "Vapor", package: "vapor"),
                .product(name: "Fluent", package: "fluent"),
                .product(name: "FluentSQLiteDriver", package: "fluent-sqlite-driver"),
                .product(name: "FluentPostgresDriver", package: "fluent-postgres-driver"),
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "Plot", package: "Plot"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Atomics", package: "swift-atomics"),
                .product(name: "JWT", package: "jwt"),
            ],
            resources: [.copy("Public")],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "databank",
            dependencies: ["DataBankServer"],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "DataBankCoreTests", dependencies: ["DataBankCore"], swiftSettings: swiftSettings),
        .testTarget(
            name: "DataBankServerTests",
            dependencies: [
                "DataBankServer",
                .product(name: "VaporTesting", package: "vapor"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
