import Fluent

/// 035: joint checks (issue 16, 一件事联办): `joint_checks`, each a saved composition of verification
/// services of several departments (``JointCheck`` as JSON in `definition`), owned by the department
/// that set it up (its window runs it); retired rather than deleted, so the audit trail's names stay readable.
struct CreateJointChecks: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("joint_checks")
            .id()
            .field("code", .string, .required).unique(on: "code")
            .field("name", .string, .required)
            .field("name_en", .string)
            .field("department_code", .string, .required)
            .field("definition", .string, .required)
            .field("created_by", .string, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .field("retired_at", .datetime)
            .create()
    }

    func revert(on db: any Database) async throws {
        try await db.schema("joint_checks").delete()
    }
}
