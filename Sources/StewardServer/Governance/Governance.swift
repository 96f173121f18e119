import Foundation
import Synchronization
import Logging
import StewardCore
import StewardPolicy
import StewardStore

/// The policies in force and their evaluation into findings.
///
/// The set is the council's policy directory plus the policies submitted through the API (kept in
/// the store, so every replica sees them after its next reload). A stored policy replaces a
/// directory file with the same owner and id. Products are evaluated when their state changes
/// (`changed`, drained by `GovernanceService`) and all of them on a timer, because staleness
/// grows with time alone.
actor Governance {
    let store: any Store
    let policyDirectory: String?
    let logger: Logger
    let clock: @Sendable () -> Timestamp
    /// Adds schema drift and propagated PII tags to the policy input.
    let lineage: LineageIndex?
    private var directoryFiles: [(name: String, text: String)] = []
    private var stored: [PolicyRecord] = []
    private(set) var policies = PolicySet()
    private var waivers: [WaiverRecord] = []
    /// Products whose state changed since the last drain. Outside the actor's isolation: ingest
    /// notes products for every batch, and on the actor each batch's answer waited whenever the
    /// evaluator was computing there (the policy inputs of up to 200 products at once).
    private let dirty = Mutex(Set<ProductID>())
    private var warnedNoDirectory = false

    init(store: any Store, policyDirectory: String?, logger: Logger, lineage: LineageIndex? = nil,
         clock: @escaping @Sendable () -> Timestamp = { .now }) {
        self.store = store
        self.lineage = lineage
        self.policyDirectory = policyDirectory
        self.logger = logger
        self.clock = clock
    }

    // MARK: The policy set

    /// Re-reads the directory, the submitted policies and the waivers. Loading problems are
    /// logged; a broken policy is left out and never stops the others.
    func reload() async throws {
        if let dir = policyDirectory {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: dir, isDirectory: &isDirectory), isDirectory.boolValue {
                directoryFiles = try PolicySet.files(in: dir)
            } else if !warnedNoDirectory {
                warnedNoDirectory = true
                logger.warning("no policy directory; only policies submitted through the API apply", metadata: ["directory": "\(dir)"])
            }
        }
        stored = try await store.policies()
        waivers = try await store.waivers()
        let before = Set(policies.diagnostics.map(\.description))
        policies = PolicySet(files: effectiveFiles())
        for problem in policies.diagnostics where !before.contains(problem.description) {
            logger.warning("policy rejected", metadata: ["diagnostic": "\(problem)"])
        }
    }

    /// Directory files, minus those a stored policy replaces, plus the stored ones.
    private func effectiveFiles(replacing replacement: [(name: String, text: String)] = []) -> [(name: String, text: String)] {
        var byKey: [String: (name: String, text: String)] = [:]
        var order: [String] = []
        func add(_ file: (name: String, text: String)) {
            let identity = PolicyDocument.identity(of: file.text)
            // A file without id or owner cannot be replaced; key it by name so its diagnostics still show.
            let key = identity.id.flatMap { id in identity.owner.map { "\($0)/\(id)" } } ?? "file:" + file.name
            if byKey.updateValue(file, forKey: key) == nil { order.append(key) }
        }
        directoryFiles.forEach(add)
        stored.map { (Self.fileName(owner: $0.owner, id: $0.id), $0.text) }.forEach(add)
        replacement.forEach(add)
        return order.map { byKey[$0]! }
    }

    /// Where a submitted policy appears in diagnostics.
    static func fileName(owner: String, id: String) -> String {
        owner == "council" ? "api/policies/\(id).yaml" : "api/domains/\(owner)/policies/\(id).yaml"
    }

    /// Validates and keeps a submitted policy. Throws `rejectedPolicy` with every diagnostic of
    /// the submission; answers the problems it would cause in other policies (a council change
    /// can make a domain's tightening loosen it), which are accepted but reported.
    func submit(owner: String, id: String, text: String, by caller: String) async throws -> [PolicyDiagnostic] {
        let (problems, others, _) = check([(Self.fileName(owner: owner, id: id), text)], expecting: [(owner, id)])
        if !problems.isEmpty { throw ServerError.rejectedPolicy(problems) }
        try await store.savePolicy(PolicyRecord(id: id, owner: owner, text: text, submittedBy: caller, submittedAt: clock()))
        try await reload()
        try await markAll(domain: owner == "council" ? nil : DomainName(trusted: owner))
        return others
    }

    /// Deletes a submitted policy; false when there is none (policies in the directory are changed there).
    func delete(owner: String, id: String, by caller: String) async throws -> Bool {
        guard stored.contains(where: { $0.owner == owner && $0.id == id }) else { return false }
        try await store.savePolicy(PolicyRecord(id: id, owner: owner, text: "", submittedBy: caller, submittedAt: clock(), deleted: true))
        try await reload()
        try await markAll(domain: owner == "council" ? nil : DomainName(trusted: owner))
        return true
    }

    /// The set with `files` added (replacing their namesakes), and its diagnostics: those of
    /// `files`, and new ones elsewhere. When `expecting` is given, each file must declare that
    /// owner and id.
    private func check(_ files: [(name: String, text: String)], expecting: [(owner: String, id: String)]? = nil)
        -> (own: [PolicyDiagnostic], elsewhere: [PolicyDiagnostic], set: PolicySet) {
        var own: [PolicyDiagnostic] = []
        for (index, file) in files.enumerated() {
            let identity = PolicyDocument.identity(of: file.text)
            if let expected = expecting?[index] {
                if let id = identity.id, id != expected.id {
                    own.append(PolicyDiagnostic(.invalidDocument, file: file.name, line: 1, column: 1, "id '\(id)' does not match the id '\(expected.id)' in the URL"))
                }
                if let owner = identity.owner, owner != expected.owner {
                    own.append(PolicyDiagnostic(.forbidden, file: file.name, line: 1, column: 1,
                                                expected.owner == "council" ? "owner '\(owner)': policies submitted here are council policies; domains use /api/v1/domains/{domain}/policies"
                                                    : "owner '\(owner)': a domain may submit only its own policies (owner: \(expected.owner))"))
                }
            }
        }
        let candidate = PolicySet(files: effectiveFiles(replacing: files))
        let names = Set(files.map(\.name))
        let known = Set(policies.diagnostics.map(\.description))
        own += candidate.diagnostics.filter { names.contains($0.file) }
        return (own, candidate.diagnostics.filter { !names.contains($0.file) && !known.contains($0.description) }, candidate)
    }

    /// Whether a policy file (submitted, or in the directory's `domains/<domain>/`) is a domain's.
    static func isDomainFile(_ name: String, of domain: String) -> Bool {
        name.contains("domains/\(domain)/")
    }

    /// Evaluates every product (of `domain`, if given) under the current set and under the set
    /// `files` would give, and answers (as JSON) the findings that would newly fail and newly
    /// pass. Stores nothing; throws `rejectedPolicy` if the files do not load.
    func dryRun(_ files: [(name: String, text: String)], domain: DomainName?) async throws -> String {
        let (problems, _, proposed) = check(files)
        if !problems.isEmpty { throw ServerError.rejectedPolicy(problems) }
        let now = clock()
        let waivers = activeWaivers
        func violates(_ f: Finding?) -> Bool { f?.result == .fail || f?.result == .error }
        func keyed(_ findings: [Finding]) -> [String: Finding] {
            Dictionary(findings.map { ($0.policy + "\u{0}" + $0.target, $0) }, uniquingKeysWith: { first, _ in first })
        }
        var failing: [FindingRecord] = [], passing: [FindingRecord] = []
        let products = try await store.products(domain: domain).map(\.descriptor)
        for chunk in products.chunked(Self.evaluationChunk) {
            for (descriptor, input) in zip(chunk, try await inputs(for: chunk, now: now)) {
                let before = keyed(policies.evaluate(input, waivers: waivers, details: false))
                let after = keyed(proposed.evaluate(input, waivers: waivers, details: false))
                for (key, f) in after where violates(f) && !violates(before[key]) {
                    failing.append(FindingRecord(f, product: descriptor.id, at: now).detailed())
                }
                for (key, f) in before where violates(f) && !violates(after[key]) {
                    passing.append(FindingRecord(after[key] ?? f, product: descriptor.id, at: now).detailed())
                }
            }
        }
        var w = JSONWriter(capacity: 1024 + 400 * (failing.count + passing.count))
        w.beginObject()
        w.field("asOf", now)
        w.field("productsEvaluated", products.count)
        for (key, findings) in [("newlyFailing", failing), ("newlyPassing", passing)] {
            w.key(key)
            w.beginObject()
            w.field("products", Set(findings.map(\.product)).count)
            w.field("domains", Set(findings.map(\.product.domain)).count)
            ComplianceRoutes.writeFindings(findings, key: "findings", to: &w)
            w.endObject()
        }
        w.endObject()
        return w.output
    }

    // MARK: Waivers

    func grant(_ waiver: WaiverRecord) async throws {
        try await store.createWaiver(waiver)
        waivers = try await store.waivers()
        if let product = waiver.product { _ = try await evaluate(product) }
    }

    func revoke(id: String, by caller: String) async throws -> WaiverRecord? {
        guard try await store.revokeWaiver(id: id, by: caller, at: clock()) else { return nil }
        waivers = try await store.waivers()
        let waiver = waivers.first { $0.id == id }
        if let product = waiver?.product { _ = try await evaluate(product) }
        return waiver
    }

    func allWaivers() -> [WaiverRecord] { waivers }

    private var activeWaivers: [Waiver] {
        waivers.compactMap { w in
            guard w.revokedAt == nil, let expires = w.expiresAt.cel else { return nil }
            return Waiver(id: w.id, policy: w.policy, target: w.target, reason: w.reason, approver: w.approver, expires: expires)
        }
    }

    // MARK: Evaluation

    /// Products evaluated together: one read of their latest observations (on PostgreSQL, one
    /// scan of what is still pending) serves this many.
    static let evaluationChunk = 200

    /// Evaluates one product now and records its findings; answers how many findings changed.
    func evaluate(_ id: ProductID) async throws -> Int {
        guard let version = try await store.product(id, asOf: nil) else { return 0 }
        return try await evaluate([version.descriptor])
    }

    /// Evaluates products now (at most `evaluationChunk`) and records their findings; answers how
    /// many findings changed.
    private func evaluate(_ descriptors: some Collection<ProductDescriptor>) async throws -> Int {
        let now = clock()
        let inputs = try await inputs(for: descriptors, now: now)
        let waivers = activeWaivers
        var changed = 0
        for (descriptor, input) in zip(descriptors, inputs) {
            // Details (message, evidence) are rendered only for findings whose state changed.
            let id = descriptor.id
            let findings = policies.evaluate(input, waivers: waivers, details: false).map { FindingRecord($0, product: id, at: now) }
            changed += try await store.recordFindings(id, findings, at: now)
        }
        return changed
    }

    /// What the policies see about a product now; nil if it is not registered.
    func input(for id: ProductID) async throws -> PolicyInput? {
        guard let version = try await store.product(id, asOf: nil) else { return nil }
        return try await inputs(for: [version.descriptor], now: clock()).first
    }

    /// What the policies see about each product now, in the order given.
    func inputs(for descriptors: some Collection<ProductDescriptor>, now: Timestamp) async throws -> [PolicyInput] {
        let latest = try await store.latest(of: descriptors.map(\.id))
        var inputs: [PolicyInput] = []
        inputs.reserveCapacity(descriptors.count)
        for descriptor in descriptors {
            let rows = latest[descriptor.id] ?? []
            var observed = ObservedState(latest: rows)
            try await lineage?.addFacts(to: &observed, descriptor: descriptor, latest: rows)
            inputs.append(PolicyInput(descriptor: descriptor, observed: observed, now: now))
        }
        return inputs
    }

    /// Evaluates every product (of one domain, if given).
    @discardableResult
    func evaluateAll(domain: DomainName? = nil) async throws -> (products: Int, changed: Int) {
        let products = try await store.products(domain: domain).map(\.descriptor)
        var changed = 0
        for chunk in products.chunked(Self.evaluationChunk) { changed += try await evaluate(chunk) }
        return (products.count, changed)
    }

    /// Notes products whose state changed; `drain` evaluates them.
    nonisolated func changed(_ ids: some Sequence<ProductID>) { dirty.withLock { $0.formUnion(ids) } }

    private func markAll(domain: DomainName?) async throws {
        let ids = try await store.products(domain: domain).map(\.descriptor.id)
        dirty.withLock { $0.formUnion(ids) }
    }

    /// Evaluates the products noted as changed. Products whose evaluation fails (store down)
    /// stay noted and are tried again on the next drain.
    func drain() async {
        // Taken whole and sorted outside the lock: ingest takes it on the event loops.
        let ids = dirty.withLock { dirty in
            let taken = dirty
            dirty = []
            return taken
        }.sorted()
        for chunk in ids.chunked(Self.evaluationChunk) {
            do {
                var descriptors: [ProductDescriptor] = []
                for id in chunk {
                    if let version = try await store.product(id, asOf: nil) { descriptors.append(version.descriptor) }
                }
                _ = try await evaluate(descriptors)
            } catch {
                dirty.withLock { $0.formUnion(chunk) }
                logger.warning("evaluation failed; will retry", metadata: ["products": "\(chunk.count)", "error": "\(error)"])
            }
        }
    }
}

extension FindingRecord {
    init(_ f: Finding, product: ProductID, at time: Timestamp) {
        self.init(product: product, policy: f.policy, policyVersion: f.policyVersion, owner: f.owner, severity: f.severity.rawValue,
                  target: f.target, result: f.result.rawValue, message: f.message, remediation: f.remediation,
                  evidence: Self.evidenceJSON(f.evidence), since: time)
        if !f.hasDetails {
            details = {
                let d = f.detailed()
                return (d.message, Self.evidenceJSON(d.evidence))
            }
        }
    }

    static func evidenceJSON(_ evidence: [String: String]) -> String {
        var w = JSONWriter()
        w.beginObject()
        for (name, value) in evidence.sorted(by: { $0.key < $1.key }) { w.field(name, value) }
        w.endObject()
        return w.output
    }
}
