import Fluent
import DataBankCore

/// Objections as the quality scores count them.
enum ObjectionTally {
    static func counts(resource: String, on db: any Database) async throws -> (open: Int, accepted: Int) {
        (0, 0)
    }
}
