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
            "503": {$ref: "#/components/responses/Error"}
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
            "503": {$ref: "#/components/responses/Error"}
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
    components:
      securitySchemes:
        bearer: {type: http, scheme: bearer, description: "A token from `steward token create`."}
      responses:
        Error:
          description: An error.
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
    """
}
