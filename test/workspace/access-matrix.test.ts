import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { sql } from "kysely";
import { auditSink, createApiToken, createUser } from "../../src/accounts/index.ts";
import { makeCtx, SYSTEM, type Actor } from "../../src/core/context.ts";
import { createRecord } from "../../src/records/index.ts";
import { proposeChange } from "../../src/workspace/index.ts";
import { startApp, type RunningApp } from "../helpers/app.ts";
import { PASSWORD, staff, type StaffClient } from "../helpers/staff.ts";

/**
 * The access matrix: every route of the workspace and the API, taken from
 * Fastify's own route table (so a new route cannot escape), × signed out,
 * each role, and API tokens of limited scope, × own and someone else's
 * records. No unauthorised read or write; every refusal logged.
 */
type Role = "viewer" | "researcher" | "editor" | "admin";
type Scope = "read" | "write" | "admin" | "export" | "never";
interface Rule {
  /** public: anyone; session: any signed-in person (also before their second factor); else the roles allowed. */
  allow: "public" | "session" | Role[];
  /** For the API: the token scope needed ("never": tokens may not). */
  scope?: Scope;
  /** Routes on owned things: roles allowed on their own. */
  own?: Role[];
  /** Not run for those allowed (they end the session used by the test); refusals are still checked. */
  destructive?: boolean;
}
const ALL: Role[] = ["viewer", "researcher", "editor", "admin"];
const PROP: Role[] = ["researcher", "editor", "admin"];
const ED: Role[] = ["editor", "admin"];
const AD: Role[] = ["admin"];

