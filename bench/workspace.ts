/**
 * Workspace and API benchmarks: a person page rendered for a signed-in
 * editor with 1,000,000 people in the database (p95 target < 30 ms), and an
 * authenticated API read driven by autocannon from loopback (target
 * ≥ 1,500 requests/s). People are bulk-loaded straight into the tables in
 * one transaction, with their search entries; all are synthetic.
 * Usage: node --import tsx bench/workspace.ts [people=1000000]
 */
import autocannon from "autocannon";
import { adb, createApiToken, createSession, createUser, auditSink } from "../src/accounts/index.ts";
import { makeCtx, SYSTEM } from "../src/core/context.ts";
import { nameKeys, normaliseName } from "../src/core/names.ts";
import { newId } from "../src/core/ids.ts";
import { createRecord } from "../src/records/index.ts";
import { startApp } from "../test/helpers/app.ts";

const N = Number(process.argv[2] ?? 1_000_000);
const GIVEN = ["Behrouz", "Mehdi", "Parisa", "Dariush", "Shirin", "Kaveh", "Roya", "Nasrin", "Farhad", "Leila", "Hossein", "Maryam"];
const FAMILY = ["Ahmadi", "Karimi", "Rezaei", "Hosseini", "Moradi", "Jafari", "Sadeghi", "Rahimi", "Ebrahimi", "Kazemi"];

const running = await startApp({ env: { VIGIL_API_RATE_LIMIT: "100000000" } });
const { store } = running.deps;
const sys = makeCtx(store, { ...SYSTEM, id: "system:bench" });
const source = await createRecord(sys, { type: "source", label: "Synthetic benchmark list", confidentiality: "staff", synthetic: true });

const t0 = performance.now();
const ids: string[] = [];
const at = new Date().toISOString();
const BATCH = 400;
await store.transaction(async (trx) => {
  for (let i = 0; i < N; i += BATCH) {
    const records = [];
    const claims = [];
    const citations = [];
    const entries = [];
    for (let j = i; j < Math.min(N, i + BATCH); j++) {
      const id = newId("person");
      const claimId = newId("claim");
      const name = `${GIVEN[j % GIVEN.length]} ${FAMILY[Math.floor(j / GIVEN.length) % FAMILY.length]} ${j}`;
      ids.push(id);
      records.push({ id, type: "person", kind: "individual", status: "draft", confidentiality: "staff", synthetic: 1, merged_into: null, label: name, label_fa: "", label_public: null, label_public_fa: null, parent_id: null, place_id: null, data: "{}", date_text: null, date_calendar: null, date_precision: null, date_value: null, date_earliest: null, date_latest: null, version: 1, created_at: at, updated_at: at, created_by: "system:bench", updated_by: "system:bench" });
      claims.push({ id: claimId, subject_id: id, property: "name", term: null, value: JSON.stringify({ text: name, kind: "full", script: "latin" }), value_text: name, lang: "en", object_id: null, place_id: null, date_text: null, date_calendar: null, date_precision: null, date_value: null, date_earliest: null, date_latest: null, confidence: "probable", confidentiality: "staff", status: "active", note: null, version: 1, created_at: at, updated_at: at, created_by: "system:bench", updated_by: "system:bench" });
      citations.push({ claim_id: claimId, source_id: source.id, locator: `row ${j + 1}`, quote: null, reliability: null, connection: null });
      entries.push({ record_id: id, record_type: "person", claim_id: claimId, field: "name", visibility: "staff", norm: normaliseName(name), keys: nameKeys(name).join(" ") });
    }
    await trx.insertInto("records").values(records).execute();
    await trx.insertInto("claims").values(claims).execute();
    await trx.insertInto("citations").values(citations).execute();
    await trx.insertInto("search_entries").values(entries).execute();
    if (i % 100_000 === 0) process.stderr.write(`  loaded ${i.toLocaleString("en")}…\n`);
  }
});
const loadS = (performance.now() - t0) / 1000;
console.log(`bulk load: ${N.toLocaleString("en")} people (+claims, citations, search entries) in ${loadS.toFixed(1)} s (${Math.round(N / loadS).toLocaleString("en")}/s), ${store.dialect}`);

// A signed-in editor: the person page as the workspace renders it.
const editor = await createUser(makeCtx(store, { ...SYSTEM, id: "system:bench" }, { audit: auditSink }), { email: "bench@example.org", role: "editor", password: "bench passphrase long enough" });
await adb(store.db).updateTable("users").set({ totp_secret: "BENCHBENCHBENCHBENCHBENCHBENCH22" }).where("id", "=", editor.id).execute();
const pick = (): string => ids[Math.floor(Math.random() * ids.length)]!;
const times: number[] = [];
for (let s = 0; s < 2; s++) {
  const { token } = await createSession(adb(store.db), editor.id, "full", "password+totp", new Date());
  const cookie = `vigil_session=${token}`;
  for (let i = 0; i < 20; i++) await (await fetch(`${running.url}/workspace/records/${pick()}`, { headers: { cookie } })).text();
  for (let i = 0; i < 400; i++) {
    const start = performance.now();
    const res = await fetch(`${running.url}/workspace/records/${pick()}`, { headers: { cookie } });
    const body = await res.text();
    times.push(performance.now() - start);
    if (res.status !== 200 || !body.includes("Synthetic benchmark list")) throw new Error(`person page failed: ${res.status}`);
  }
}
times.sort((a, b) => a - b);
const q = (p: number): number => times[Math.min(times.length - 1, Math.floor(p * times.length))]!;
console.log(`person page (signed-in editor, HTTP on loopback, ${times.length} random people of ${N.toLocaleString("en")}): p50 ${q(0.5).toFixed(1)} ms, p95 ${q(0.95).toFixed(1)} ms, p99 ${q(0.99).toFixed(1)} ms (target p95 < 30 ms)`);

// An authenticated API read with a personal token.
const { token } = await createApiToken(makeCtx(store, { id: editor.id, role: "editor" }, { audit: auditSink }), { name: "bench", scopes: ["read"], days: 1 });
const sample = Array.from({ length: 2000 }, pick);
let k = 0;
const result = await autocannon({
  url: running.url,
  connections: 16,
  duration: 15,
  headers: { authorization: `Bearer ${token}` },
  requests: [{ method: "GET", setupRequest: (req) => ({ ...req, path: `/api/v1/records/${sample[k++ % sample.length]!}` }) }],
});
console.log(`API read GET /api/v1/records/:id (token, 16 connections, 15 s, random people): ${Math.round(result.requests.average).toLocaleString("en")} requests/s average, latency p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, non-2xx ${result.non2xx}, errors ${result.errors} (target ≥ 1,500/s)`);
await running.close();
