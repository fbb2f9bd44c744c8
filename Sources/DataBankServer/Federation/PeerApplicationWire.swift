import Foundation
import Vapor

/// An application as a consumer's node sends it to the owner (`POST /api/v1/federation/applications`,
/// signed): the fields of a local application, who applies (the department's code and names at the
/// consumer's node, the applicant's username) and the consumer node's reference, which makes a
/// delivery retried after a lost answer file nothing twice.
struct PeerApplicationBody: Content {
    var ref: String
    var department: String
    var departmentName: String
    var departmentNameEn: String?
    var applicant: String
    var application: ApplicationInput
}

/// An application as the owner answers its state to the node that filed it: the decision, what was
/// granted and whether the grant still holds.
struct PeerApplicationState: Content, Equatable {
    var ref: String
    var id: UUID
    var resource: String
    var status: String
    var deadline: String?
    var decisionReason: String?
    var grantedItems: [String]?
    var grantedUntil: String?
    /// `active`, `expired`, `revoked`, `notYetValid`; nil while there is no grant.
    var grantState: String?
}

/// A peer's error answer, decoded to relay it: its status, code, message and fields.
enum PeerError {
    static func relay(_ answer: NodeClient.Answer, peer: String) -> AppError {
        struct Envelope: Decodable { var error: ErrorBody.Inner }
        let status = HTTPResponseStatus(statusCode: Int(answer.status))
        guard let e = try? JSONDecoder().decode(Envelope.self, from: Data(answer.body.readableBytesView)) else {
            return AppError(.badGateway, "peer_refused", "\(peer) answered HTTP \(answer.status)")
        }
        // The peer's 401 is about this node's credentials, not the user's: a 502 here.
        let relayed: HTTPResponseStatus = status == .unauthorized || status.code >= 500 ? .badGateway : status
        return AppError(relayed, e.error.code, "\(peer): \(e.error.message)", details: e.error.details)
    }
}