const RULES: Record<string, Rule> = {
  // The evidence vault's staff pages.
  "GET /workspace/vault/": { allow: ALL },
  "GET /workspace/vault/new": { allow: ED },
  "POST /workspace/vault/items": { allow: ED },
  "GET /workspace/vault/capture": { allow: ED },
  "POST /workspace/vault/captures": { allow: ED },
  "GET /workspace/vault/captures": { allow: ALL },
  "GET /workspace/vault/captures/:id": { allow: ALL },
  "GET /workspace/vault/items/:id": { allow: ALL },
  "GET /workspace/vault/items/:id/receipt.json": { allow: ALL },
  "GET /workspace/vault/items/:id/files/:role": { allow: ALL },
  "POST /workspace/vault/items/:id/link": { allow: ED },
  "POST /workspace/vault/items/:id/export": { allow: ED },
  "GET /workspace/linkage/": { allow: ALL },
  "POST /workspace/linkage/link": { allow: PROP },
  "POST /workspace/linkage/decide": { allow: ED },
  "GET /workspace/linkage/clusters/:id": { allow: ALL },
  "POST /workspace/linkage/clusters/:id/accept": { allow: ED },
  // Importing a list creates a source record (record.create); the imported list and its mapping are for every reader.
  "GET /workspace/linkage/import": { allow: ED },
  "POST /workspace/linkage/import": { allow: ED },
  "GET /workspace/linkage/import/:id": { allow: ED },
  "POST /workspace/linkage/import/:id": { allow: ED },
  "POST /workspace/linkage/import/:id/discard": { allow: ED },
  "GET /workspace/linkage/imports/:id": { allow: ALL },
  "GET /workspace/linkage/imports/:id/mapping.json": { allow: ALL },
  "GET /workspace/": { allow: ALL },
  "GET /workspace": { allow: ALL },
  "GET /workspace/sign-in": { allow: "public" },
  "POST /workspace/sign-in": { allow: "public" },
  "GET /workspace/sign-in/code": { allow: "public" },
  "POST /workspace/sign-in/code": { allow: "public" },
  "POST /workspace/passkey/options": { allow: "public" },
  "POST /workspace/passkey/verify": { allow: "public" },
  "GET /workspace/setup": { allow: "public" },
  "POST /workspace/setup": { allow: "public" },
  "GET /workspace/invite": { allow: "public" },
  "POST /workspace/invite": { allow: "public" },
  "GET /workspace/recover": { allow: "public" },
  "POST /workspace/recover": { allow: "public" },
  "POST /workspace/sign-out": { allow: "session", destructive: true },
  "POST /workspace/sign-out-everywhere": { allow: "session", destructive: true },
  "POST /workspace/lang": { allow: "session" },
  "GET /workspace/enrol": { allow: "session" },
  "POST /workspace/enrol/totp": { allow: "session" },
  "POST /workspace/account/passkeys/options": { allow: "session" },
  "POST /workspace/account/passkeys/verify": { allow: "session" },
  "GET /workspace/search": { allow: ALL },
  "GET /workspace/list/:type": { allow: ALL },
  "GET /workspace/records/:id": { allow: ALL },
  "GET /workspace/records/:id/history": { allow: ALL },
  "GET /workspace/records/:id/merge": { allow: ED },
  "POST /workspace/records/:id/merge": { allow: ED },
  "GET /workspace/records/:id/edit": { allow: PROP },
  "POST /workspace/records/:id/edit": { allow: PROP },
  "GET /workspace/records/:id/claims/new": { allow: PROP },
  "POST /workspace/records/:id/claims/new": { allow: PROP },
  "GET /workspace/claims/:id/edit": { allow: PROP },
  "POST /workspace/claims/:id/edit": { allow: PROP },
  "POST /workspace/claims/:id/retract": { allow: PROP },
  "POST /workspace/history/restore": { allow: ED },
  "POST /workspace/merges/:id/undo": { allow: ED },
  "GET /workspace/new/:type": { allow: PROP },
  "POST /workspace/new/:type": { allow: PROP },
  "GET /workspace/review": { allow: ALL },
  "POST /workspace/review/:id": { allow: ED, own: PROP },
  "GET /workspace/vocabularies": { allow: ALL },
  "POST /workspace/vocabularies": { allow: AD },
  "GET /workspace/users": { allow: AD },
  "POST /workspace/users/invite": { allow: AD },
  "POST /workspace/users/:id": { allow: AD },
  "POST /workspace/users/:id/reinvite": { allow: AD },
  "POST /workspace/users/:id/recover": { allow: AD },
  "POST /workspace/recoveries/:id/approve": { allow: AD },
  "POST /workspace/recoveries/:id/cancel": { allow: AD },
  "POST /workspace/grants/roles": { allow: AD },
  "POST /workspace/grants": { allow: AD },
  "POST /workspace/grants/:id/remove": { allow: AD },
  "POST /workspace/settings": { allow: AD },
  "GET /workspace/audit": { allow: AD },
  "GET /workspace/audit/export": { allow: AD },
  "GET /workspace/account": { allow: ALL },
  "POST /workspace/account/password": { allow: ALL },
  "POST /workspace/account/tokens": { allow: ALL },
  "POST /workspace/account/tokens/:id/revoke": { allow: AD, own: ALL },
  "POST /workspace/account/passkeys/remove": { allow: ALL },
  "POST /workspace/account/totp/remove": { allow: ALL, destructive: true },
  "GET /workspace/memorial/moderation": { allow: ED },
  "POST /workspace/memorial/moderation/:id": { allow: ED },
  "GET /workspace/estimates": { allow: ALL },
  "GET /workspace/estimates/new": { allow: PROP },
  "POST /workspace/estimates": { allow: PROP },
  "GET /workspace/estimates/:id": { allow: ALL },
  "GET /workspace/estimates/:id/plot.svg": { allow: ALL },
  "GET /workspace/estimates/:id/export.json": { allow: ALL },
  "GET /workspace/estimates/:id/export.csv": { allow: ALL },
  "POST /workspace/estimates/:id/rerun": { allow: PROP },
  "GET /workspace/accountability/people/:id": { allow: ALL },
  "GET /workspace/accountability/dossiers": { allow: ALL },
  "POST /workspace/accountability/dossiers": { allow: PROP },
  "GET /workspace/accountability/dossiers/:id": { allow: ALL },
  "GET /workspace/accountability/dossiers/:id/:file": { allow: ALL },
  "GET /workspace/monitor/": { allow: ALL },
  "GET /workspace/monitor/items/:id": { allow: ALL },
  "POST /workspace/monitor/items/:id/confirm": { allow: ED },
  "POST /workspace/monitor/items/:id/dismiss": { allow: ED },
  "POST /workspace/monitor/items/:id/reopen": { allow: ED },
  "GET /workspace/monitor/sources": { allow: ALL },
  "POST /workspace/monitor/sources": { allow: ED },
  "GET /workspace/monitor/sources/:id": { allow: ALL },
  "POST /workspace/monitor/sources/:id": { allow: ED },
  "POST /workspace/monitor/sources/:id/state": { allow: ED },
  "POST /workspace/monitor/sources/:id/poll": { allow: ED },
  "GET /workspace/monitor/watchlist": { allow: ALL },
  "POST /workspace/monitor/watchlist": { allow: ED },
  "GET /workspace/monitor/watchlist/:id": { allow: ALL },
  "POST /workspace/monitor/watchlist/:id": { allow: ED },
  "POST /workspace/monitor/watchlist/:id/steps": { allow: ED },
  "GET /workspace/monitor/subscriptions": { allow: ED },
  "POST /workspace/monitor/subscriptions": { allow: ED },
  "GET /workspace/monitor/subscriptions/:id": { allow: ED },
  "POST /workspace/monitor/subscriptions/:id": { allow: ED },
  "POST /workspace/monitor/subscriptions/:id/rotate": { allow: ED },
  "POST /workspace/monitor/subscriptions/:id/delete": { allow: ED },
  "GET /workspace/monitor/trends": { allow: ALL },
  "GET /workspace/monitor/trends/weekly.svg": { allow: ALL },
  "GET /workspace/monitor/trends/monthly.svg": { allow: ALL },
  "GET /api/openapi.json": { allow: "public" },
  "GET /api/docs": { allow: "public" },
  "GET /api/v1/me": { allow: ALL, scope: "read" },
  "GET /api/v1/records": { allow: ALL, scope: "read" },
  "POST /api/v1/records": { allow: ED, scope: "write" },
  "GET /api/v1/records/:id": { allow: ALL, scope: "read" },
  "PATCH /api/v1/records/:id": { allow: ED, scope: "write" },
  "GET /api/v1/records/:id/history": { allow: ALL, scope: "read" },
  "GET /api/v1/records/:id/merges": { allow: ALL, scope: "read" },
  "POST /api/v1/records/:id/claims": { allow: ED, scope: "write" },
  "PATCH /api/v1/claims/:id": { allow: ED, scope: "write" },
  "POST /api/v1/claims/:id/retract": { allow: ED, scope: "write" },
  "GET /api/v1/versions/:entityId/:version": { allow: ALL, scope: "read" },
  "POST /api/v1/versions/:entityId/:version/restore": { allow: ED, scope: "write" },
  "POST /api/v1/merges": { allow: ED, scope: "write" },
  "POST /api/v1/merges/:id/undo": { allow: ED, scope: "write" },
  "GET /api/v1/search": { allow: ALL, scope: "read" },
  "GET /api/v1/vocabularies": { allow: ALL, scope: "read" },
  "PUT /api/v1/vocabularies/:vocabulary/:code": { allow: AD, scope: "admin" },
  "GET /api/v1/proposals": { allow: ALL, scope: "read" },
  "POST /api/v1/proposals": { allow: PROP, scope: "write" },
  "GET /api/v1/proposals/:id": { allow: ED, own: PROP, scope: "read" },
  "POST /api/v1/proposals/:id/approve": { allow: ED, scope: "write" },
  "POST /api/v1/proposals/:id/reject": { allow: ED, scope: "write" },
  "POST /api/v1/proposals/:id/withdraw": { allow: ED, own: PROP, scope: "write" },
  "GET /api/v1/users": { allow: AD, scope: "admin" },
  "POST /api/v1/users": { allow: AD, scope: "admin" },
  "PATCH /api/v1/users/:id": { allow: AD, scope: "admin" },
  "POST /api/v1/users/:id/recovery": { allow: AD, scope: "never" },
  "POST /api/v1/recoveries/:id/approve": { allow: AD, scope: "never" },
  "GET /api/v1/grants": { allow: AD, scope: "admin" },
  "POST /api/v1/grants": { allow: AD, scope: "admin" },
  "DELETE /api/v1/grants/:id": { allow: AD, scope: "admin" },
  "GET /api/v1/tokens": { allow: ALL, scope: "admin" },
  "POST /api/v1/tokens": { allow: ALL, scope: "never" },
  "DELETE /api/v1/tokens/:id": { allow: AD, own: ALL, scope: "admin" },
  "GET /api/v1/audit": { allow: AD, scope: "admin" },
  "GET /api/v1/audit/export": { allow: AD, scope: "export" },
  "GET /api/v1/estimates/lists": { allow: ALL, scope: "read" },
  "GET /api/v1/estimates/table": { allow: ALL, scope: "read" },
  "POST /api/v1/estimates": { allow: PROP, scope: "write" },
  "GET /api/v1/estimates": { allow: ALL, scope: "read" },
  "GET /api/v1/estimates/:id": { allow: ALL, scope: "read" },
  "GET /api/v1/estimates/:id/csv": { allow: ALL, scope: "read" },
  "POST /api/v1/estimates/:id/rerun": { allow: PROP, scope: "write" },
  // The full export carries restricted claims: admins need a grant of every restricted item too (none here).
  "GET /api/v1/export": { allow: [], scope: "export" },
  // The evidence vault's staff routes.
  "POST /api/v1/vault/items": { allow: ED, scope: "write" },
  "GET /api/v1/vault/items/:id": { allow: ALL, scope: "read" },
  "POST /api/v1/vault/captures": { allow: ED, scope: "write" },
  "GET /api/v1/vault/captures/:id": { allow: ALL, scope: "read" },
  "GET /api/v1/monitor/sources": { allow: ALL, scope: "read" },
  "POST /api/v1/monitor/sources": { allow: ED, scope: "write" },
  "GET /api/v1/monitor/sources/:id": { allow: ALL, scope: "read" },
  "PATCH /api/v1/monitor/sources/:id": { allow: ED, scope: "write" },
  "POST /api/v1/monitor/sources/:id/poll": { allow: ED, scope: "write" },
  "GET /api/v1/monitor/triage": { allow: ALL, scope: "read" },
  "GET /api/v1/monitor/triage/:id": { allow: ALL, scope: "read" },
  "POST /api/v1/monitor/triage/:id/confirm": { allow: ED, scope: "write" },
  "POST /api/v1/monitor/triage/:id/dismiss": { allow: ED, scope: "write" },
  "POST /api/v1/monitor/triage/:id/reopen": { allow: ED, scope: "write" },
  "GET /api/v1/monitor/watchlist": { allow: ALL, scope: "read" },
  "POST /api/v1/monitor/watchlist": { allow: ED, scope: "write" },
  "GET /api/v1/monitor/watchlist/:id": { allow: ALL, scope: "read" },
  "PATCH /api/v1/monitor/watchlist/:id": { allow: ED, scope: "write" },
  "POST /api/v1/monitor/watchlist/:id/steps": { allow: ED, scope: "write" },
  // Subscriptions hold addresses (personal data): for those who manage them, with a write token.
  "GET /api/v1/monitor/subscriptions": { allow: ED, scope: "write" },
  "POST /api/v1/monitor/subscriptions": { allow: ED, scope: "write" },
  "GET /api/v1/monitor/subscriptions/:id": { allow: ED, scope: "write" },
  "PATCH /api/v1/monitor/subscriptions/:id": { allow: ED, scope: "write" },
  "DELETE /api/v1/monitor/subscriptions/:id": { allow: ED, scope: "write" },
  "POST /api/v1/monitor/subscriptions/:id/rotate-secret": { allow: ED, scope: "write" },
  "GET /api/v1/monitor/trends": { allow: ALL, scope: "read" },
};

