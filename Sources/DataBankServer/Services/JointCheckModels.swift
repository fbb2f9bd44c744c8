import Fluent
import Vapor
import DataBankCore

extension JointCheck: Content {}

/// A saved joint check (``JointCheck`` as JSON), owned by the department whose window runs it.
final class JointCheckRow: Model, @unchecked Sendable {
    static let schema = "joint_checks"
    @ID(key: .id) var id: UUID?
    @Field(key: "code") var code: String
    @Field(key: "name") var name: String
    @OptionalField(key: "name_en") var nameEn: String?
    @Field(key: "department_code") var departmentCode: String
    @Field(key: "definition") var definition: String
    @Field(key: "created_by") var createdBy: String
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?
    @OptionalField(key: "retired_at") var retiredAt: Date?
    init() {}

    /// A check to save, owned by `department`.
    init(_ check: JointCheck, department: String, createdBy: String) {
        code = check.code; name = check.name; nameEn = check.nameEn; departmentCode = department
        definition = JSONText.encode(check); self.createdBy = createdBy
    }

    var check: JointCheck? { JSONText.decode(JointCheck.self, definition) }
}

/// A joint check as the API answers it: the definition, its owner, and each step's service named
/// with its provider (what a window clerk reads before asking).
struct JointCheckInfo: Content {
    var code: String
    var name: String
    var nameEn: String?
    var department: String
    var definition: JointCheck
    var services: [ServiceRef]

    struct ServiceRef: Content {
        var service: String
        var name: String
        var provider: String
        var providerName: String
    }
}

/// What a window sends to run a check: the applicant's form and the purpose every service records.
struct JointCheckCall: Content, BoundedText {
    var applicant: [String: String]
    var purpose: String?
    var boundedFields: [(field: String, value: String?, max: Int)] { [("purpose", purpose, TextLimit.purpose)] }
}

/// A run's answer: the combined result, and each department's answer with its time.
struct JointCheckAnswer: Content {
    var check: String
    var result: String
    var points: Int?
    var threshold: Int?
    var answers: [StepAnswer]
    /// The run's own time, the services asked in parallel; and the sum of the services' times (what one
    /// after another would have taken).
    var ms: Double
    var sequentialMs: Double

    struct StepAnswer: Content {
        var service: String
        var label: String
        var labelEn: String?
        var provider: String
        var providerName: String
        var answer: String?
        var passed: Bool?
        /// Why there is no answer: `no_grant`, `missing_value`, `service_unavailable`.
        var code: String?
        var ms: Double
    }
}

extension JointCheckAnswer.StepAnswer {
    init(_ step: JointCheckRunner.Step, passed: Bool?, names: [String: String]) {
        let answer: String?, code: String?
        switch step.outcome {
        case .answer(let a): (answer, code) = (a, nil)
        case .unanswered(let c): (answer, code) = (nil, c)
        }
        self.init(
            service: step.service, label: step.label, labelEn: step.labelEn, provider: step.provider, providerName: names[step.provider] ?? step.provider,
            answer: answer, passed: passed, code: code, ms: step.ms)
    }
}
