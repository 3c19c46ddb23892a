import rateLimit from "@fastify/rate-limit";
import type { FastifyError, FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest, FastifySchema, RouteOptions } from "fastify";
import {
  addGrant,
  authorize,
  mayRead,
  approveRecovery,
  baseUrl,
  createApiToken,
  exportAudit,
  getUser,
  inviteUser,
  listApiTokens,
  listAudit,
  listGrants,
  listUsers,
  recentlyAuthenticated,
  removeGrant,
  revokeApiToken,
  startRecovery,
  updateUser,
  type Action,
} from "../accounts/index.ts";
import { VigilError } from "../core/errors.ts";
import {
  exportNdjson,
  getRecord,
  listRecords,
  listVocabularies,
  mergePeople,
  mergesOf,
  recordHistory,
  relatedLabels,
  restoreVersion,
  saveTerm,
  searchRecords,
  undoMerge,
  viewVersion,
  RECORD_TYPES,
  type ClaimInput,
  type ClaimPatch,
  type RecordInput,
  type RecordPatch,
  type RecordType,
  type RecordView,
} from "../records/index.ts";
import { applyOp, approveProposal, authenticate, checkCsrf, getProposal, listProposals, logDenial, proposeChange, rateKey, rejectProposal, withdrawProposal, type ProposalOp } from "../workspace/index.ts";
import { renderApiDocs } from "./docs.tsx";
import { buildOpenApi, type ApiRoute } from "./openapi.ts";
import { claimInput, claimPatch, ID, idParams, REASON, recordInput, recordPatch } from "./schemas.ts";

/** What every API response carries on failure: what went wrong and where. */
function errorBody(code: string, message: string, where?: unknown, problems?: unknown): unknown {
  return { error: { code, message, ...(where ? { where } : {}), ...(problems ? { problems } : {}) } };
}

/** A record for scripts: its fields, the claims the caller may read, and the labels of what they point to. */
export function presentRecord(view: RecordView): unknown {
  return {
    record: view.record,
    claims: view.claims,
    hiddenClaims: view.hiddenClaims,
    mergedFrom: view.mergedFrom,
    related: Object.fromEntries(view.related),
    ...(view.sourceText !== null ? { sourceText: view.sourceText } : {}),
  };
}

const strip = <T extends object>(body: T, ...keys: string[]): T => Object.fromEntries(Object.entries(body).filter(([k]) => !keys.includes(k))) as T;

/**
 * The action each API route performs, checked by the policy before the body
 * is even validated (the use case checks again). Routes on owned things
 * (proposals, tokens) are left to the use case, which knows the owner.
 */
const ROUTE_ACTIONS: Record<string, Action> = {
  "GET /api/v1/records": "record.read",
  "POST /api/v1/records": "record.create",
  "GET /api/v1/records/:id": "record.read",
  "PATCH /api/v1/records/:id": "record.update",
  "GET /api/v1/records/:id/history": "history.read",
  "GET /api/v1/records/:id/merges": "record.read",
  "POST /api/v1/records/:id/claims": "claim.create",
  "PATCH /api/v1/claims/:id": "claim.update",
  "POST /api/v1/claims/:id/retract": "claim.update",
  "GET /api/v1/versions/:entityId/:version": "history.read",
  "POST /api/v1/versions/:entityId/:version/restore": "history.restore",
  "POST /api/v1/merges": "person.merge",
  "POST /api/v1/merges/:id/undo": "person.merge",
  "GET /api/v1/search": "search.staff",
  "GET /api/v1/vocabularies": "vocab.read",
  "PUT /api/v1/vocabularies/:vocabulary/:code": "vocab.manage",
  "POST /api/v1/proposals": "record.propose",
  "POST /api/v1/proposals/:id/approve": "proposal.review",
  "POST /api/v1/proposals/:id/reject": "proposal.review",
  "GET /api/v1/users": "user.read",
  "POST /api/v1/users": "user.manage",
  "PATCH /api/v1/users/:id": "user.manage",
  "POST /api/v1/users/:id/recovery": "user.recover",
  "POST /api/v1/recoveries/:id/approve": "user.recover",
  "GET /api/v1/grants": "grant.manage",
  "POST /api/v1/grants": "grant.manage",
  "DELETE /api/v1/grants/:id": "grant.manage",
  "GET /api/v1/audit": "audit.read",
  "GET /api/v1/audit/export": "audit.export",
  "GET /api/v1/export": "export.all",
};

