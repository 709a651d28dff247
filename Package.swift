// swift-tools-version:6.1
import PackageDescription

// MARK: - Settings

let swiftSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
]

let argumentParser = Target.Dependency.product(name: "ArgumentParser", package: "swift-argument-parser")
let logging = Target.Dependency.product(name: "Logging", package: "swift-log")
let lifecycle = Target.Dependency.product(name: "ServiceLifecycle", package: "swift-service-lifecycle")
let grdb = Target.Dependency.product(name: "GRDB", package: "GRDB.swift")
let deque = Target.Dependency.product(name: "DequeModule", package: "swift-collections")
let hummingbird = Target.Dependency.product(name: "Hummingbird", package: "hummingbird")

let package = Package(
    name: "antq",
    products: [
        .executable(name: "antq-intake", targets: ["antq-intake"]),
        .executable(name: "antq-evaluation", targets: ["antq-evaluation"]),
        .executable(name: "antq-notification", targets: ["antq-notification"]),
        .executable(name: "antq-reporting", targets: ["antq-reporting"]),
        .executable(name: "antq", targets: ["antq"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        // Without its default traits: no swift-configuration, no extra Foundation (decision 0015).
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: []),
    ],
    targets: [
        // MARK: - Shared

        .systemLibrary(
            name: "CZeroMQ",
            path: "Shared/CZeroMQ",
            // No `pkgConfig: "libzmq"`: Debian's libzmq.pc adds krb5's -isystem flags, which SwiftPM
            // refuses with a warning. Headers and library are on the default paths (docs/decisions/).
            providers: [.apt(["libzmq3-dev"])]
        ),
        .target(name: "ZeroMQ", dependencies: ["CZeroMQ"], path: "Shared/ZeroMQ", swiftSettings: swiftSettings),
        .target(name: "Models", path: "Shared/Models", swiftSettings: swiftSettings),
        .target(name: "Criteria", dependencies: ["Models"], path: "Shared/Criteria", swiftSettings: swiftSettings),
        .target(name: "Store", dependencies: [grdb], path: "Shared/Store", swiftSettings: swiftSettings),
        .target(
            name: "Obligations", dependencies: ["Models"], path: "Shared/Obligations", swiftSettings: swiftSettings),
        .target(
            name: "EventLog",
            dependencies: ["ZeroMQ", "Models", "Store", "SQLStore", "Security", "ServiceKit", grdb, logging],
            path: "Shared/EventLog",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "ServiceKit",
            dependencies: ["ZeroMQ", "Models", "Security", argumentParser, logging, lifecycle],
            path: "Shared/ServiceKit",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "ServiceHTTP",
            dependencies: [
                "ServiceKit", hummingbird, .product(name: "NIOCore", package: "swift-nio"), logging, lifecycle,
            ],
            path: "Shared/ServiceHTTP",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "SQLStore",
            dependencies: [
                "Store", grdb, .product(name: "GRDBSQLite", package: "GRDB.swift"), logging,
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
            ],
            path: "Shared/SQLStore",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Security", dependencies: ["ZeroMQ", "Models", logging], path: "Shared/Security",
            swiftSettings: swiftSettings),
        .target(
            name: "ReportDocuments", dependencies: ["Models"], path: "Shared/ReportDocuments",
            swiftSettings: swiftSettings),
        .target(
            name: "Client", dependencies: ["ZeroMQ", "Models"], path: "Shared/Client", swiftSettings: swiftSettings),

        // MARK: - Services

        .target(
            name: "IntakeService",
            dependencies: [
                "ZeroMQ", "Models", "Store", "EventLog", "ServiceKit", "Security", grdb, logging, lifecycle, deque,
            ],
            path: "Services/IntakeService",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "EvaluationService",
            dependencies: [
                "ZeroMQ", "Models", "Criteria", "Store", "EventLog", "Security", "ServiceKit", grdb, logging, lifecycle,
            ],
            path: "Services/EvaluationService",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "ReportingService",
            dependencies: [
                "ZeroMQ", "Models", "Obligations", "Store", "SQLStore", "EventLog", "Security", "ServiceKit",
                "ServiceHTTP", "ReportDocuments", grdb, logging, lifecycle, hummingbird,
            ],
            path: "Services/ReportingService",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "NotificationService",
            dependencies: [
                "ZeroMQ", "Models", "Obligations", "Store", "SQLStore", "EventLog", "Security", "ServiceKit", grdb,
                logging, lifecycle,
            ],
            path: "Services/NotificationService",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "AntqCLI",
            dependencies: [
                "ZeroMQ", "Models", "Criteria", "Client", "ServiceKit", "Store", "ReportDocuments", "Security",
                argumentParser,
            ],
            path: "Services/AntqCLI",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "antq-intake",
            dependencies: [
                "IntakeService", "Security", "ServiceKit", "ServiceHTTP", argumentParser, logging, lifecycle,
            ],
            path: "Services/Executables/antq-intake",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "antq-evaluation",
            dependencies: [
                "EvaluationService", "Security", "ServiceKit", "ServiceHTTP", argumentParser, logging, lifecycle,
            ],
            path: "Services/Executables/antq-evaluation",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "antq-notification",
            dependencies: [
                "NotificationService", "Obligations", "EventLog", "ServiceKit", "ServiceHTTP", "ZeroMQ", argumentParser,
                logging, lifecycle,
            ],
            path: "Services/Executables/antq-notification",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "antq-reporting",
            dependencies: [
                "ReportingService", "Obligations", "EventLog", "SQLStore", "ServiceKit", "ServiceHTTP", "ZeroMQ",
                argumentParser,
                logging,
                lifecycle,
            ],
            path: "Services/Executables/antq-reporting",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "antq",
            dependencies: ["AntqCLI", argumentParser],
            path: "Services/Executables/antq",
            swiftSettings: swiftSettings
        ),

        // MARK: - Tests

        .testTarget(
            name: "ZeroMQTests", dependencies: ["ZeroMQ"], path: "Tests/ZeroMQTests", swiftSettings: swiftSettings),
        .testTarget(
            name: "ModelsTests", dependencies: ["Models"], path: "Tests/ModelsTests", swiftSettings: swiftSettings),
        .testTarget(
            name: "NotificationServiceTests",
            dependencies: ["NotificationService", "Obligations", "Models"],
            path: "Tests/NotificationServiceTests",
            swiftSettings: swiftSettings
        ),
        // The engines a store test runs on, and fresh PostgreSQL databases for them.
        .target(
            name: "StoreEngines", dependencies: ["SQLStore", logging], path: "Tests/StoreEngines",
            swiftSettings: swiftSettings),
        .testTarget(
            name: "ReportingServiceTests",
            dependencies: ["ReportingService", "SQLStore", "StoreEngines", "Models", grdb],
            path: "Tests/ReportingServiceTests",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SecurityTests", dependencies: ["Security", "Models", "ZeroMQ", logging], path: "Tests/SecurityTests",
            swiftSettings: swiftSettings),
        .testTarget(
            name: "SQLStoreTests",
            dependencies: ["SQLStore", "StoreEngines", grdb, logging],
            path: "Tests/SQLStoreTests",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ReportDocumentsTests",
            dependencies: ["ReportDocuments", "Models"],
            path: "Tests/ReportDocumentsTests",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ObligationsTests",
            dependencies: ["Obligations", "Models"],
            path: "Tests/ObligationsTests",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CriteriaTests",
            dependencies: ["Criteria", "Models"],
            path: "Tests/CriteriaTests",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "EventLogTests",
            dependencies: ["EventLog", "SQLStore", "Security", "Store", "ZeroMQ", "Models", grdb, logging],
            path: "Tests/EventLogTests",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "StoreTests", dependencies: ["Store", grdb], path: "Tests/StoreTests", swiftSettings: swiftSettings),
        .testTarget(
            name: "ClientTests",
            dependencies: ["Client", "Models", "ZeroMQ"],
            path: "Tests/ClientTests",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ServiceKitTests",
            dependencies: [
                "ServiceKit", "Security", "ZeroMQ", lifecycle, argumentParser, logging,
                .product(name: "ServiceLifecycleTestKit", package: "swift-service-lifecycle"),
            ],
            path: "Tests/ServiceKitTests",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "IntakeServiceTests",
            dependencies: ["IntakeService"],
            path: "Tests/IntakeServiceTests",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "IntegrationTests",
            dependencies: ["AntqCLI", "Client", "Criteria", "Models", "Security", "StoreEngines", "ZeroMQ", grdb],
            path: "Tests/IntegrationTests",
            swiftSettings: swiftSettings
        ),
    ]
)
