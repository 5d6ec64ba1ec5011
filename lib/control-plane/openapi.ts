/**
 * The control-plane contract as an OpenAPI 3.1 document, generated from the zod schemas in contract.ts with
 * z.toJSONSchema (JSON Schema 2020-12, which OpenAPI 3.1 uses as is). Request bodies are described in their
 * canonical form: the form the portal sends after normalising (see contract.ts).
 */
import { z } from "zod";
import { CONTROL_PLANE_ACTIONS, type ControlPlaneAction } from "./actions";
import {
  API_PATHS,
  IDEMPOTENCY_HEADER,
  PROBLEM_CONTENT_TYPE,
  REPLAYED_HEADER,
  TELEMETRY_WINDOWS,
  FLOW_STATUSES,
  actionParamsSchemas,
  actionResponseSchemas,
  actionResultSchemas,
  aggregatesSchema,
  capacitySchema,
  flowListSchema,
  flowSchema,
  healthSchema,
  instantSchema,
  phaseSchema,
  problemSchema,
  providerHealthSchema,
  providerSchema,
  routingWeightsSchema,
  settingsSchema,
  telemetrySnapshotSchema,
} from "./contract";

export const OPENAPI_VERSION = "1.0.0";

const ACTION_DOCS: Record<ControlPlaneAction, string> = {
  "set-allowlist": "Adds repos to (or removes them from) the orchestrator allowlist, with their phase and daily cap.",
  "rollback-to-pilot": "Removes every repo but the pilot from the allowlist and returns to the pilot phase. Flows in flight finish or time out.",
  "set-context-pruning": "Enables or disables context pruning globally or for one repo (new flows only).",
  "set-routing-weights": "Sets the share of flows per provider for all stages, or only the context stage. Stage `all` releases failover pins.",
  "failover-provider": "Pins one provider's traffic to another. Reports `no-change` when automatic failover had already moved it.",
  "throttle-repo": "Limits one repo (`repo`) or several (`repos`): concurrent flows, daily spend cap, share of capacity; or lifts the limits.",
  "set-circuit-breaker": "Opens or closes one provider's circuit breaker, or the global one (which stops every new flow).",
  "set-retry-limit": "Caps retry attempts per request, globally or for one repo.",
  "scale-flowengine": "Sets FlowEngine replicas and the HPA bounds.",
  "set-db-pool-size": "Sets the FlowEngine database connection pool size.",
  "rotate-api-key": "Issues new provider API keys, deploys them and (by default) revokes the old ones. Answers with fingerprints, never keys.",
  "quarantine-flow-output": "Quarantines one flow's output, or every output of a repo since an instant.",
  "run-flow": "Starts a flow for an allowlisted repo; it then appears in telemetry and completes. Answers with its id.",
  "request-quota-increase": "Submits a daily token quota increase to providers (planned or emergency).",
};

const pascal = (s: string) => s.replace(/(^|-)([a-z])/g, (_m, _d, c: string) => c.toUpperCase());
const ref = (id: string) => ({ $ref: `#/components/schemas/${id}` });

type JsonObject = Record<string, unknown>;

