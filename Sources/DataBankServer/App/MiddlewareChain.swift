import Vapor

/// Several async middlewares run as one, in order, within a single task.
///
/// Vapor bridges every `AsyncMiddleware` to its future-based chain on its own: each layer completes
/// a promise from a new task and awaits the next layer's future, so a request through thirteen
/// layers starts thirteen tasks and hops between the event loop and the concurrency pool twice per
/// layer. Composed here, the layers call one another directly; their order, and what each sees and
/// throws, is the same as registering them one by one.
struct MiddlewareChain: AsyncMiddleware {
    let layers: [any AsyncMiddleware]

    init(_ layers: any AsyncMiddleware...) { self.layers = layers }

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        try await Step(layers: layers[...], last: next).respond(to: request)
    }

    /// The rest of the chain from one layer on, as the `next` responder the layer before calls.
    private struct Step: AsyncResponder {
        let layers: ArraySlice<any AsyncMiddleware>
        let last: any AsyncResponder

        func respond(to request: Request) async throws -> Response {
            guard let layer = layers.first else { return try await last.respond(to: request) }
            return try await layer.respond(to: request, chainingTo: Step(layers: layers.dropFirst(), last: last))
        }
    }
}