/** Every route in Fastify's radix tree, rebuilt from its printed form. */
function routesOf(tree: string): string[] {
  const out: string[] = [];
  const stack: string[] = [];
  for (const line of tree.split("\n")) {
    const m = /^((?:[│ ] {3})*)[├└]── (.*)$/.exec(line);
    if (!m) continue;
    const depth = m[1]!.length / 4;
    const rest = m[2]!;
    const mm = /^(.*?)(?: \(([A-Z, ]+)\))?$/.exec(rest)!;
    stack.length = depth;
    stack[depth] = mm[1]!;
    const path = stack.join("");
    for (const method of (mm[2] ?? "").split(", ").filter((x) => x && x !== "HEAD")) out.push(`${method} ${path}`);
  }
  return out;
}

let app: RunningApp;
const clients: Partial<Record<Role, StaffClient>> = {};
const tokens: Record<string, { token: string; role: Role; scopes: Scope[] }> = {};
const ids: Record<string, string> = {};

before(async () => {
  app = await startApp();
  const sys = makeCtx(app.deps.store, { ...SYSTEM, id: "system:test" }, { audit: auditSink });
  const source = await createRecord(sys, { type: "source", label: "Matrix source", confidentiality: "staff" });
  const person = await createRecord(sys, { type: "person", confidentiality: "staff", claims: [{ property: "name", value: { text: "Matrix Person" }, confidence: "confirmed", confidentiality: "staff", citations: [{ sourceId: source.id }] }, { property: "residence", value: { text: "CANARY-MATRIX-4411" }, confidence: "confirmed", confidentiality: "restricted", citations: [{ sourceId: source.id }] }] });
  const secret = await createRecord(sys, { type: "person", confidentiality: "restricted", claims: [{ property: "name", value: { text: "CANARY-HIDDEN-PERSON-9082" }, confidence: "confirmed", confidentiality: "restricted", citations: [{ sourceId: source.id }] }] });
  const claim = (await app.deps.store.db.selectFrom("claims").select("id").where("subject_id", "=", person.id).where("property", "=", "name").executeTakeFirstOrThrow()).id;
  Object.assign(ids, { source: source.id, person: person.id, secret: secret.id, claim });
  for (const role of ALL) clients[role] = await staff(app.deps.store, app.url, role);
  const r2 = await createUser(sys, { email: "researcher2@example.org", role: "researcher", password: PASSWORD });
  const mk = (id: string, role: Role): Actor => ({ id, role });
  const idOf = async (role: Role) => (await app.deps.store.db.withTables<{ users: { id: string; email: string } }>().selectFrom("users").select("id").where("email", "=", `${role}@example.org`).executeTakeFirstOrThrow()).id;
  const pctx = (a: Actor) => makeCtx(app.deps.store, a, { audit: auditSink });
  ids.ownProposal = (await proposeChange(pctx(mk(await idOf("researcher"), "researcher")), { op: "record.update", id: source.id, version: 1, patch: { label: "x" } }, "own", null)).id;
  ids.otherProposal = (await proposeChange(pctx(mk(r2.id, "researcher")), { op: "record.update", id: source.id, version: 1, patch: { label: "y" } }, "other", null)).id;
  ids.ownToken = (await createApiToken(pctx(mk(await idOf("viewer"), "viewer")), { name: "viewer's", scopes: ["read"], days: 5 })).info.id;
  ids.otherToken = (await createApiToken(pctx(mk(r2.id, "researcher")), { name: "other's", scopes: ["read"], days: 5 })).info.id;
  ids.user = r2.id;
  const t1 = await createApiToken(pctx(mk(await idOf("editor"), "editor")), { name: "read only", scopes: ["read"], days: 5 });
  const t2 = await createApiToken(pctx(mk(await idOf("admin"), "admin")), { name: "read write", scopes: ["read", "write"], days: 5 });
  tokens["editor token (read)"] = { token: t1.token, role: "editor", scopes: ["read"] };
  tokens["admin token (read, write)"] = { token: t2.token, role: "admin", scopes: ["read", "write"] };
});
after(async () => app.close());

