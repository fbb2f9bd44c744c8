import Testing
@testable import DataBankCore

private func item(_ column: String, _ name: String = "名称", length: Int? = 50, key: Bool = false) -> InformationItem {
    InformationItem(name: name, column: column, standardCode: "std_\(column)", dataType: .C, length: length, primaryKey: key)
}

private func snapshot(_ code: String = "101001-00001", name: String = "企业登记信息",
                      items: [InformationItem] = [item("a", key: true), item("b"), item("c")]) -> ResourceSnapshot {
    ResourceSnapshot(code: code, name: name, departmentCode: "440605001", classification: String(code.prefix(6)),
                     catalogKind: .base, abstract: "摘要", format: .table, items: items,
                     sharing: SharingAttributes(type: .unconditional, method: .api),
                     open: OpenAttributes(type: .unconditional), updateCycle: .daily)
}

@Suite("ResourceDiff")
struct ResourceDiffTests {
    /// Two identical revisions show no changes.
    @Test func identicalIsEmpty() {
        #expect(ResourceDiff.changes(from: snapshot(), to: snapshot()) == [])
    }

    /// A changed field is reported by path with its old and new display values.
    @Test func fieldChange() {
        var new = snapshot()
        new.name = "企业登记信息（2024版）"
        new.updateCycle = .monthly
        #expect(ResourceDiff.changes(from: snapshot(), to: new) == [
            FieldChange(path: "name", old: "企业登记信息", new: "企业登记信息（2024版）"),
            FieldChange(path: "updateCycle", old: "daily", new: "monthly"),
        ])
    }

    /// An optional field that appears or disappears shows `nil` on the side where it is absent.
    @Test func optionalFields() {
        var new = snapshot()
        new.nameEn = "Enterprise registration"
        new.sharing = SharingAttributes(type: .conditional, condition: "政务用途", method: .api, legalBasis: "《办法》")
        #expect(ResourceDiff.changes(from: snapshot(), to: new) == [
            FieldChange(path: "nameEn", old: nil, new: "Enterprise registration"),
            FieldChange(path: "sharing.type", old: "unconditional", new: "conditional"),
            FieldChange(path: "sharing.condition", old: nil, new: "政务用途"),
            FieldChange(path: "sharing.legalBasis", old: nil, new: "《办法》"),
        ])
        #expect(ResourceDiff.changes(from: new, to: snapshot()).first == FieldChange(path: "nameEn", old: "Enterprise registration", new: nil))
    }

    /// Lists (related codes, themes, tags) and the classified flag compare as joined display strings.
    @Test func listsAndFlags() {
        var new = snapshot()
        new.relatedCodes = ["101001-00002", "101001-00003"]
        new.themes = [.enterprise, .credit]
        new.tags = ["企业"]
        new.classified = true
        #expect(ResourceDiff.changes(from: snapshot(), to: new) == [
            FieldChange(path: "relatedCodes", old: "", new: "101001-00002,101001-00003"),
            FieldChange(path: "themes", old: "", new: "enterprise,credit"),
            FieldChange(path: "tags", old: "", new: "企业"),
            FieldChange(path: "classified", old: "false", new: "true"),
        ])
    }

    /// An item added in the new revision is reported under its column with a description.
    @Test func itemAdded() {
        let new = snapshot(items: [item("a", key: true), item("b"), item("c"), item("d", "住所", length: nil)])
        #expect(ResourceDiff.changes(from: snapshot(), to: new) == [
            FieldChange(path: "items[d]", old: nil, new: "住所 (d, std_d, C)"),
        ])
    }

    /// An item dropped in the new revision is reported under its column, old side only.
    @Test func itemRemoved() {
        let new = snapshot(items: [item("a", key: true), item("c")])
        #expect(ResourceDiff.changes(from: snapshot(), to: new) == [
            FieldChange(path: "items[b]", old: "名称 (b, std_b, C(50))", new: nil),
        ])
    }

    /// A changed item is matched by column and reports each changed item field.
    @Test func itemChanged() {
        var changed = item("b", "企业名称", length: 100)
        changed.required = true
        changed.sensitivity = .public
        let new = snapshot(items: [item("a", key: true), changed, item("c")])
        #expect(ResourceDiff.changes(from: snapshot(), to: new) == [
            FieldChange(path: "items[b].name", old: "名称", new: "企业名称"),
            FieldChange(path: "items[b].length", old: "50", new: "100"),
            FieldChange(path: "items[b].required", old: "false", new: "true"),
            FieldChange(path: "items[b].sensitivity", old: "internal", new: "public"),
        ])
    }

    /// A length removed from an item shows the old length and `nil`.
    @Test func itemLengthRemoved() {
        let new = snapshot(items: [item("a", key: true), item("b", length: nil), item("c")])
        #expect(ResourceDiff.changes(from: snapshot(), to: new) == [FieldChange(path: "items[b].length", old: "50", new: nil)])
    }

    /// Renaming a column shows as one item removed and one added, not as a change.
    @Test func renamedColumnIsRemoveAndAdd() {
        let new = snapshot(items: [item("a", key: true), item("b2"), item("c")])
        #expect(ResourceDiff.changes(from: snapshot(), to: new).map(\.path) == ["items[b]", "items[b2]"])
    }

    /// Reordering the same items reports only `items.order`, with old and new column lists.
    @Test func orderChange() {
        let new = snapshot(items: [item("c"), item("a", key: true), item("b")])
        #expect(ResourceDiff.changes(from: snapshot(), to: new) == [
            FieldChange(path: "items.order", old: "a,b,c", new: "c,a,b"),
        ])
    }

    /// Adding or removing an item at the end is not an order change: order compares the items both sides share.
    @Test func appendIsNotReorder() {
        let grown = snapshot(items: [item("a", key: true), item("b"), item("c"), item("d")])
        #expect(!ResourceDiff.changes(from: snapshot(), to: grown).contains { $0.path == "items.order" })
        let shrunk = snapshot(items: [item("b"), item("c")])
        #expect(!ResourceDiff.changes(from: snapshot(), to: shrunk).contains { $0.path == "items.order" })
    }
}

