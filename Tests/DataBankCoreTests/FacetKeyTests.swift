import Testing
@testable import DataBankCore

@Suite("FacetKey")
struct FacetKeyTests {
    /// Every combination of the five fixed facets packs to a distinct integer and unpacks to itself.
    @Test func everyCombinationRoundTrips() {
        var seen: Set<Int> = []
        for kind in CatalogKind.allCases { for sharing in SharingType.allCases { for open in OpenType.allCases {
            for cycle in UpdateCycle.allCases { for format in ResourceFormat.allCases {
                let key = FacetKey(kind: kind, sharing: sharing, open: open, cycle: cycle, format: format)
                #expect(FacetKey(packed: key.packed) == key)
                seen.insert(key.packed)
            } }
        } } }
        let combinations = CatalogKind.allCases.count * SharingType.allCases.count * OpenType.allCases.count
            * UpdateCycle.allCases.count * ResourceFormat.allCases.count
        #expect(seen.count == combinations)
    }

    /// A stored integer outside the vocabulary is refused rather than misread.
    @Test func unknownPackedValueIsNil() {
        #expect(FacetKey(packed: 0xFF) == nil)
        #expect(FacetKey(packed: 0xFF << 32) == nil)
    }

    /// Theme masks hold any set of themes and give them back in vocabulary order.
    @Test func themeMaskRoundTrips() {
        #expect(FacetKey.themes(inMask: FacetKey.themeMask([Theme]())) == [])
        #expect(FacetKey.themes(inMask: FacetKey.themeMask([.transport, .economy, .transport])) == [.economy, .transport])
        #expect(FacetKey.themes(inMask: FacetKey.themeMask(Theme.allCases)) == Theme.allCases)
    }
}

extension FacetKeyTests {
    /// The SQL filter `(packed >> shift) & 255 = index` selects exactly the keys holding that value.
    @Test func positionSelectsTheField() throws {
        let key = FacetKey(kind: .thematic, sharing: .conditional, open: .closed, cycle: .monthly, format: .api)
        for (value, expected) in [(FacetKey.position(of: SharingType.conditional), true), (FacetKey.position(of: SharingType.none), false),
                                  (FacetKey.position(of: ResourceFormat.api), true), (FacetKey.position(of: UpdateCycle.daily), false)] {
            let at = try #require(value)
            #expect(((key.packed >> at.shift) & 255 == at.index) == expected)
        }
        #expect(FacetKey.position(of: LifecycleState.draft) == nil)
        #expect(FacetKey.themeMask([.transport]) & FacetKey.bit(.transport) != 0)
        #expect(FacetKey.themeMask([.economy]) & FacetKey.bit(.transport) == 0)
    }
}
