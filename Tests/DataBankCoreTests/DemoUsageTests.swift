import DataBankCore
import Testing

/// The demo's year of use is a plan the database expands with one upsert per thousand pairs:
/// PostgreSQL refuses an upsert that names a row twice, so each (resource, consumer) is planned once.
@Suite struct DemoUsageTests {
    @Test(arguments: [2, 8, 15, 29, 43, 50, 57])
    func everyPairIsPlannedOnce(departments count: Int) {
        let departments = (0..<count).map { String(format: "4406%05d", $0) }
        let resources = (0..<200).map { DemoUsage.Resource(code: "R\($0)", department: departments[$0 % count], holdsRecords: $0 % 3 == 0) }
        let plan = DemoUsage(resources: resources, departments: departments, endingOn: CivilDate(daysSinceEpoch: 20_000), days: 7)
        let keys = plan.pairs.map { "\($0.resource)|\($0.consumer)" }
        #expect(Set(keys).count == keys.count)
        #expect(plan.pairs.allSatisfy { $0.consumer != $0.provider })
    }
}
