import Testing
@testable import DataBankCore

@Suite("Grant scope narrowing")
struct NarrowingTests {
    static let region = ScopeCondition(column: "region", op: .eq, values: ["440604"])
    static let bigAmounts = ScopeCondition(column: "amount", op: .gt, values: ["10"])
    let asked = GrantScope(items: ["name", "mobile", "region"], rowFilter: [region], masks: ["mobile": .mask(.mobile)])

    /// The same scope is (non-strictly) narrowing of itself.
    @Test func sameScope() {
        #expect(asked.isNarrowing(of: asked))
    }

    /// Fewer items, an extra row condition or a stricter mask all narrow.
    @Test func narrower() {
        #expect(GrantScope(items: ["name", "region"], rowFilter: [Self.region]).isNarrowing(of: asked))
        #expect(GrantScope(items: asked.items, rowFilter: [Self.bigAmounts, Self.region], masks: asked.masks).isNarrowing(of: asked))
        #expect(GrantScope(items: asked.items, rowFilter: [Self.region], masks: ["mobile": .suppress]).isNarrowing(of: asked))
    }

    /// An extra item, a dropped row condition or a weaker mask widen.
    @Test func wider() {
        #expect(!GrantScope(items: asked.items + ["id_number"], rowFilter: [Self.region], masks: asked.masks).isNarrowing(of: asked))
        #expect(!GrantScope(items: asked.items, rowFilter: [], masks: asked.masks).isNarrowing(of: asked))
        #expect(!GrantScope(items: asked.items, rowFilter: [Self.region], masks: ["mobile": .clear]).isNarrowing(of: asked))
    }

    /// Dropping the explicit mask of a still-granted column could reveal more, so it does not narrow;
    /// dropping the column with its mask does.
    @Test func droppedMask() {
        #expect(!GrantScope(items: asked.items, rowFilter: [Self.region]).isNarrowing(of: asked))
        #expect(GrantScope(items: ["name", "region"], rowFilter: [Self.region]).isNarrowing(of: asked))
    }

    /// A mask the narrower scope adds is accepted; with the column defaults known, it is compared with them.
    @Test func addedMask() {
        let added = GrantScope(items: asked.items, rowFilter: [Self.region], masks: ["mobile": .mask(.mobile), "name": .clear])
        #expect(added.isNarrowing(of: asked))
        #expect(!added.isNarrowing(of: asked, defaults: ["name": .mask(.name)]))
        #expect(GrantScope(items: asked.items, rowFilter: [Self.region], masks: ["mobile": .mask(.mobile), "name": .suppress])
            .isNarrowing(of: asked, defaults: ["name": .mask(.name)]))
    }
}
