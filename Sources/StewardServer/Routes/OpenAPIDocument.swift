import Hummingbird

/// The OpenAPI 3.1 description of every route, served at /openapi.yaml.
/// A test checks that every route the router knows is documented here.
enum OpenAPIDocument {
    static func add(to router: Router<StewardContext>) {
        router.get("openapi.yaml") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/yaml"], body: .init(byteBuffer: .init(string: yaml)))
        }
    }

    static let yaml = """
    openapi: 3.1.0
    info:
      title: Steward control plane
      version: 0.1.0
      description: |
        Governance and observability control plane for data meshes. Domain agents push observations
        about their data products; Steward keeps them and serves them back.
        Every error answers with the body `{"error": {"code", "message", "details": [{"index", "field", "message"}]}}`.
    servers:
      - url: http://localhost:8080
    security:
      - bearer: []
    paths:
      /:
        get:
          summary: HTML overview of domains, products, freshness and checks.
          security: []
          responses:
            "200": {description: The overview page., content: {text/html: {}}}
            "303": {description: Not signed in; redirects to /login.}
      /login:
        get:
          summary: Sign-in form for browsers (trades a token for an HttpOnly cookie).
          security: []
          responses:
            "200": {description: The form., content: {text/html: {}}}
        post:
          summary: Sign in with a token.
          security: []
          requestBody:
            content:
              application/x-www-form-urlencoded:
                schema: {type: object, properties: {token: {type: string}}, required: [token]}
          responses:
            "303": {description: Signed in; redirects to /.}
            "401": {description: The token is not valid.}
      /healthz:
        get:
          summary: Liveness; the process is up.
          security: []
          responses:
            "200": {description: Up., content: {application/json: {schema: {$ref: "#/components/schemas/Status"}}}}
      /readyz:
        get:
          summary: Readiness; the store answers.
          security: []
          responses:
            "200": {description: Ready., content: {application/json: {schema: {$ref: "#/components/schemas/Status"}}}}
            "503": {$ref: "#/components/responses/Unavailable"}
      /openapi.yaml:
        get:
          summary: This document.
          security: []
          responses:
            "200": {description: OpenAPI 3.1 YAML., content: {application/yaml: {}}}
      /api/v1/observations:
        post:
          summary: Push one domain's batch of observations (atomic, idempotent by batchId).
          description: |
            The answer comes once the batch is durable. A batchId this domain already sent stores
            nothing and answers 200 with `duplicate: true`, so agents can retry blindly.
          requestBody:
            required: true
            content:
              application/json: {schema: {$ref: "#/components/schemas/ObservationBatch"}}
              application/x-protobuf:
                schema: {type: string, format: binary, description: "steward.v1.ObservationBatch (proto/steward/v1/observations.proto)"}
          responses:
            "200": {description: Stored (or a duplicate)., content: {application/json: {schema: {$ref: "#/components/schemas/BatchAccepted"}}}}
            "400": {$ref: "#/components/responses/Error"}
            "401": {$ref: "#/components/responses/Error"}
            "403": {$ref: "#/components/responses/Error"}
            "413": {$ref: "#/components/responses/Error"}
            "415": {$ref: "#/components/responses/Error"}
            "422": {$ref: "#/components/responses/Error"}
            "503": {$ref: "#/components/responses/Unavailable"}
      /api/v1/products:
        get:
          summary: List data products (their current descriptors).
          parameters:
            - {name: domain, in: query, schema: {type: string}}
          responses:
            "200":
              description: Products.
              content:
                application/json:
                  schema:
                    type: object
                    properties: {products: {type: array, items: {$ref: "#/components/schemas/ProductVersion"}}}
            "401": {$ref: "#/components/responses/Error"}
            "403": {$ref: "#/components/responses/Error"}
      /api/v1/products/{domain}/{name}:
        parameters:
          - {name: domain, in: path, required: true, schema: {type: string}}
          - {name: name, in: path, required: true, schema: {type: string}}
        put:
          summary: Register or update a product from its descriptor (JSON or YAML). Every version is kept.
          requestBody:
            required: true
            content:
              application/json: {schema: {$ref: "#/components/schemas/ProductDescriptor"}}
              application/yaml: {schema: {$ref: "#/components/schemas/ProductDescriptor"}}
          responses:
            "201": {description: A new version was kept., content: {application/json: {schema: {$ref: "#/components/schemas/ProductRegistered"}}}}
            "200": {description: Identical to the current version; nothing changed., content: {application/json: {schema: {$ref: "#/components/schemas/ProductRegistered"}}}}
            "400": {$ref: "#/components/responses/Error"}
            "401": {$ref: "#/components/responses/Error"}
            "403": {$ref: "#/components/responses/Error"}
        get:
          summary: A product's descriptor and the latest observation of each kind per dataset.
          parameters:
            - {name: asOf, in: query, description: "RFC 3339; the state as it was known then", schema: {type: string, format: date-time}}
          responses:
            "200":
              description: The product.
              content:
                application/json:
                  schema:
                    allOf:
                      - {$ref: "#/components/schemas/ProductVersion"}
                      - type: object
                        properties:
                          datasets:
                            type: array
                            items:
                              type: object
                              properties:
                                namespace: {type: string}
                                name: {type: string}
                                latest: {type: array, items: {$ref: "#/components/schemas/StoredObservation"}}
            "401": {$ref: "#/components/responses/Error"}
            "403": {$ref: "#/components/responses/Error"}
            "404": {$ref: "#/components/responses/Error"}
      /api/v1/products/{domain}/{name}/observations:
        get:
          summary: A product's observation history, newest first, in pages.
          parameters:
            - {name: domain, in: path, required: true, schema: {type: string}}
            - {name: name, in: path, required: true, schema: {type: string}}
            - {name: kind, in: query, schema: {$ref: "#/components/schemas/Kind"}}
            - {name: since, in: query, description: "observedAt >= since", schema: {type: string, format: date-time}}
            - {name: until, in: query, description: "observedAt < until", schema: {type: string, format: date-time}}
            - {name: limit, in: query, schema: {type: integer, minimum: 1, maximum: 1000, default: 100}}
            - {name: cursor, in: query, description: nextCursor of the previous page, schema: {type: string}}
          responses:
            "200":
              description: One page.
              content:
                application/json:
                  schema:
                    type: object
                    properties:
                      observations: {type: array, items: {$ref: "#/components/schemas/StoredObservation"}}
                      nextCursor: {type: [string, "null"]}
            "400": {$ref: "#/components/responses/Error"}
            "401": {$ref: "#/components/responses/Error"}
            "403": {$ref: "#/components/responses/Error"}
            "404": {$ref: "#/components/responses/Error"}
      /api/v1/policies:
        get:
          summary: Policies in force (council ones, and each domain's own or tightened versions) and loading problems.
          responses:
            "200": {description: The policies., content: {application/json: {schema: {$ref: "#/components/schemas/PolicyList"}}}}
            "401": {$ref: "#/components/responses/Error"}
      /api/v1/policies/{id}:
        parameters:
          - {name: id, in: path, required: true, schema: {type: string}}
        put:
          summary: Submit or replace a council policy (council or admin tokens). Validated like `steward policy lint`.
          requestBody:
            required: true
            content:
              application/yaml: {schema: {type: string, description: "A policy file (policies/README.md)"}}
          responses:
            "200": {description: Accepted; problems it causes in other policies are listed., content: {application/json: {schema: {$ref: "#/components/schemas/PolicyAccepted"}}}}
            "401": {$ref: "#/components/responses/Error"}
            "403": {$ref: "#/components/responses/Error"}
            "422": {description: "Rejected (code policy_rejected); details hold each diagnostic as file:line:col.", content: {application/json: {schema: {$ref: "#/components/schemas/Error"}}}}
        delete:
          summary: Delete a council policy submitted through the API (kept in history).
          responses:
            "204": {description: Deleted.}
            "403": {$ref: "#/components/responses/Error"}
            "404": {$ref: "#/components/responses/Error"}
      /api/v1/policies/dry-run:
        post:
          summary: Which products would newly fail or pass with these policies added (or replacing their namesakes). Stores nothing.
          description: An agent token may try only its own domain's policies, on its own domain's products.
          requestBody:
            required: true
            content:
              application/json:
                schema: {type: object, required: [policies], properties: {policies: {type: array, items: {type: string, description: policy YAML}}}}
              application/yaml: {schema: {type: string}}
          responses:
            "200":
              description: The difference.
              content:
                application/json:
                  schema:
                    type: object
                    properties:
                      asOf: {type: string, format: date-time}
                      productsEvaluated: {type: integer}
                      newlyFailing: {$ref: "#/components/schemas/FindingChange"}
                      newlyPassing: {$ref: "#/components/schemas/FindingChange"}
            "400": {$ref: "#/components/responses/Error"}
            "403": {$ref: "#/components/responses/Error"}
            "422": {$ref: "#/components/responses/Error"}
      /api/v1/products/{domain}/{name}/policy-input:
        get:
          summary: What policies see about a product now ({now, product, observed}); the fixture format of `steward policy eval` and policy tests.
          parameters:
            - {name: domain, in: path, required: true, schema: {type: string}}
            - {name: name, in: path, required: true, schema: {type: string}}
          responses:
            "200":
              description: The input.
              content:
                application/json:
                  schema: {type: object, properties: {now: {type: string, format: date-time}, product: {type: object}, observed: {type: object}}}
            "403": {$ref: "#/components/responses/Error"}
            "404": {$ref: "#/components/responses/Error"}
      /api/v1/domains/{domain}/policies:
        get:
          summary: The policies that apply to a domain's products.
          parameters:
            - {name: domain, in: path, required: true, schema: {type: string}}
          responses:
            "200": {description: The policies., content: {application/json: {schema: {$ref: "#/components/schemas/PolicyList"}}}}
            "403": {$ref: "#/components/responses/Error"}
      /api/v1/domains/{domain}/policies/{id}:
        parameters:
          - {name: domain, in: path, required: true, schema: {type: string}}
          - {name: id, in: path, required: true, schema: {type: string}}
        put:
          summary: Submit a domain policy (the domain's token or admin). It may add rules or tighten a council policy (extends), never loosen one.
          requestBody:
            required: true
            content:
              application/yaml: {schema: {type: string}}
          responses:
            "200": {description: Accepted., content: {application/json: {schema: {$ref: "#/components/schemas/PolicyAccepted"}}}}
            "403": {$ref: "#/components/responses/Error"}
            "422": {description: "Rejected, e.g. policy_loosens_global naming the council policy and parameter.", content: {application/json: {schema: {$ref: "#/components/schemas/Error"}}}}
        delete:
          summary: Delete a domain policy submitted through the API (kept in history).
          responses:
            "204": {description: Deleted.}
            "403": {$ref: "#/components/responses/Error"}
            "404": {$ref: "#/components/responses/Error"}
      /api/v1/waivers:
        post:
          summary: Grant a time-boxed waiver (council or admin). A waived failure counts again by itself once it expires.
          requestBody:
            required: true
            content:
              application/json:
                schema:
                  type: object
                  required: [policy, target, reason, approver, expiresAt]
                  properties:
                    policy: {type: string}
                    target: {type: string, description: "domain/product, optionally /dataset and /column"}
                    reason: {type: string}
                    approver: {type: string}
                    expiresAt: {type: string, format: date-time, description: at most 366 days ahead}
          responses:
            "201": {description: Granted., content: {application/json: {schema: {$ref: "#/components/schemas/Waiver"}}}}
            "400": {$ref: "#/components/responses/Error"}
            "403": {$ref: "#/components/responses/Error"}
        get:
          summary: Waivers, newest first, revoked and expired ones included (an agent token sees its domain's).
          parameters:
            - {name: active, in: query, schema: {type: boolean}}
          responses:
            "200":
              description: Waivers.
              content:
                application/json:
                  schema: {type: object, properties: {waivers: {type: array, items: {$ref: "#/components/schemas/Waiver"}}}}
      /api/v1/waivers/{id}:
        delete:
          summary: Revoke a waiver (council or admin); it stays in the list as revoked.
          parameters:
            - {name: id, in: path, required: true, schema: {type: string}}
          responses:
            "200": {description: Revoked., content: {application/json: {schema: {$ref: "#/components/schemas/Waiver"}}}}
            "403": {$ref: "#/components/responses/Error"}
            "404": {$ref: "#/components/responses/Error"}
      /api/v1/lineage:
        post:
          summary: One OpenLineage event (RunEvent, DatasetEvent or JobEvent; 2-0-2, or 1.x without schemaURL). An agent may write outputs only to datasets its domain owns or nobody owns.
          requestBody: {required: true, content: {application/json: {schema: {$ref: "https://openlineage.io/spec/2-0-2/OpenLineage.json"}}}}
          responses:
            "200": {description: Stored (duplicate true when the same event was already stored).}
            "400": {$ref: "#/components/responses/Error"}
            "403": {$ref: "#/components/responses/Error"}
            "413": {$ref: "#/components/responses/Error"}
        get:
          summary: "The lineage graph around a dataset: ?dataset=NAMESPACE:NAME&depth=N&direction=upstream|downstream|both (nodes, edges), or Marquez's ?nodeId=dataset:NAMESPACE:NAME&depth=N (graph)."
          parameters:
            - {name: dataset, in: query, schema: {type: string}}
            - {name: nodeId, in: query, schema: {type: string}}
            - {name: depth, in: query, schema: {type: integer, minimum: 1, maximum: 100}, description: job hops; 5 by default, 20 for nodeId}
            - {name: direction, in: query, schema: {type: string, enum: [upstream, downstream, both]}}
          responses:
            "200": {description: The subgraph.}
            "404": {$ref: "#/components/responses/Error"}
      /api/v1/lineage/batch:
        post:
          summary: A JSON array of OpenLineage events (or {"events":[...]}). Answers success or partial_success with each failed event's index, reason and whether a retry could help, as the OpenLineage OpenAPI says; 400/403 when no event was accepted.
          requestBody: {required: true, content: {application/json: {schema: {type: array, items: {$ref: "https://openlineage.io/spec/2-0-2/OpenLineage.json"}}}}}
          responses:
            "200": {description: Processing details (status, summary, failed_events).}
            "400": {$ref: "#/components/responses/Error"}
            "403": {$ref: "#/components/responses/Error"}
      /api/v1/lineage/runs/{run}:
        get:
          summary: A run's state and its events (transitions) verbatim; an agent token sees only its domain's.
          parameters:
            - {name: run, in: path, required: true, schema: {type: string, format: uuid}}
          responses:
            "200": {description: The run.}
            "404": {$ref: "#/components/responses/Error"}
      /api/v1/lineage/schemas:
        get:
          summary: Every version of a dataset's schema facet, oldest first.
          parameters:
            - {name: dataset, in: query, required: true, schema: {type: string}}
          responses:
            "200": {description: Schema versions.}
      /api/v1/column-lineage:
        get:
          summary: Upstream and downstream columns of one column, with declared and propagated tags (PII follows column lineage).
          parameters:
            - {name: dataset, in: query, required: true, schema: {type: string}}
            - {name: column, in: query, required: true, schema: {type: string}}
            - {name: depth, in: query, schema: {type: integer, minimum: 1, maximum: 100}}
          responses:
            "200": {description: Columns and edges.}
            "404": {$ref: "#/components/responses/Error"}
      /api/v1/impact:
        get:
          summary: Downstream data products of a dataset, with domain, owner, on-call and the shortest path to each.
          parameters:
            - {name: dataset, in: query, required: true, schema: {type: string}}
          responses:
            "200": {description: Affected products, nearest first.}
            "404": {$ref: "#/components/responses/Error"}
      /api/v1/domains/{domain}/namespaces:
        post:
          summary: Claim a whole dataset namespace for a domain (its agent or an admin); 409 if another domain holds it.
          parameters:
            - {name: domain, in: path, required: true, schema: {type: string}}
          requestBody: {required: true, content: {application/json: {schema: {type: object, required: [namespace], properties: {namespace: {type: string}}}}}}
          responses:
            "200": {description: Claimed.}
            "403": {$ref: "#/components/responses/Error"}
            "409": {$ref: "#/components/responses/Error"}
      /api/v1/namespaces:
        get:
          summary: Claimed namespaces and their domains.
          responses:
            "200": {description: Claims.}
      /api/v1/compliance:
        get:
          summary: Compliance of the whole mesh, per domain (an agent token sees its own domain).
          parameters:
            - {name: asOf, in: query, schema: {type: string, format: date-time}}
          responses:
            "200":
              description: Scores.
              content:
                application/json:
                  schema:
                    allOf:
                      - {$ref: "#/components/schemas/Score"}
                      - type: object
                        properties:
                          domains: {type: array, items: {allOf: [{$ref: "#/components/schemas/Score"}, {type: object, properties: {domain: {type: string}, products: {type: integer}}}]}}
      /api/v1/compliance/domains/{domain}:
        get:
          summary: A domain's score, each product's score, and its violations.
          parameters:
            - {name: domain, in: path, required: true, schema: {type: string}}
            - {name: asOf, in: query, schema: {type: string, format: date-time}}
          responses:
            "200":
              description: The domain.
              content:
                application/json:
                  schema:
                    allOf:
                      - {$ref: "#/components/schemas/Score"}
                      - type: object
                        properties:
                          domain: {type: string}
                          products: {type: array, items: {allOf: [{$ref: "#/components/schemas/Score"}, {type: object, properties: {product: {type: string}}}]}}
                          violations: {type: array, items: {$ref: "#/components/schemas/Finding"}}
            "403": {$ref: "#/components/responses/Error"}
      /api/v1/compliance/products/{domain}/{name}:
        get:
          summary: Every finding on a product, violations first, with evidence.
          parameters:
            - {name: domain, in: path, required: true, schema: {type: string}}
            - {name: name, in: path, required: true, schema: {type: string}}
            - {name: asOf, in: query, schema: {type: string, format: date-time}}
          responses:
            "200":
              description: The product.
              content:
                application/json:
                  schema:
                    allOf:
                      - {$ref: "#/components/schemas/Score"}
                      - {type: object, properties: {product: {type: string}, findings: {type: array, items: {$ref: "#/components/schemas/Finding"}}}}
            "403": {$ref: "#/components/responses/Error"}
            "404": {$ref: "#/components/responses/Error"}
      /api/v1/compliance/policies/{id}:
        get:
          summary: Every finding of one policy across the mesh (an agent token sees its own domain).
          parameters:
            - {name: id, in: path, required: true, schema: {type: string}}
            - {name: asOf, in: query, schema: {type: string, format: date-time}}
          responses:
            "200":
              description: The policy.
              content:
                application/json:
                  schema:
                    allOf:
                      - {$ref: "#/components/schemas/Score"}
                      - {type: object, properties: {policy: {type: string}, findings: {type: array, items: {$ref: "#/components/schemas/Finding"}}}}
    components:
      securitySchemes:
        bearer: {type: http, scheme: bearer, description: "A token from `steward token create`."}
      responses:
        Error:
          description: An error.
          content: {application/json: {schema: {$ref: "#/components/schemas/Error"}}}
        Unavailable:
          description: The store is unavailable (code store_unavailable); nothing was stored.
          headers:
            Retry-After: {description: Seconds to wait before retrying., schema: {type: integer}}
          content: {application/json: {schema: {$ref: "#/components/schemas/Error"}}}
      schemas:
        Status:
          type: object
          properties: {status: {type: string}}
        Error:
          type: object
          required: [error]
          properties:
            error:
              type: object
              required: [code, message, details]
              properties:
                code: {type: string, description: "Stable, e.g. ingest_invalid_batch, auth_forbidden_domain"}
                message: {type: string}
                details:
                  type: array
                  items:
                    type: object
                    properties: {index: {type: integer}, field: {type: string}, message: {type: string}}
        Kind:
          type: string
          enum: [freshness, volume, quality, usage, grants, schema, retention, heartbeat]
        DatasetRef:
          type: object
          required: [namespace, name]
          properties: {namespace: {type: string}, name: {type: string}}
        Observation:
          type: object
          required: [kind, observedAt]
          description: |
            Common fields plus the kind's own: freshness {lastUpdatedAt}; volume {rowCount};
            quality {check, status: pass|warn|fail|error, value?, threshold?, message?};
            usage {consumer, reads, rowsRead?, windowStart?, windowEnd?}; grants {grants: [{grantee, privileges}]};
            schema {columns: [{name, type, pii?: [{detector, matchRatio}]}]}; retention {oldestRecordAt};
            heartbeat {} (names no product or dataset).
          properties:
            kind: {$ref: "#/components/schemas/Kind"}
            product: {type: string, description: domain/name}
            dataset: {$ref: "#/components/schemas/DatasetRef"}
            observedAt: {type: string, format: date-time}
          additionalProperties: true
        StoredObservation:
          allOf:
            - {$ref: "#/components/schemas/Observation"}
            - type: object
              properties: {id: {type: integer}, recordedAt: {type: string, format: date-time}}
        ObservationBatch:
          type: object
          required: [batchId, domain, agent, observations]
          properties:
            batchId: {type: string, maxLength: 256}
            domain: {type: string}
            agent:
              type: object
              required: [id]
              properties: {id: {type: string}, version: {type: string}}
            observations: {type: array, minItems: 1, items: {$ref: "#/components/schemas/Observation"}}
        BatchAccepted:
          type: object
          properties: {batchId: {type: string}, stored: {type: integer}, duplicate: {type: boolean}}
        ProductDescriptor:
          type: object
          required: [domain, name, owner, tier, classification, datasets]
          properties:
            domain: {type: string}
            name: {type: string}
            title: {type: string}
            description: {type: string}
            owner: {type: string}
            oncall: {type: string}
            tier: {type: string, enum: [gold, silver, bronze]}
            classification: {type: string, enum: [public, internal, confidential, restricted]}
            datasets:
              type: array
              minItems: 1
              items:
                type: object
                required: [namespace, name]
                properties:
                  namespace: {type: string}
                  name: {type: string}
                  columns:
                    type: array
                    items:
                      type: object
                      required: [name, type]
                      properties: {name: {type: string}, type: {type: string}, tags: {type: array, items: {type: string}}}
            slo:
              type: object
              properties:
                maxStaleness: {type: string, description: ISO 8601 duration}
                minQualityPassRate: {type: number, minimum: 0, maximum: 1}
            retention: {type: string, description: ISO 8601 duration}
            consumers: {type: array, items: {type: string}}
        ProductRegistered:
          type: object
          properties: {product: {type: string}, version: {type: integer}, registeredAt: {type: string, format: date-time}, changed: {type: boolean}}
        ProductVersion:
          type: object
          properties:
            product: {type: string}
            version: {type: integer}
            registeredAt: {type: string, format: date-time}
            descriptor: {$ref: "#/components/schemas/ProductDescriptor"}
        Score:
          type: object
          description: "score = (pass + waived) / all findings; errors count against it; null when nothing was evaluated."
          properties:
            asOf: {type: string, format: date-time}
            score: {type: [number, "null"], minimum: 0, maximum: 1}
            counts: {type: object, properties: {pass: {type: integer}, fail: {type: integer}, waived: {type: integer}, error: {type: integer}}}
        Finding:
          type: object
          properties:
            product: {type: string}
            policy: {type: string}
            policyVersion: {type: string}
            owner: {type: string}
            severity: {type: string, enum: [critical, high, medium, low]}
            target: {type: string}
            result: {type: string, enum: [pass, fail, waived, error]}
            message: {type: string}
            remediation: {type: string}
            evidence: {type: object, additionalProperties: {type: string}, description: values the rule looked at, as CEL literals}
            since: {type: string, format: date-time, description: when this result began}
            until: {type: string, format: date-time, description: when it ended (as-of answers only)}
        FindingChange:
          type: object
          properties:
            products: {type: integer}
            domains: {type: integer}
            findings: {type: array, items: {$ref: "#/components/schemas/Finding"}}
        PolicyList:
          type: object
          properties:
            policies:
              type: array
              items:
                type: object
                properties:
                  id: {type: string}
                  title: {type: string}
                  owner: {type: string}
                  appliesTo: {type: string}
                  severity: {type: string}
                  target: {type: string, enum: [product, dataset, column]}
                  version: {type: string}
                  source: {type: string}
            problems: {type: array, items: {type: string, description: "file:line:col: code: message"}}
        PolicyAccepted:
          type: object
          properties:
            id: {type: string}
            owner: {type: string}
            accepted: {type: boolean}
            affected: {type: array, items: {type: string}}
        Waiver:
          type: object
          properties:
            id: {type: string}
            policy: {type: string}
            target: {type: string}
            reason: {type: string}
            approver: {type: string}
            grantedBy: {type: string, description: id of the token that granted it}
            createdAt: {type: string, format: date-time}
            expiresAt: {type: string, format: date-time}
            revokedAt: {type: string, format: date-time}
            status: {type: string, enum: [active, expired, revoked]}
    """
}
