import Foundation
import Plot

/// Body content, the type nearly every page helper returns.
typealias Body = Node<HTML.BodyContext>

/// HTML escaping. Plot escapes text nodes only loosely (it keeps `&…;` entities) and does not
/// escape attribute values at all, so every value that may hold user text goes through here.
enum Escape {
    static func text(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for c in s.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    static func attribute(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for c in s.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    /// Percent-encodes a query parameter value or a path segment.
    static func url(_ s: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return s.addingPercentEncoding(withAllowedCharacters: allowed) ?? s
    }
}

extension Node {
    /// Text, fully escaped.
    static func esc(_ text: String) -> Node { .raw(Escape.text(text)) }

    /// An attribute with an escaped value.
    static func attr(_ name: String, _ value: String) -> Node {
        .attribute(named: name, value: Escape.attribute(value), ignoreIfValueIsEmpty: false)
    }

    /// A boolean attribute (`checked`, `selected`, `readonly` …) when `on`.
    static func flag(_ name: String, _ on: Bool = true) -> Node { on ? .attribute(named: name) : .empty }

    static func cls(_ className: String) -> Node { className.isEmpty ? .empty : .attr("class", className) }

    /// `data-testid`, the browser test's handle on an element.
    static func testid(_ id: String) -> Node { .attr("data-testid", id) }
}

extension Node where Context == HTML.BodyContext {
    /// Any element with body content.
    static func el(_ name: String, _ nodes: Body...) -> Body { .element(named: name, nodes: nodes) }
    static func el(_ name: String, _ nodes: [Body]) -> Body { .element(named: name, nodes: nodes) }

    /// A link with escaped address and text.
    static func link(_ href: String, _ text: String, _ extra: Body...) -> Body {
        .element(named: "a", nodes: [.attr("href", href), .esc(text)] + extra)
    }

    /// `<form method=post>` with its CSRF field.
    static func postForm(_ action: String, csrf: String, _ nodes: [Body]) -> Body {
        .element(named: "form", nodes: [.attr("method", "post"), .attr("action", action), .hidden("_csrf", csrf)] + nodes)
    }

    /// A file-upload form that streams. Its CSRF token is the first field, before the file, so the
    /// server checks it as the body arrives (``MultipartUpload``) and no token shows in the URL.
    static func uploadForm(_ action: String, csrf: String, _ nodes: [Body]) -> Body {
        .element(
            named: "form",
            nodes: [
                .attr("method", "post"), .attr("enctype", "multipart/form-data"), .attr("action", action),
                .hidden("_csrf", csrf)
            ] + nodes)
    }

    static func getForm(_ action: String, _ nodes: [Body]) -> Body {
        .element(named: "form", nodes: [.attr("method", "get"), .attr("action", action)] + nodes)
    }

    static func hidden(_ name: String, _ value: String) -> Body {
        .input([.v("type", "hidden"), .v("name", name), .v("value", value)])
    }

    /// `<input …/>` with the given attributes.
    static func input(_ attributes: [Attribute<HTML.InputContext>]) -> Body {
        .selfClosedElement(named: "input", attributes: attributes)
    }

    static func submit(_ label: String, _ extra: Body...) -> Body {
        .element(named: "button", nodes: [.attr("type", "submit")] + extra + [.esc(label)])
    }

    /// A `<select>` whose options are (value, label); `selected` is marked.
    static func select(_ name: String, _ options: [(String, String)], selected: String?, _ extra: Body...) -> Body {
        .element(
            named: "select",
            nodes: [.attr("name", name), .attr("id", Forms.id(name))] + extra
                + options.map { value, label in
                    Body.element(named: "option", nodes: [.attr("value", value), .flag("selected", value == selected), .esc(label)])
                })
    }

    static func textarea(_ name: String, _ value: String, rows: Int = 3, _ extra: Body...) -> Body {
        .element(named: "textarea", nodes: [.attr("name", name), .attr("id", Forms.id(name)), .attr("rows", String(rows))] + extra + [.esc(value)])
    }

    /// A coloured pill.
    static func badge(_ text: String, _ kind: String, testid: String? = nil) -> Body {
        .span(.cls("badge badge-\(kind)"), testid.map { Body.testid($0) } ?? .empty, .esc(text))
    }

    /// A table with a header row and rows of cells.
    static func dataTable(_ headers: [String], _ rows: [[Body]], testid: String? = nil, cls: String = "data") -> Body {
        .div(
            .cls("table-wrap"),
            .table(
                .cls(cls), testid.map { Node<HTML.TableContext>.testid($0) } ?? .empty,
                .thead(.tr(.group(headers.map { Node<HTML.TableRowContext>.th(.esc($0)) }))),
                .tbody(.group(rows.map { cells in Node<HTML.TableContext>.tr(.group(cells.map { Node<HTML.TableRowContext>.td($0) })) }))
            ))
    }

    /// A definition list of (label, value) pairs.
    static func fields(_ pairs: [(String, Body)], testid: String? = nil) -> Body {
        .element(
            named: "dl",
            nodes: [.cls("fields"), testid.map { Body.testid($0) } ?? .empty]
                + pairs.flatMap { label, value in
                    [Body.el("dt", .esc(label)), Body.el("dd", value)]
                })
    }

    /// A message box: `error`, `ok` or `info`.
    static func banner(_ kind: String, _ nodes: Body..., testid: String? = nil) -> Body {
        .div(
            .cls("banner banner-\(kind)"), .attr("role", kind == "error" ? "alert" : "status"),
            testid.map { Body.testid($0) } ?? .empty, .group(nodes))
    }
}

extension Attribute {
    /// An attribute with an escaped value.
    static func v(_ name: String, _ value: String) -> Attribute {
        Attribute(name: name, value: Escape.attribute(value), ignoreIfValueIsEmpty: false)
    }

    /// A boolean attribute when `on`.
    static func on(_ name: String, _ on: Bool = true) -> Attribute {
        on ? Attribute(name: name, value: nil, ignoreIfValueIsEmpty: false) : .empty
    }
}

/// Query strings for links that keep, add or drop parameters.
struct QueryLink {
    var path: String
    var params: [(String, String)]

    init(_ path: String, _ params: [(String, String)] = []) {
        self.path = path; self.params = params.filter { !$0.1.isEmpty }
    }

    func setting(_ key: String, _ value: String?) -> QueryLink {
        var copy = self
        copy.params.removeAll { $0.0 == key }
        if let value, !value.isEmpty { copy.params.append((key, value)) }
        return copy
    }

    func removing(_ keys: String...) -> QueryLink {
        var copy = self
        copy.params.removeAll { keys.contains($0.0) }
        return copy
    }

    var href: String {
        params.isEmpty ? path : path + "?" + params.map { "\(Escape.url($0.0))=\(Escape.url($0.1))" }.joined(separator: "&")
    }
}
