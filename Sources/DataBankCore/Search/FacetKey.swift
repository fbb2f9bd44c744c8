/// The catalog's fixed facets packed into one integer, and its themes into a bit mask.
///
/// Counting facets over tens of thousands of matches is the cost of a search. Grouping by
/// one short integer (and a mask) instead of six text columns lets the database count every
/// facet in a single pass over a narrow index; the counts are unpacked here.
///
/// Each field takes the position of its value in `allCases`, so new cases must be appended
/// to their enum, never inserted (stored keys would change meaning).
public struct FacetKey: Hashable, Sendable {
    public var kind: CatalogKind
    public var sharing: SharingType
    public var open: OpenType
    public var cycle: UpdateCycle
    public var format: ResourceFormat

    public init(kind: CatalogKind, sharing: SharingType, open: OpenType, cycle: UpdateCycle, format: ResourceFormat) {
        self.kind = kind; self.sharing = sharing; self.open = open; self.cycle = cycle; self.format = format
    }

    public init(_ s: ResourceSnapshot) {
        self.init(kind: s.catalogKind, sharing: s.sharing.type, open: s.open.type, cycle: s.updateCycle, format: s.format)
    }

    /// Eight bits per field, lowest first: kind, sharing, open, cycle, format.
    public var packed: Int {
        Self.index(kind) | Self.index(sharing) << 8 | Self.index(open) << 16 | Self.index(cycle) << 24 | Self.index(format) << 32
    }

    /// The key a stored integer stands for, or nil for one no current vocabulary can produce.
    public init?(packed: Int) {
        guard let kind = Self.value(CatalogKind.self, packed), let sharing = Self.value(SharingType.self, packed >> 8),
              let open = Self.value(OpenType.self, packed >> 16), let cycle = Self.value(UpdateCycle.self, packed >> 24),
              let format = Self.value(ResourceFormat.self, packed >> 32) else { return nil }
        self.init(kind: kind, sharing: sharing, open: open, cycle: cycle, format: format)
    }

    /// Where `value`'s field sits in ``packed``, so SQL can filter on the integer:
    /// `(facet_key >> shift) & 255 = index`. Nil for a type that is not one of the five fields.
    public static func position<T: CatalogTerm>(of value: T) -> (shift: Int, index: Int)? {
        let shift: Int
        switch value {
        case is CatalogKind: shift = 0
        case is SharingType: shift = 8
        case is OpenType: shift = 16
        case is UpdateCycle: shift = 24
        case is ResourceFormat: shift = 32
        default: return nil
        }
        return (shift, index(value))
    }

    /// The bit `theme` sets in a theme mask.
    public static func bit(_ theme: Theme) -> Int { 1 << index(theme) }

    /// One bit per theme, by its position in `Theme.allCases`.
    public static func themeMask<S: Sequence>(_ themes: S) -> Int where S.Element == Theme {
        themes.reduce(0) { $0 | bit($1) }
    }

    public static func themes(inMask mask: Int) -> [Theme] {
        Theme.allCases.enumerated().filter { mask & (1 << $0.offset) != 0 }.map(\.element)
    }

    private static func index<T: CatalogTerm>(_ value: T) -> Int { Array(T.allCases).firstIndex(of: value)! }

    private static func value<T: CatalogTerm>(_ type: T.Type, _ bits: Int) -> T? {
        let all = Array(T.allCases), i = bits & 0xFF
        return i < all.count ? all[i] : nil
    }
}
