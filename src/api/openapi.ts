/** A route as registered, for the OpenAPI document. */
export interface ApiRoute {
  method: string;
  url: string;
  public: boolean;
  schema: { summary?: string; description?: string; tags?: string[]; params?: JsonSchema; querystring?: JsonSchema; body?: JsonSchema };
}
type JsonSchema = { type?: unknown; properties?: Record<string, JsonSchema>; required?: readonly string[]; description?: string; [k: string]: unknown };

const ERROR = {
  type: "object",
  required: ["error"],
  properties: {
    error: {
      type: "object",
      required: ["code", "message"],
      properties: {
        code: { type: "string", description: "stable code: validation, date_parse, unknown_term, not_found, conflict, forbidden, unauthenticated, rate_limited, …" },
        message: { type: "string" },
        where: { type: "object", description: "the place of the problem: field (e.g. body.claims[0].date), row, line, column" },
        problems: { type: "array", description: "every problem when there is more than one", items: { type: "object" } },
      },
    },
  },
};

/**
 * Builds the OpenAPI 3.1 document from the route table (paths, parameters
 * and request bodies straight from each route's JSON Schema), so the
 * document cannot drift from what the server validates.
 */
export function buildOpenApi(routes: readonly ApiRoute[], server: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const path = r.url.replace(/:([A-Za-z0-9_]+)/g, "{$1}");
    const params: unknown[] = [];
    for (const [where, schema] of [
      ["path", r.schema.params],
      ["query", r.schema.querystring],
    ] as const) {
      for (const [name, s] of Object.entries(schema?.properties ?? {})) params.push({ name, in: where, required: where === "path" || (schema?.required ?? []).includes(name), schema: s, ...(s.description ? { description: s.description } : {}) });
    }
    const responses: Record<string, unknown> = { "200": { description: "success", content: { "application/json": { schema: { type: "object" } } } } };
    for (const [code, text] of [
      ["400", "invalid input: what and where"],
      ["401", "no valid token or session"],
      ["403", "your role or the token's scopes do not allow it (logged)"],
      ["404", "not found, or not visible to you"],
      ["409", "changed by someone else since the version you read"],
      ["429", "rate limited"],
    ] as const)
      if (!r.public) responses[code] = { description: text, content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } };
    (paths[path] ??= {})[r.method.toLowerCase()] = {
      operationId: `${r.method.toLowerCase()}${path.replace(/[{}]/g, "").replace(/[^A-Za-z0-9]+(.)/g, (_m, c: string) => c.toUpperCase())}`,
      summary: r.schema.summary ?? "",
      ...(r.schema.description ? { description: r.schema.description } : {}),
      tags: r.schema.tags ?? [],
      ...(params.length ? { parameters: params } : {}),
      ...(r.schema.body ? { requestBody: { required: true, content: { "application/json": { schema: r.schema.body } } } } : {}),
      responses,
      ...(r.public ? { security: [] } : {}),
    };
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "Vigil API",
      version: "1",
      description:
        "Every action of the staff workspace, for scripts, through the same use cases and the same permission checks. Authenticate with a personal API token (create one in the workspace under Your account): `Authorization: Bearer vgl_…`. A token acts as its owner narrowed to its scopes (read, write, restricted, export, admin). Changes carry the `version` you read; a newer version answers 409. Errors are `{error: {code, message, where}}`.",
    },
    servers: [{ url: server }],
    security: [{ bearer: [] }],
    components: { securitySchemes: { bearer: { type: "http", scheme: "bearer", description: "a personal API token (vgl_…)" } }, schemas: { Error: ERROR } },
    paths,
  };
}