async function snapshot(): Promise<string> {
  const counts: string[] = [];
  for (const t of ["records", "claims", "citations", "changes", "merges", "vocab_terms", "users", "grants", "api_tokens", "proposals", "passkeys", "settings", "auth_flows", "monitor_sources", "monitor_items", "monitor_watches", "monitor_watch_steps", "monitor_subscriptions", "monitor_deliveries"]) {
    const r = await sql<{ n: number }>`select count(*) as n from ${sql.table(t)}`.execute(app.deps.store.db);
    counts.push(`${t}=${Number(r.rows[0]!.n)}`);
  }
  const versions = await sql<{ v: number }>`select sum(version) as v from records`.execute(app.deps.store.db);
  const revoked = await sql<{ n: number }>`select count(*) as n from api_tokens where revoked_at is not null`.execute(app.deps.store.db);
  const statuses = await sql<{ s: string }>`select group_concat(status || role) as s from users`.execute(app.deps.store.db);
  return `${counts.join(" ")} v=${Number(versions.rows[0]!.v)} revoked=${Number(revoked.rows[0]!.n)} ${statuses.rows[0]!.s}`;
}
const denials = async (): Promise<number> => Number((await sql<{ n: number }>`select count(*) as n from audit_log where action = 'access.denied'`.execute(app.deps.store.db)).rows[0]!.n);