/** Routes a token may never use (a token cannot mint tokens or start recoveries). */
const SESSION_ONLY = new Set(["POST /api/v1/tokens", "POST /api/v1/users/:id/recovery", "POST /api/v1/recoveries/:id/approve"]);

/**
 * Another capability's API routes, registered inside /api behind the same
 * authentication, policy check, rate limit and JSON errors, and listed in
 * the OpenAPI document. `actions` maps "METHOD /api/v1/…" to its action.
 */
export interface ApiExtension {
  actions: Record<string, Action>;
  register: (app: FastifyInstance) => Promise<void>;
}
const extensions: ApiExtension[] = [];

/** Adds a capability's routes to the API (call at import time, before the app is built). */
export function registerApiRoutes(extension: ApiExtension): void {
  extensions.push(extension);
  Object.assign(ROUTE_ACTIONS, extension.actions);
}

/** Routes collected for the OpenAPI document (every route of this plugin). */
export const apiRouteTable: ApiRoute[] = [];

/**
 * The JSON API under /api/v1: every workspace action, through the same use
 * cases. Authenticated by personal API tokens (Authorization: Bearer) or, for
 * the workspace's own scripts, the session cookie with a CSRF header on writes.
 */
export const apiRoutes: FastifyPluginAsync = async (root) => {
  await root.register(
    async (app) => {
      await app.register(rateLimit, {
        global: true,
        max: app.deps.config.apiRateLimit,
        timeWindow: 60_000,
        keyGenerator: rateKey,
        errorResponseBuilder: (_req, ctx) => ({ statusCode: 429, ...(errorBody("rate_limited", `too many requests: at most ${ctx.max} a minute; try again in ${Math.ceil(ctx.ttl / 1000)} s`) as object) }),
      });
      app.addHook("onRoute", (route: RouteOptions) => {
        const methods = Array.isArray(route.method) ? route.method : [route.method];
        for (const m of methods) if (m !== "HEAD") apiRouteTable.push({ method: m, url: route.url, schema: (route.schema ?? {}) as ApiRoute["schema"], public: (route.config as { access?: string } | undefined)?.access === "public" });
        route.config = { ...(route.config ?? {}), access: (route.config as { access?: string } | undefined)?.access ?? "api" } as never;
      });
      // Before the body is validated: a stranger learns nothing from validation errors, and every refusal is logged.
      app.addHook("onRequest", async (req) => {
        if (req.routeOptions.config.access === "public") return;
        const auth = await authenticate(req);
        if (auth.via === "none") {
          await logDenial(req, 401, req.headers.authorization ? "invalid, expired or revoked token" : "no credentials");
          throw new VigilError("unauthenticated", "authentication required: send a personal API token as “Authorization: Bearer vgl_…” (create one in the workspace under Your account)");
        }
        if (auth.via === "session") {
          if (auth.session?.stage !== "full") {
            await logDenial(req, 403, "second factor not set up");
            throw new VigilError("forbidden", "set up a second factor in the workspace first");
          }
          if (req.method !== "GET" && req.method !== "HEAD") await checkCsrf(req);
        }
        if (auth.via === "token" && SESSION_ONLY.has(`${req.method} ${req.routeOptions.url ?? ""}`)) {
          await logDenial(req, 403, "not with a token");
          throw new VigilError("forbidden", "this action is taken from a workspace session, never with a token");
        }
        const action = ROUTE_ACTIONS[`${req.method === "HEAD" ? "GET" : req.method} ${req.routeOptions.url ?? ""}`];
        if (action) authorize(auth.actor, action);
      });
      app.addHook("onSend", async (_req, reply, payload) => {
        if (!reply.hasHeader("cache-control")) reply.header("cache-control", "no-store");
        return payload;
      });
      app.setErrorHandler(async (err: FastifyError | VigilError, req, reply) => {
        if (err instanceof VigilError) {
          if (err.code === "forbidden") await logDenial(req, 403, err.message);
          return reply.code(err.status).send(err.toJSON());
        }
        if (err.validation) {
          const problems = err.validation.map((v) => {
            const path = (v.instancePath || "").replace(/^\//, "").replace(/\//g, ".");
            const missing = (v.params as { missingProperty?: string }).missingProperty;
            const extra = (v.params as { additionalProperty?: string }).additionalProperty;
            const field = [path, missing ?? extra].filter(Boolean).join(".");
            return { field: `${err.validationContext ?? "body"}${field ? `.${field}` : ""}`, message: `${field || err.validationContext || "input"} ${v.message ?? "is invalid"}${extra ? ` (${extra})` : ""}` };
          });
          return reply.code(400).send(errorBody("validation", problems[0]?.message ?? "invalid input", { field: problems[0]?.field }, problems.length > 1 ? problems : undefined));
        }
        const status = typeof err.statusCode === "number" ? err.statusCode : 500;
        if (status === 429) return reply.code(429).send(errorBody("rate_limited", err.message));
        if (status < 500) return reply.code(status).send(errorBody("bad_request", err.message));
        req.log.error({ err: { message: err.message, stack: err.stack } }, "api request failed");
        return reply.code(500).send(errorBody("internal", "internal error: nothing was half-written; try again"));
      });
      app.setNotFoundHandler(async (req, reply) => reply.code(404).send(errorBody("not_found", `no API route ${req.method} ${req.url.split("?")[0] ?? ""}`)));

      await register(app);
      for (const extension of extensions) await extension.register(app);
    },
    { prefix: "/api" },
  );
};

const ctxOf = async (req: FastifyRequest) => (await authenticate(req)).ctx;

async function register(app: FastifyInstance): Promise<void> {
  const tag = (t: string, summary: string, extra: Record<string, unknown> = {}): FastifySchema => ({ tags: [t], summary, ...extra }) as FastifySchema;

  app.get("/openapi.json", { config: { access: "public" }, schema: tag("documentation", "This document (OpenAPI 3.1)") }, async (req) => buildOpenApi(apiRouteTable, baseUrl(req.server.deps)));
  app.get("/docs", { config: { access: "public" }, schema: tag("documentation", "Readable documentation of the API (HTML)") }, async (req, reply) => {
    reply.header("content-security-policy", "default-src 'none'; style-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'");
    return reply.type("text/html; charset=utf-8").send(renderApiDocs(buildOpenApi(apiRouteTable, baseUrl(req.server.deps))));
  });

  app.get("/v1/me", { schema: tag("account", "Who the token or session acts as, with its role and scopes") }, async (req) => {
    const auth = await authenticate(req);
    const user = await getUser({ ...auth.ctx, actor: { ...auth.ctx.actor, scopes: undefined } }, auth.ctx.actor.id);
    return { user, role: auth.actor.role, via: auth.via, ...(auth.token ? { token: { id: auth.token.id, name: auth.token.name, scopes: auth.token.scopes, expiresAt: auth.token.expiresAt } } : {}) };
  });

  app.get(
    "/v1/records",
    { schema: tag("records", "List records of a type, newest first, in pages", { querystring: { type: "object", required: ["type"], properties: { type: { type: "string", enum: [...RECORD_TYPES] }, status: { type: "string", enum: ["draft", "published"] }, after: { type: "string", maxLength: 500 }, limit: { type: "integer", minimum: 1, maximum: 500 } } } }) },
    async (req) => {
      const q = req.query as { type: RecordType; status?: string; after?: string; limit?: number };
      return listRecords(await ctxOf(req), { type: q.type, ...(q.status ? { status: q.status } : {}), ...(q.after ? { after: q.after } : {}), ...(q.limit ? { limit: q.limit } : {}) });
    },
  );

  /** Applies a change directly, or for a role that only proposes, answers 403 pointing to /proposals. */
  const apply = async (req: FastifyRequest, reply: FastifyReply, op: ProposalOp, reason: string | null, status = 200) => {
    const ctx = await ctxOf(req);
    const id = await applyOp(ctx, op, reason);
    return reply.code(status).send({ id });
  };

  app.post("/v1/records", { schema: tag("records", "Create a record with its first claims (all or nothing)", { body: recordInput }) }, async (req, reply) => {
    const body = req.body as RecordInput & { reason?: string | null };
    const ctx = await ctxOf(req);
    const id = await applyOp(ctx, { op: "record.create", input: strip(body, "reason") }, body.reason ?? null);
    return reply.code(201).send(presentRecord(await getRecord(ctx, id)));
  });

  app.get("/v1/records/:id", { schema: tag("records", "A record with every claim you may read, its sources, confidence and confidentiality", { params: idParams }) }, async (req) => {
    const ctx = await ctxOf(req);
    const { id } = req.params as { id: string };
    try {
      return presentRecord(await getRecord(ctx, id, { includeRetracted: (req.query as { retracted?: string }).retracted === "1" }));
    } catch (e) {
      // A hidden record answers like a missing one, but the attempt is logged.
      if (e instanceof VigilError && e.code === "not_found" && (await ctx.db.selectFrom("records").select("id").where("id", "=", id).executeTakeFirst())) await logDenial(req, 404, "restricted record");
      throw e;
    }
  });

  app.patch("/v1/records/:id", { schema: tag("records", "Edit a record's own fields; `version` must be the one you read (409 otherwise)", { params: idParams, body: recordPatch }) }, async (req, reply) => {
    const body = req.body as RecordPatch & { version: number; reason?: string | null };
    return apply(req, reply, { op: "record.update", id: (req.params as { id: string }).id, version: body.version, patch: strip(body, "version", "reason") }, body.reason ?? null);
  });

  app.get("/v1/records/:id/history", { schema: tag("history", "Every change to a record and its claims, newest first", { params: idParams }) }, async (req) => ({ items: await recordHistory(await ctxOf(req), (req.params as { id: string }).id) }));

  app.get("/v1/records/:id/merges", { schema: tag("merges", "Merges involving a person", { params: idParams }) }, async (req) => {
    const ctx = await ctxOf(req);
    const { id } = req.params as { id: string };
    await getRecord(ctx, id);
    return { items: await mergesOf(ctx, id) };
  });

  app.post("/v1/records/:id/claims", { schema: tag("claims", "Add a sourced claim to a record", { params: idParams, body: claimInput }) }, async (req, reply) => {
    const body = req.body as ClaimInput & { reason?: string | null };
    return apply(req, reply, { op: "claim.add", subjectId: (req.params as { id: string }).id, input: strip(body, "reason") }, body.reason ?? null, 201);
  });

  app.patch("/v1/claims/:id", { schema: tag("claims", "Edit a claim; `version` must be the one you read (409 otherwise)", { params: idParams, body: claimPatch }) }, async (req, reply) => {
    const body = req.body as ClaimPatch & { version: number; reason?: string | null };
    return apply(req, reply, { op: "claim.update", id: (req.params as { id: string }).id, version: body.version, patch: strip(body, "version", "reason") }, body.reason ?? null);
  });

  app.post(
    "/v1/claims/:id/retract",
    { schema: tag("claims", "Retract a claim (kept in history, restorable)", { params: idParams, body: { type: "object", required: ["version", "reason"], additionalProperties: false, properties: { version: { type: "integer", minimum: 1 }, reason: { type: "string", minLength: 1, maxLength: 2000 } } } }) },
    async (req, reply) => {
      const body = req.body as { version: number; reason: string };
      return apply(req, reply, { op: "claim.retract", id: (req.params as { id: string }).id, version: body.version, reason: body.reason }, body.reason);
    },
  );

  const versionParams = { type: "object", required: ["entityId", "version"], properties: { entityId: ID, version: { type: "integer", minimum: 1 } } } as const;
  app.get("/v1/versions/:entityId/:version", { schema: tag("history", "A record or claim as it was at a version", { params: versionParams }) }, async (req) => {
    const { entityId, version } = req.params as { entityId: string; version: number };
    return viewVersion(await ctxOf(req), entityId, version);
  });
  app.post("/v1/versions/:entityId/:version/restore", { schema: tag("history", "Bring a record or claim back to a version (itself a new version)", { params: versionParams, body: { type: "object", additionalProperties: false, properties: { reason: REASON } } }) }, async (req) => {
    const { entityId, version } = req.params as { entityId: string; version: number };
    return restoreVersion(await ctxOf(req), entityId, version, (req.body as { reason?: string } | undefined)?.reason ?? `restored version ${version}`);
  });

  app.post(
    "/v1/merges",
    { schema: tag("merges", "Merge one person into another (undoable)", { body: { type: "object", required: ["survivorId", "mergedId", "reason"], additionalProperties: false, properties: { survivorId: ID, mergedId: ID, reason: { type: "string", minLength: 1, maxLength: 2000 } } } }) },
    async (req, reply) => {
      const b = req.body as { survivorId: string; mergedId: string; reason: string };
      const r = await mergePeople(await ctxOf(req), b.survivorId, b.mergedId, b.reason);
      return reply.code(201).send({ mergeId: r.mergeId, survivorId: r.survivor.id, movedClaims: r.movedClaims });
    },
  );
  app.post("/v1/merges/:id/undo", { schema: tag("merges", "Undo a merge: exactly what moved goes back", { params: idParams, body: { type: "object", properties: { reason: REASON } } }) }, async (req) => {
    const r = await undoMerge(await ctxOf(req), (req.params as { id: string }).id, (req.body as { reason?: string | null } | undefined)?.reason ?? "merge undone through the API");
    return { survivorId: r.survivor.id, restoredId: r.restored.id };
  });

  app.get(
    "/v1/search",
    { schema: tag("search", "Find records by name (Persian or Latin, variant spellings) or source text", { querystring: { type: "object", required: ["q"], properties: { q: { type: "string", minLength: 1, maxLength: 200 }, types: { type: "string", maxLength: 200, description: "comma-separated record types" }, limit: { type: "integer", minimum: 1, maximum: 200 }, text: { type: "boolean" } } } }) },
    async (req) => {
      const ctx = await ctxOf(req);
      const q = req.query as { q: string; types?: string; limit?: number; text?: boolean };
      const types = (q.types ?? "").split(",").filter((t): t is RecordType => RECORD_TYPES.includes(t as RecordType));
      const hits = await searchRecords(ctx, q.q, { ...(types.length ? { types } : {}), limit: q.limit ?? 20, includeText: q.text ?? types.includes("source") });
      const labels = await relatedLabels(ctx, hits.map((h) => h.id));
      const lang = (await authenticate(req)).lang;
      return { items: hits.filter((h) => labels.has(h.id)).map((h) => ({ id: h.id, type: h.type, label: (lang === "fa" ? labels.get(h.id)!.labelFa || labels.get(h.id)!.label : labels.get(h.id)!.label || labels.get(h.id)!.labelFa) ?? h.id, labelEn: labels.get(h.id)!.label, labelFa: labels.get(h.id)!.labelFa, field: h.field })) };
    },
  );

  app.get("/v1/vocabularies", { schema: tag("vocabularies", "Every controlled vocabulary with its terms") }, async (req) => Object.fromEntries(await listVocabularies(await ctxOf(req))));
  app.put(
    "/v1/vocabularies/:vocabulary/:code",
    { schema: tag("vocabularies", "Add a term or change its labels (codes are never renamed, only retired)", { params: { type: "object", required: ["vocabulary", "code"], properties: { vocabulary: { type: "string" }, code: { type: "string" } } }, body: { type: "object", required: ["labelEn", "labelFa"], additionalProperties: false, properties: { labelEn: { type: "string" }, labelFa: { type: "string" }, description: { anyOf: [{ type: "string" }, { type: "null" }] }, retired: { type: "boolean" } } } }) },
    async (req) => {
      const p = req.params as { vocabulary: string; code: string };
      const b = req.body as { labelEn: string; labelFa: string; description?: string | null; retired?: boolean };
      return saveTerm(await ctxOf(req), { vocabulary: p.vocabulary, code: p.code, ...b });
    },
  );

  const opSchema = {
    type: "object",
    required: ["change", "summary"],
    additionalProperties: false,
    properties: { change: { type: "object", required: ["op"], properties: { op: { type: "string", enum: ["record.create", "record.update", "claim.add", "claim.update", "claim.retract"] } } }, summary: { type: "string", minLength: 1, maxLength: 500 }, reason: REASON },
  } as const;
  app.get("/v1/proposals", { schema: tag("review", "Proposals: editors see all, others their own", { querystring: { type: "object", properties: { status: { type: "string", enum: ["pending", "approved", "rejected", "withdrawn"] }, mine: { type: "boolean" } } } }) }, async (req) => {
    const q = req.query as { status?: string; mine?: boolean };
    return { items: await listProposals(await ctxOf(req), { ...(q.status ? { status: q.status } : {}), ...(q.mine ? { mine: true } : {}) }) };
  });
  app.post("/v1/proposals", { schema: tag("review", "Propose a change for an editor to approve (checked now, applied on approval)", { body: opSchema }) }, async (req, reply) => {
    const b = req.body as { change: ProposalOp; summary: string; reason?: string | null };
    return reply.code(201).send(await proposeChange(await ctxOf(req), b.change, b.summary, b.reason ?? null));
  });
  app.get("/v1/proposals/:id", { schema: tag("review", "One proposal", { params: idParams }) }, async (req) => getProposal(await ctxOf(req), (req.params as { id: string }).id));
  for (const decision of ["approve", "reject", "withdraw"] as const) {
    app.post(`/v1/proposals/:id/${decision}`, { schema: tag("review", `${decision[0]!.toUpperCase()}${decision.slice(1)} a proposal`, { params: idParams, body: { type: "object", properties: { note: { anyOf: [{ type: "string", maxLength: 2000 }, { type: "null" }] } } } }) }, async (req) => {
      const ctx = await ctxOf(req);
      const id = (req.params as { id: string }).id;
      const note = (req.body as { note?: string | null } | undefined)?.note ?? null;
      return decision === "approve" ? approveProposal(ctx, id, note) : decision === "reject" ? rejectProposal(ctx, id, note ?? "") : withdrawProposal(ctx, id);
    });
  }

  app.get("/v1/users", { schema: tag("users", "Every member of staff (admins)") }, async (req) => ({ items: await listUsers(await ctxOf(req)) }));
  app.post(
    "/v1/users",
    { schema: tag("users", "Invite a member of staff: returns a one-time link for them to set their password", { body: { type: "object", required: ["email", "role"], additionalProperties: false, properties: { email: { type: "string", maxLength: 254 }, displayName: { type: "string", maxLength: 200 }, role: { type: "string", enum: ["admin", "editor", "researcher", "viewer"] } } } }) },
    async (req, reply) => {
      const b = req.body as { email: string; displayName?: string; role: string };
      const { user, token } = await inviteUser(await ctxOf(req), b);
      return reply.code(201).send({ user, inviteUrl: `${baseUrl(req.server.deps)}/workspace/invite?token=${token}` });
    },
  );
  app.patch(
    "/v1/users/:id",
    { schema: tag("users", "Change a role, disable or enable (sessions and tokens of a disabled account end at once)", { params: idParams, body: { type: "object", additionalProperties: false, properties: { version: { type: "integer" }, role: { type: "string" }, status: { type: "string", enum: ["active", "disabled"] }, displayName: { type: "string" } } } }) },
    async (req) => {
      const { version, ...change } = req.body as { version?: number; role?: string; status?: "active" | "disabled"; displayName?: string };
      return updateUser(await ctxOf(req), (req.params as { id: string }).id, change, version);
    },
  );
  app.post("/v1/users/:id/recovery", { schema: tag("users", "Start the recovery of someone's account (a second admin must approve)", { params: idParams, body: { type: "object", required: ["reason"], properties: { reason: { type: "string", minLength: 1, maxLength: 2000 } } } }) }, async (req, reply) =>
    reply.code(201).send(await startRecovery(await ctxOf(req), (req.params as { id: string }).id, (req.body as { reason: string }).reason)),
  );
  app.post("/v1/recoveries/:id/approve", { schema: tag("users", "Approve a recovery (not by the admin who started it, nor the person): returns a one-time recovery link", { params: { type: "object", required: ["id"], properties: { id: { type: "string", maxLength: 100 } } } }) }, async (req) => {
    const r = await approveRecovery(await ctxOf(req), (req.params as { id: string }).id);
    return { userId: r.userId, recoveryUrl: `${baseUrl(req.server.deps)}/workspace/recover?token=${r.token}` };
  });

  app.get("/v1/grants", { schema: tag("users", "Grants of access to restricted claims") }, async (req) => ({ items: await listGrants(await ctxOf(req)) }));
  app.post(
    "/v1/grants",
    { schema: tag("users", "Grant access to restricted claims to a role or a person, for everything (*) or one record or claim", { body: { type: "object", required: ["subjectType", "subject", "target"], additionalProperties: false, properties: { subjectType: { type: "string", enum: ["role", "user"] }, subject: { type: "string" }, target: { type: "string" }, note: { anyOf: [{ type: "string" }, { type: "null" }] } } } }) },
    async (req, reply) => reply.code(201).send(await addGrant(await ctxOf(req), req.body as { subjectType: string; subject: string; target: string; note?: string | null })),
  );
  app.delete("/v1/grants/:id", { schema: tag("users", "Remove a grant", { params: idParams }) }, async (req, reply) => {
    await removeGrant(await ctxOf(req), (req.params as { id: string }).id);
    return reply.code(204).send();
  });

  app.get("/v1/tokens", { schema: tag("account", "Your API tokens (never their secrets)") }, async (req) => ({ items: await listApiTokens(await ctxOf(req)) }));
  app.post(
    "/v1/tokens",
    { schema: tag("account", "Create an API token (from a recent workspace session only; the secret is shown once)", { body: { type: "object", required: ["name", "scopes", "days"], additionalProperties: false, properties: { name: { type: "string" }, scopes: { type: "array", items: { type: "string" } }, days: { type: "integer" } } } }) },
    async (req, reply) => {
      const auth = await authenticate(req);
      if (auth.via !== "session" || !auth.session || !recentlyAuthenticated(auth.session, new Date())) throw new VigilError("forbidden", "tokens are created from a recent workspace sign-in, never by another token");
      const { token, info } = await createApiToken(auth.ctx, req.body as { name: string; scopes: string[]; days: number });
      return reply.code(201).send({ token, info });
    },
  );
  app.delete("/v1/tokens/:id", { schema: tag("account", "Revoke a token (yours; admins: anyone's)", { params: idParams }) }, async (req, reply) => {
    await revokeApiToken(await ctxOf(req), (req.params as { id: string }).id);
    return reply.code(204).send();
  });

  app.get("/v1/audit", { schema: tag("audit", "Newest audit entries (admins)", { querystring: { type: "object", properties: { action: { type: "string", maxLength: 100 }, actor: { type: "string", maxLength: 100 }, target: { type: "string", maxLength: 100 }, before: { type: "integer" }, limit: { type: "integer", minimum: 1, maximum: 1000 } } } }) }, async (req) => {
    const q = req.query as { action?: string; actor?: string; target?: string; before?: number; limit?: number };
    return { items: await listAudit(await ctxOf(req), { ...(q.action ? { action: q.action } : {}), ...(q.actor ? { actorId: q.actor } : {}), ...(q.target ? { targetId: q.target } : {}), ...(q.before ? { before: q.before } : {}), ...(q.limit ? { limit: q.limit } : {}) }) };
  });
  app.get("/v1/audit/export", { schema: tag("audit", "The whole audit log as NDJSON (the export is itself logged)") }, async (req, reply) => {
    const lines: string[] = [];
    for await (const l of exportAudit(await ctxOf(req))) lines.push(l);
    return reply.type("application/x-ndjson; charset=utf-8").send(lines.join(""));
  });
  app.get("/v1/export", { schema: tag("export", "Every record, claim, change and merge as NDJSON (logged); restricted claims included, so it needs access to all of them") }, async (req, reply) => {
    const ctx = await ctxOf(req);
    // The full export carries restricted claims: only for those granted every one of them.
    if (!mayRead({ ...ctx.actor, grantedRestricted: undefined }, "restricted")) throw new VigilError("forbidden", "the full export contains restricted claims: it needs a grant of access to every restricted item");
    const lines: string[] = [];
    for await (const l of exportNdjson(ctx)) lines.push(l);
    return reply.type("application/x-ndjson; charset=utf-8").send(lines.join(""));
  });
}

export type { Action };
