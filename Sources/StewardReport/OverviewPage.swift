import StewardCore

/// Renders the overview as one self-contained HTML page (no scripts, no external assets),
/// so it can be archived and diffed. The compliance report will grow from the same pieces.
public enum OverviewPage {
    public static func render(_ o: Overview) -> String {
        let now = o.generatedAt
        let body: HTML = o.domains.isEmpty
            ? "<p class=empty>No data products are registered yet. Register one with <code>PUT /api/v1/products/{domain}/{name}</code>, or start with <code>steward serve --demo</code>.</p>"
            : HTML(joining: o.domains.map { domain($0, now: now) })
        let page: HTML = """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>Steward · data mesh overview</title>
        <style>\(HTML(stringLiteral: css))</style></head>
        <body><header><h1>Steward</h1><p>Data mesh overview · generated \(now.wholeSeconds.rfc3339)</p></header>
        <main>\(body)</main>
        <footer>Freshness is the stalest dataset of each product; checks show the worst latest result among its checks, and which checks have it.</footer>
        </body></html>
        """
        return page.text
    }

    static func domain(_ d: Overview.DomainRow, now: Timestamp) -> HTML {
        let agents: HTML = d.agents.isEmpty ? "no agent has reported yet" : HTML(joining: d.agents.map { a in
            "<span class=agent>\(a.agentID) · last seen \(age(a.lastSeenAt.seconds(until: now)))</span>"
        }, separator: " ")
        let rows = d.products.map { row($0, now: now) }
        return """
        <section id="domain-\(d.name.rawValue)"><h2>\(d.name.rawValue) <small>\(d.products.count) products</small></h2>
        <p class=agents>\(agents)</p>
        <table><thead><tr><th>Product</th><th>Tier</th><th>Classification</th><th>Owner</th><th>Freshness</th><th>Checks</th></tr></thead>
        <tbody>\(rows)</tbody></table></section>
        """
    }

    static func row(_ p: Overview.ProductRow, now: Timestamp) -> HTML {
        let freshness: HTML
        if let s = p.staleness(at: now) {
            let slo: HTML = p.maxStaleness.map { " <small title=\"\($0.text)\">(SLO \(span($0.seconds)))</small>" } ?? ""
            freshness = p.isStale(at: now)
                ? "<span class=bad>stale · \(age(s))</span>\(slo)"
                : "<span class=good>\(age(s))</span>\(slo)"
        } else {
            freshness = "<span class=unknown>never observed</span>"
        }
        let checks: HTML
        if let worst = p.worstCheck, let at = p.lastCheckAt {
            let names: HTML = p.checksAtWorst.isEmpty ? "" : " <small>\(p.checksAtWorst.joined(separator: ", "))</small>"
            let cls = worst == .pass ? "good" : worst == .warn ? "warn" : "bad"
            checks = "<span class=\(HTML(stringLiteral: cls))>\(worst.rawValue)</span> · \(age(at.seconds(until: now)))\(names)"
        } else {
            checks = "<span class=unknown>no checks</span>"
        }
        return """
        <tr><td><strong>\(p.title)</strong><br><code>\(p.id.description)</code></td><td>\(p.tier.rawValue)</td>\
        <td>\(p.classification.rawValue)</td><td>\(p.owner)</td><td>\(freshness)</td><td>\(checks)</td></tr>
        """
    }

    /// "42s ago", "5m ago", "3h 10m ago", "2d 4h ago"; "in the future" for clock skew.
    public static func age(_ seconds: Double) -> String {
        seconds < 0 ? "in the future" : span(seconds) + " ago"
    }

    /// A duration as people say it: "42s", "5m", "3h 10m", "4h", "2d 4h", "1d". The two largest
    /// units, the second left out when it is zero; seconds only under a minute.
    public static func span(_ seconds: Double) -> String {
        let s = Int(seconds.rounded(.down))
        func pair(_ big: Int, _ bigUnit: String, _ small: Int, _ smallUnit: String) -> String {
            small == 0 ? "\(big)\(bigUnit)" : "\(big)\(bigUnit) \(small)\(smallUnit)"
        }
        if s < 60 { return "\(s)s" }
        if s < 3600 { return "\(s / 60)m" }
        if s < 86_400 { return pair(s / 3600, "h", s % 3600 / 60, "m") }
        return pair(s / 86_400, "d", s % 86_400 / 3600, "h")
    }

    static let css = """
    body{font:15px/1.45 system-ui,-apple-system,Segoe UI,sans-serif;margin:0;color:#1d2330;background:#f6f7f9}
    header{background:#1d2330;color:#fff;padding:16px 32px}header h1{margin:0;font-size:22px}header p{margin:4px 0 0;opacity:.75}
    main{padding:8px 32px}section{background:#fff;border:1px solid #e1e4ea;border-radius:8px;margin:20px 0;padding:4px 20px 16px}
    h2 small{font-weight:normal;color:#6b7385;font-size:14px}table{border-collapse:collapse;width:100%}
    th,td{text-align:left;padding:8px 10px;border-bottom:1px solid #eef0f3;vertical-align:top}th{font-size:13px;color:#6b7385}
    code{font-size:12px;color:#6b7385}.good{color:#137333}.warn{color:#b06000}.bad{color:#c5221f;font-weight:600}
    .unknown{color:#8a90a0}.agents{color:#6b7385;font-size:13px}.agent{margin-right:12px}
    footer{padding:16px 32px;color:#6b7385;font-size:13px}.empty{padding:24px}
    """
}