function fill(route: string, owned: "own" | "other"): string {
  const path = route.split(" ")[1]!;
  return path
    .replace(/\/records\/:id/, `/records/${ids.person}`)
    .replace(/\/claims\/:id/, `/claims/${ids.claim}`)
    .replace(/\/(review|proposals)\/:id/, `/$1/${owned === "own" ? ids.ownProposal : ids.otherProposal}`)
    .replace(/\/tokens\/:id/, `/tokens/${owned === "own" ? ids.ownToken : ids.otherToken}`)
    .replace(/\/users\/:id/, `/users/${ids.user}`)
    .replace(/:entityId\/:version/, `${ids.claim}/1`)
    .replace(/:vocabulary\/:code/, "sex/matrix_term")
    .replace(/:type/, "person")
    .replace(/:id/, "zzz_doesnotexist");
}

test("every route of the workspace and the API is in the access matrix", () => {
  const routes = routesOf(app.app.printRoutes({ commonPrefix: false })).filter((r) => /^\S+ \/(workspace|api)\b/.test(r));
  assert.ok(routes.length > 80, `found ${routes.length} routes`);
  const missing = routes.filter((r) => !RULES[r]);
  assert.deepEqual(missing, [], "routes without a rule in the access matrix");
  const stale = Object.keys(RULES).filter((r) => !routes.includes(r));
  assert.deepEqual(stale, [], "rules for routes that no longer exist");
});