@Suite("EditionDiff")
struct EditionDiffTests {
    /// Resources are matched by code: new ones are added, missing ones retired, differing ones changed — each sorted by code.
    @Test func between() {
        var renamed = snapshot("101001-00002", name: "个体工商户登记")
        renamed.name = "个体工商户登记信息"
        let old = [snapshot("301001-00009", name: "旧表"), snapshot("101001-00002", name: "个体工商户登记"),
                   snapshot("101001-00001"), snapshot("201001-00005", name: "废止表")]
        let new = [snapshot("301002-00001", name: "新表乙"), renamed, snapshot("101001-00001"),
                   snapshot("201002-00001", name: "新表甲")]
        let diff = EditionDiff.between(old, new)
        #expect(diff.added == [.init(code: "201002-00001", name: "新表甲"), .init(code: "301002-00001", name: "新表乙")])
        #expect(diff.retired == [.init(code: "201001-00005", name: "废止表"), .init(code: "301001-00009", name: "旧表")])
        #expect(diff.changed == [.init(code: "101001-00002", name: "个体工商户登记信息",
                                       changes: [FieldChange(path: "name", old: "个体工商户登记", new: "个体工商户登记信息")])])
    }

    /// Several changed resources are listed in code order, whatever order the edition holds them in.
    @Test func changedSortedByCode() {
        let codes = ["301001-00001", "101001-00001", "201001-00001"]
        let old = codes.map { snapshot($0) }
        let new = codes.map { snapshot($0, name: "改名") }
        #expect(EditionDiff.between(old, new).changed.map(\.code) == codes.sorted())
    }

    /// Comparing an edition with itself shows nothing added, changed or retired.
    @Test func identicalEditions() {
        let edition = [snapshot("101001-00001"), snapshot("101001-00002")]
        #expect(EditionDiff.between(edition, edition) == EditionDiff(added: [], changed: [], retired: []))
    }

    /// Against an empty edition, everything is added (first edition) or retired (empty catalog).
    @Test func fromAndToEmpty() {
        let edition = [snapshot("101001-00002"), snapshot("101001-00001")]
        #expect(EditionDiff.between([], edition).added.map(\.code) == ["101001-00001", "101001-00002"])
        #expect(EditionDiff.between(edition, []).retired.map(\.code) == ["101001-00001", "101001-00002"])
    }
}
