import Foundation
import Testing
@testable import DataBankCore

@Suite("Mask rules")
struct MaskRuleTests {
    static let everyRule: [MaskRule] = [.clear, .suppress, .pseudonym(perConsumer: false), .pseudonym(perConsumer: true)]
        + MaskKind.allCases.map(MaskRule.mask) + Generalization.allCases.map(MaskRule.generalize)

    func json(_ rule: MaskRule) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(rule), as: UTF8.self)
    }

    /// Rules are stored as small JSON objects naming the rule and its parameter.
    @Test func jsonForm() throws {
        #expect(try json(.clear) == #"{"rule":"clear"}"#)
        #expect(try json(.mask(.mobile)) == #"{"kind":"mobile","rule":"mask"}"#)
        #expect(try json(.generalize(.year)) == #"{"rule":"generalize","to":"year"}"#)
        #expect(try json(.suppress) == #"{"rule":"suppress"}"#)
        #expect(try json(.pseudonym(perConsumer: true)) == #"{"perConsumer":true,"rule":"pseudonym"}"#)
    }

    /// Every rule survives a JSON round trip.
    @Test(arguments: everyRule)
    func jsonRoundTrip(_ rule: MaskRule) throws {
        #expect(try JSONDecoder().decode(MaskRule.self, from: Data(try json(rule).utf8)) == rule)
    }

    /// An unknown rule in JSON is a decoding error, not a silent default.
    @Test func unknownJSONRefused() {
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(MaskRule.self, from: Data(#"{"rule":"blur"}"#.utf8)) }
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(MaskRule.self, from: Data(#"{"rule":"mask","kind":"iban"}"#.utf8)) }
    }

    /// The short text forms parse to their rules and print back the same.
    @Test(arguments: [
        ("clear", MaskRule.clear), ("suppress", .suppress), ("mask:mobile", .mask(.mobile)), ("generalize:year", .generalize(.year)),
        ("pseudonym", .pseudonym(perConsumer: false)), ("pseudonym:consumer", .pseudonym(perConsumer: true)),
    ])
    func textForms(_ text: String, _ rule: MaskRule) throws {
        #expect(try MaskRule(parsing: text) == rule)
        #expect(rule.text == text)
    }

    /// Every rule's text form parses back to it.
    @Test(arguments: everyRule)
    func textRoundTrip(_ rule: MaskRule) throws {
        #expect(try MaskRule(parsing: rule.text) == rule)
    }

    /// An unknown text form is `unknown_mask`, naming the text in both languages.
    @Test(arguments: ["blur", "mask", "mask:iban", "generalize:decade", "clear:all", "", "pseudonym:everyone"])
    func unknownText(_ text: String) {
        do {
            _ = try MaskRule(parsing: text)
            Issue.record("\(text) parsed")
        } catch {
            #expect(error.code == "unknown_mask")
            #expect(error.message.contains("“\(text)”") && error.messageEn.contains("\"\(text)\""))
        }
    }

    /// Rules have labels for people in Chinese and English.
    @Test func labels() {
        #expect(MaskRule.mask(.mobile).label("zh") == "脱敏：手机号码")
        #expect(MaskRule.mask(.mobile).label("en") == "Masked: Mobile")
        #expect(MaskRule.suppress.label("en") == "Withheld")
    }
}

@Suite("Default masks and unmasking")
struct DefaultMaskTests {
    /// Sensitive and secret items are masked by their meaning.
    @Test(arguments: [
        (SemanticKind.personName, MaskRule.mask(.name)), (.residentID, .mask(.residentID)), (.mobile, .mask(.mobile)),
        (.landline, .mask(.landline)), (.address, .mask(.address)), (.email, .mask(.email)), (.plate, .mask(.plate)),
        (.date, .generalize(.year)), (.plain, .suppress), (.creditCode, .suppress), (.regionCode, .suppress), (.postalCode, .suppress),
    ])
    func sensitiveDefaults(_ semantic: SemanticKind, _ rule: MaskRule) {
        #expect(Masker.defaultRule(semantic: semantic, sensitivity: .sensitive) == rule)
        #expect(Masker.defaultRule(semantic: semantic, sensitivity: .secret) == rule)
    }

    /// Public and internal items are shown as stored, whatever they mean.
    @Test(arguments: SemanticKind.allCases)
    func openItemsClear(_ semantic: SemanticKind) {
        #expect(Masker.defaultRule(semantic: semantic, sensitivity: .public) == .clear)
        #expect(Masker.defaultRule(semantic: semantic, sensitivity: .internal) == .clear)
    }

    /// Across families: suppress < pseudonym < generalize < mask < clear.
    @Test func familyOrder() {
        let order: [MaskRule] = [.suppress, .pseudonym(perConsumer: true), .generalize(.year), .mask(.mobile), .clear]
        for (i, lower) in order.enumerated() {
            for higher in order[(i + 1)...] {
                #expect(Masker.isUnmasking(higher, comparedTo: lower), "\(higher.text) over \(lower.text)")
                #expect(!Masker.isUnmasking(lower, comparedTo: higher), "\(lower.text) under \(higher.text)")
            }
        }
    }

    /// A rule never unmasks compared with itself.
    @Test(arguments: MaskRuleTests.everyRule)
    func sameRule(_ rule: MaskRule) {
        #expect(!Masker.isUnmasking(rule, comparedTo: rule))
    }

    /// Within a family: a shared pseudonym reveals more than a per-consumer one; finer dates reveal more.
    @Test func withinFamily() {
        #expect(Masker.isUnmasking(.pseudonym(perConsumer: false), comparedTo: .pseudonym(perConsumer: true)))
        #expect(!Masker.isUnmasking(.pseudonym(perConsumer: true), comparedTo: .pseudonym(perConsumer: false)))
        #expect(Masker.isUnmasking(.generalize(.yearMonth), comparedTo: .generalize(.year)))
        #expect(!Masker.isUnmasking(.generalize(.ageBand), comparedTo: .generalize(.year)))
    }

    /// When two rules of a family cannot be ordered, the change counts as unmasking, so a reason is asked.
    @Test func unorderedCountsAsUnmasking() {
        #expect(Masker.isUnmasking(.mask(.address), comparedTo: .mask(.residentID)))
        #expect(Masker.isUnmasking(.generalize(.district), comparedTo: .generalize(.year)))
    }
}