test("no unauthorised read or write for any route × actor × own/other; every refusal is logged", async () => {
  const routes = routesOf(app.app.printRoutes({ commonPrefix: false })).filter((r) => RULES[r]);
  type Who = { name: string; role?: Role; client?: StaffClient; bearer?: string; scopes?: Scope[] };
  const actors: Who[] = [{ name: "signed out" }, ...ALL.map((role) => ({ name: role, role, client: clients[role]! })), ...Object.entries(tokens).map(([name, t]) => ({ name, role: t.role, bearer: t.token, scopes: t.scopes }))];
  let checked = 0;
  const problems: string[] = [];
  for (const route of routes) {
    const rule = RULES[route]!;
    const [method] = route.split(" ") as [string];
    const api = route.includes(" /api/v1/");
    for (const owned of rule.own ? (["own", "other"] as const) : (["other"] as const)) {
      for (const who of actors) {
        if (rule.allow === "public") continue;
        const isOwner = owned === "own" && ((route.includes("token") && who.name === "viewer") || (/proposal|review/.test(route) && who.name === "researcher"));
        if (owned === "own" && !isOwner) continue;
        const roles = owned === "own" ? rule.own! : rule.allow;
        let allowed: boolean;
        if (!who.role) allowed = false;
        else if (who.bearer) allowed = api && (roles === "session" || roles.includes(who.role)) && rule.scope !== "never" && (who.scopes ?? []).includes(rule.scope ?? "read");
        else allowed = roles === "session" || roles.includes(who.role);
        if (allowed && rule.destructive) continue;
        const path = fill(route, owned);
        const beforeState = await snapshot();
        const beforeDenials = await denials();
        const body = method === "GET" || method === "DELETE" ? undefined : {};
        let status: number;
        let text: string;
        let location: string | null = null;
        if (who.client) {
          if (api) {
            const r = await who.client.request(method, path, body, { json: true });
            ({ status, text, location } = r);
          } else {
            const r = await who.client.request(method, path, body);
            ({ status, text, location } = r);
          }
        } else {
          const res = await fetch(app.url + path, { method, redirect: "manual", headers: { ...(who.bearer ? { authorization: `Bearer ${who.bearer}` } : {}), ...(body ? { "content-type": "application/json" } : {}) }, ...(body ? { body: "{}" } : {}) });
          status = res.status;
          text = await res.text();
          location = res.headers.get("location");
        }
        checked++;
        const denied = status === 401 || status === 403 || (status === 303 && (location ?? "").startsWith("/workspace/sign-in"));
        const tag = `${route} [${owned}] as ${who.name}: ${status}`;
        if (status >= 500) problems.push(`${tag} (server error)`);
        if (allowed && denied) problems.push(`${tag} refused but should be allowed`);
        if (!allowed && !denied) problems.push(`${tag} should be refused`);
        if (!allowed) {
          if ((await snapshot()) !== beforeState) problems.push(`${tag} changed the database`);
          if ((await denials()) <= beforeDenials) problems.push(`${tag} refusal not logged`);
        }
        if (text.includes("CANARY-HIDDEN-PERSON-9082") || text.includes("CANARY-MATRIX-4411")) problems.push(`${tag} leaked a restricted canary`);
        if (api && (status === 401 || status === 403)) assert.match(text, /"error":\{"code":"(unauthenticated|forbidden)"/, tag);
      }
    }
  }
  assert.deepEqual(problems, []);
  assert.ok(checked > 400, `checked ${checked} requests`);
});

test("IDOR sweep: a restricted record's id, in every route that takes a record id, reveals nothing to those not granted", async () => {
  const routes = routesOf(app.app.printRoutes({ commonPrefix: false })).filter((r) => r.startsWith("GET ") && /\/records\/:id/.test(r));
  for (const role of ALL) {
    for (const route of routes) {
      const path = route.split(" ")[1]!.replace(":id", ids.secret!);
      const r = await clients[role]!.request("GET", path, undefined, { json: path.startsWith("/api/") });
      assert.ok(r.status === 404 || r.status === 403, `${route} as ${role}: ${r.status}`);
      assert.ok(!r.text.includes("CANARY-HIDDEN-PERSON-9082"), `${route} as ${role} leaked`);
    }
    const search = await clients[role]!.request("GET", "/api/v1/search?q=CANARY", undefined, { json: true });
    assert.ok(!search.text.includes(ids.secret!), `search as ${role} leaked the id`);
  }
});