/** Builds the OpenAPI document. `serverUrl` fills `servers` (e.g. the URL the portal is configured with). */
export function buildOpenApiDocument(opts: { serverUrl?: string } = {}): JsonObject {
  const registry = z.registry<{ id: string }>();
  const named: [string, z.ZodType][] = [
    ["Instant", instantSchema],
    ["Provider", providerSchema],
    ["Phase", phaseSchema],
    ["RoutingWeights", routingWeightsSchema],
    ["Flow", flowSchema],
    ["FlowList", flowListSchema],
    ["Aggregates", aggregatesSchema],
    ["ProviderHealth", providerHealthSchema],
    ["Capacity", capacitySchema],
    ["Settings", settingsSchema],
    ["TelemetrySnapshot", telemetrySnapshotSchema],
    ["Health", healthSchema],
    ["Problem", problemSchema],
  ];
  for (const action of CONTROL_PLANE_ACTIONS) {
    named.push([`${pascal(action)}Params`, actionParamsSchemas[action]]);
    named.push([`${pascal(action)}Result`, actionResultSchemas[action]]);
    named.push([`${pascal(action)}Response`, actionResponseSchemas[action]]);
  }
  for (const [id, schema] of named) registry.add(schema, { id });
  const generated = z.toJSONSchema(registry, {
    uri: (id) => `#/components/schemas/${id}`,
    io: "output",
    unrepresentable: "any",
  }) as { schemas: Record<string, JsonObject> };
  const schemas: Record<string, JsonObject> = {};
  for (const [id, schema] of Object.entries(generated.schemas)) {
    // Each component is embedded in this document: its own $schema and $id would only mislead resolvers.
    schemas[id] = Object.fromEntries(Object.entries(schema).filter(([k]) => k !== "$schema" && k !== "$id"));
  }

  const problemResponse = (description: string) => ({ description, content: { [PROBLEM_CONTENT_TYPE]: { schema: ref("Problem") } } });
  const json = (schemaRef: JsonObject) => ({ "application/json": { schema: schemaRef } });
  const readErrors = { "400": { $ref: "#/components/responses/BadRequest" }, "429": { $ref: "#/components/responses/RateLimited" }, "503": { $ref: "#/components/responses/Unavailable" } };

  const get = (operationId: string, summary: string, schemaId: string, parameters: JsonObject[] = [], extra: JsonObject = {}) => ({
    get: { operationId, tags: ["telemetry"], summary, parameters, responses: { "200": { description: "OK", content: json(ref(schemaId)) }, ...readErrors, ...extra } },
  });
  const query = (name: string, schema: JsonObject, description: string) => ({ name, in: "query", required: false, description, schema });

  const paths: Record<string, JsonObject> = {
    [API_PATHS.health]: get("getHealth", "Liveness and identity of the control plane", "Health"),
    [API_PATHS.telemetry]: get("getTelemetry", "Everything at once: recent flows, aggregates, provider health, capacity and settings", "TelemetrySnapshot", [
      query("flowLimit", { type: "integer", minimum: 0, maximum: 1000, default: 50 }, "How many recent flows to include"),
      query("window", { type: "string", enum: [...TELEMETRY_WINDOWS], default: "24h" }, "Window of the latency and failure aggregates"),
    ]),
    [API_PATHS.flows]: get("listFlows", "Recent flows, most recent first", "FlowList", [
      query("limit", { type: "integer", minimum: 1, maximum: 1000, default: 50 }, "At most this many flows"),
      query("repo", { type: "string" }, "Only this repo's flows"),
      query("status", { type: "string", enum: [...FLOW_STATUSES] }, "Only flows in this status"),
      query("since", { type: "string", format: "date-time" }, "Only flows started at or after this instant"),
    ]),
    [`${API_PATHS.flows}/{flowId}`]: get(
      "getFlow",
      "One flow",
      "Flow",
      [{ name: "flowId", in: "path", required: true, schema: { type: "string" } }],
      { "404": { $ref: "#/components/responses/NotFound" } },
    ),
    [API_PATHS.aggregates]: get("getAggregates", "Spend, token usage against quotas, latency percentiles and failure rates", "Aggregates", [
      query("window", { type: "string", enum: [...TELEMETRY_WINDOWS], default: "24h" }, "Window of the latency and failure aggregates"),
    ]),
    [API_PATHS.providers]: get("getProviderHealth", "Provider status, latency, error rate, breaker and traffic share", "ProviderHealth"),
    [API_PATHS.capacity]: get("getCapacity", "FlowEngine replicas, HPA bounds, CPU and DB pool", "Capacity"),
    [API_PATHS.settings]: get("getSettings", "Current settings: phase, allowlist, pruning, routing, breakers, throttles, retries, quotas, keys", "Settings"),
  };
  for (const action of CONTROL_PLANE_ACTIONS) {
    paths[API_PATHS.action(action)] = {
      post: {
        operationId: action.replace(/-([a-z])/g, (_m, c: string) => c.toUpperCase()),
        tags: ["actions"],
        summary: ACTION_DOCS[action],
        parameters: [{ $ref: "#/components/parameters/IdempotencyKey" }],
        requestBody: { required: true, content: json(ref(`${pascal(action)}Params`)) },
        responses: {
          "200": {
            description: "Applied (or already in the requested state: `status: no-change`). A replay of an earlier request carries the Idempotent-Replayed header.",
            headers: { [REPLAYED_HEADER]: { description: "`true` when this is the stored result of an earlier request with the same key", schema: { type: "string", enum: ["true"] } } },
            content: json(ref(`${pascal(action)}Response`)),
          },
          "400": { $ref: "#/components/responses/BadRequest" },
          "404": { $ref: "#/components/responses/NotFound" },
          "409": { $ref: "#/components/responses/InFlight" },
          "422": { $ref: "#/components/responses/Refused" },
          "429": { $ref: "#/components/responses/RateLimited" },
          "503": { $ref: "#/components/responses/Unavailable" },
        },
      },
    };
  }

  return {
    openapi: "3.1.0",
    info: {
      title: "Orchestrator control plane",
      version: OPENAPI_VERSION,
      description:
        "The API through which the Ops Portal reads the Multi-LLM Orchestrator's telemetry and asks it to act. Every action " +
        `takes an ${IDEMPOTENCY_HEADER} header: the same key with the same body returns the first result without a second effect; ` +
        "the same key with a different body is refused (422); a duplicate of a request still being processed gets 409. " +
        "Errors are RFC 9457 problem objects.",
    },
    jsonSchemaDialect: "https://json-schema.org/draft/2020-12/schema",
    servers: opts.serverUrl ? [{ url: opts.serverUrl }] : [],
    tags: [
      { name: "telemetry", description: "Reads. Safe to retry." },
      { name: "actions", description: `Changes. Idempotent by ${IDEMPOTENCY_HEADER}, so safe to retry with the same key.` },
    ],
    paths,
    components: {
      schemas,
      parameters: {
        IdempotencyKey: {
          name: IDEMPOTENCY_HEADER,
          in: "header",
          required: true,
          description: "A unique key per intended change (the portal uses a UUID per outbox command). 1–255 printable ASCII characters.",
          schema: { type: "string", minLength: 1, maxLength: 255 },
        },
      },
      responses: {
        BadRequest: problemResponse("Invalid request: malformed JSON, invalid parameters (each named in `errors`) or a missing Idempotency-Key. Do not retry unchanged."),
        NotFound: problemResponse("No such endpoint, action or object."),
        InFlight: problemResponse("A request with this Idempotency-Key is still being processed. Retry with the same key after Retry-After."),
        Refused: problemResponse(
          "Refused: the Idempotency-Key was used for a different request (`code: idempotency-key-reused`), or the action is not possible in the current state (`code: action-refused`). Do not retry unchanged.",
        ),
        RateLimited: {
          ...problemResponse("Rate limited. Retry after the Retry-After header (seconds); `provider` names the provider whose limit was hit, if any."),
          headers: { "Retry-After": { schema: { type: "integer", minimum: 0 } } },
        },
        Unavailable: problemResponse("The control plane (or something it depends on) is unavailable. Retry with backoff."),
      },
    },
  };
}
