import Testing
@testable import DataBankCore

/// One cell of the transition table: from `state` by `action`, the next state for a resource
/// without (`fresh`) and with (`change`) a published revision; `nil` means "not allowed".
struct TransitionCase: CustomTestStringConvertible, Sendable {
    var state: LifecycleState
    var action: LifecycleAction
    var fresh: LifecycleState?
    var change: LifecycleState?
    var testDescription: String { "\(state.rawValue) ─\(action.rawValue)→" }
}

/// The whole review flow written out: every state × every action. Only the cells listed with a
/// next state are allowed; a change to the flow must change this table.
let transitionTable: [TransitionCase] = {
    typealias S = LifecycleState
    // (state, action, next without a published revision, next with a published revision)
    let allowed: [(S, LifecycleAction, S?, S?)] = [
        (.draft, .submit, .submitted, .submitted),
        (.changeRequested, .submit, .submitted, .submitted),
        (.submitted, .approve, .notice, .notice),
        (.submitted, .reject, .draft, .changeRequested),
        (.notice, .reject, .draft, .changeRequested),
        (.submitted, .withdraw, .draft, .changeRequested),
        (.notice, .publish, .published, .published),
        (.published, .requestChange, .changeRequested, .changeRequested),
        (.published, .retire, .retired, .retired),
        // Withdrawing a change abandons it: the published revision stands. Without one there is
        // nothing to fall back to, so it is refused.
        (.changeRequested, .withdraw, nil, .published),
    ]
    var cases: [TransitionCase] = []
    for state in LifecycleState.allCases {
        for action in LifecycleAction.allCases {
            let hit = allowed.first { $0.0 == state && $0.1 == action }
            cases.append(TransitionCase(state: state, action: action, fresh: hit?.2, change: hit?.3))
        }
    }
    return cases
}()

@Suite("Lifecycle")
struct LifecycleTests {
    /// Every state × action gives the documented next state, or nil when not allowed (no published revision).
    @Test(arguments: transitionTable)
    func transitionWithoutPublishedRevision(_ c: TransitionCase) {
        #expect(Lifecycle.next(from: c.state, by: c.action, hasPublishedRevision: false) == c.fresh)
    }

    /// Every state × action gives the documented next state, or nil when not allowed (a change of a published resource).
    @Test(arguments: transitionTable)
    func transitionWithPublishedRevision(_ c: TransitionCase) {
        #expect(Lifecycle.next(from: c.state, by: c.action, hasPublishedRevision: true) == c.change)
    }

    /// The transition table covers all 6 × 7 state/action pairs, and exactly ten of them are allowed (nine without a published revision).
    @Test func tableIsComplete() {
        #expect(transitionTable.count == LifecycleState.allCases.count * LifecycleAction.allCases.count)
        #expect(transitionTable.count == 42)
        #expect(transitionTable.filter { $0.fresh != nil }.count == 9)
        #expect(transitionTable.filter { $0.change != nil }.count == 10)
    }

    /// A retired resource is final: no action leads anywhere from it.
    @Test(arguments: [false, true])
    func retiredIsFinal(_ hasPublished: Bool) {
        for action in LifecycleAction.allCases {
            #expect(Lifecycle.next(from: .retired, by: action, hasPublishedRevision: hasPublished) == nil)
        }
        #expect(Lifecycle.actions(from: .retired, hasPublishedRevision: hasPublished).isEmpty)
    }

    /// Rejecting or withdrawing a change sends it back to 变更中, never to a fresh draft.
    @Test func rejectedChangeStaysAChange() {
        #expect(Lifecycle.next(from: .notice, by: .reject, hasPublishedRevision: true) == .changeRequested)
        #expect(Lifecycle.next(from: .submitted, by: .reject, hasPublishedRevision: true) == .changeRequested)
        #expect(Lifecycle.next(from: .submitted, by: .withdraw, hasPublishedRevision: true) == .changeRequested)
    }

    /// The buttons offered in each state are exactly the allowed actions, in display (declaration) order.
    @Test(arguments: [
        (LifecycleState.draft, false, [LifecycleAction.submit]),
        (.draft, true, [.submit]),
        (.submitted, false, [.approve, .reject, .withdraw]),
        (.submitted, true, [.approve, .reject, .withdraw]),
        (.notice, false, [.reject, .publish]),
        (.notice, true, [.reject, .publish]),
        (.published, false, [.requestChange, .retire]),
        (.published, true, [.requestChange, .retire]),
        (.changeRequested, true, [.submit, .withdraw]),
        (.retired, false, []),
        (.retired, true, []),
    ])
    func actionsFromState(_ state: LifecycleState, _ hasPublished: Bool, _ expected: [LifecycleAction]) {
        #expect(Lifecycle.actions(from: state, hasPublishedRevision: hasPublished) == expected)
    }

    /// `actions(from:)` agrees with `next(from:by:)` for every state, with and without a published revision.
    @Test(arguments: LifecycleState.allCases, [false, true])
    func actionsAgreeWithNext(_ state: LifecycleState, _ hasPublished: Bool) {
        let expected = transitionTable
            .filter { $0.state == state && (hasPublished ? $0.change : $0.fresh) != nil }
            .map(\.action)
        #expect(Lifecycle.actions(from: state, hasPublishedRevision: hasPublished) == expected)
    }

    /// Returning, retiring and requesting a change must give a reason; the other actions need none.
    @Test(arguments: [
        (LifecycleAction.submit, false), (.approve, false), (.reject, true), (.publish, false),
        (.requestChange, true), (.retire, true), (.withdraw, false),
    ])
    func needsReason(_ action: LifecycleAction, _ expected: Bool) {
        #expect(action.needsReason == expected)
    }

    /// Stewards may edit only drafts and open changes; everything under review or published is frozen.
    @Test(arguments: [
        (LifecycleState.draft, true), (.submitted, false), (.notice, false),
        (.published, false), (.changeRequested, true), (.retired, false),
    ])
    func isEditable(_ state: LifecycleState, _ expected: Bool) {
        #expect(state.isEditable == expected)
    }

    /// Every state and action has a Chinese and an English label, and `label` picks by language.
    @Test func labels() {
        for s in LifecycleState.allCases { #expect(!s.zh.isEmpty && !s.en.isEmpty) }
        for a in LifecycleAction.allCases { #expect(!a.zh.isEmpty && !a.en.isEmpty) }
        #expect(LifecycleState.notice.label("zh") == "公示中")
        #expect(LifecycleState.notice.label("en") == "Public notice")
        #expect(LifecycleAction.reject.label("zh") == "退回")
    }

    /// The public notice period (公示期) defaults to seven days.
    @Test func noticeDays() {
        #expect(Lifecycle.defaultNoticeDays == 7)
    }
}
