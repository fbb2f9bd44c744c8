extension APIOperation {
    /// 我的数据 (docs/MY-DATA.md): the provider's subject view, and a subject's own routes (Bearer: the
    /// identity provider's ID token).
    static let myData: [APIOperation] = [
        get(
            "resources/:code/subject-view", "My data",
            "The resource's subject view: which item holds the subject's key, which items a subject sees under which mask"),
        put("resources/:code/subject-view", "My data", "Mark the resource subject-visible (the provider's stewards; audited)"),
        delete("resources/:code/subject-view", "My data", "Stop showing the resource to its subjects (audited)"),
        get("my/records", "My data", "The records about the signed-in resident or enterprise, by department and resource, masked as each provider chose"),
        get(
            "my/accesses", "My data", "Who looked at my data: every audited read, export, verification and joint check that touched the subject",
            query: [.init(name: "limit", type: "integer", description: "Accesses, newest first (1–1,000, default 200)")]),
        get("my/objections", "My data", "The subject's objections (数据纠错) and their answers"),
        post("my/objections", "My data", "Object to a value of a record about the subject (`record`: the reference `my/records` gives)")
    ]
}
