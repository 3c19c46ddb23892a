import type { FastifyInstance, FastifyRequest, FastifySchema } from "fastify";
import { registerApiRoutes } from "../api/index.ts";
import { parseDate } from "../core/dates.ts";
import { VigilError } from "../core/errors.ts";
import { authenticate } from "../workspace/index.ts";
import { LABELS, type Label } from "./lexicon.ts";
import { staffExecutionRecords, trendSeries } from "./record-trends.ts";
import { addSource, getSource, listSources, listTriage, pollSourceNow, triageCounts, updateSource, type SourcePatch } from "./sources.ts";
import { createSubscription, createWatch, deleteSubscription, getSubscription, getWatch, listDeliveries, listSubscriptions, listWatches, recordStep, rotateWebhookSecret, updateSubscription, updateWatch, type SubscriptionInput, type SubscriptionPatch } from "./store-alerts.ts";
import { TOPICS } from "./alerts.ts";
import { completePerson, completeSource, confirmItem, dismissItem, reopenItem, triageView, type ConfirmPersonInput, type ConfirmSourceInput } from "./triage.ts";
import { WATCH_STEP_KINDS, type WatchSourceRef, type WatchStepKind } from "./watchlist.ts";

const P = "/api/v1/monitor";
const id = { type: "string", minLength: 3, maxLength: 100, pattern: "^[a-z]{3,4}_[A-Za-z0-9_-]+$" } as const;
const idParams = { type: "object", required: ["id"], properties: { id } } as const;
const str = (max: number, description?: string) => ({ type: "string", maxLength: max, ...(description ? { description } : {}) }) as const;
const tag = (summary: string, extra: Record<string, unknown> = {}): FastifySchema => ({ tags: ["monitoring"], summary, ...extra }) as FastifySchema;

const sourceBody = {
  type: "object",
  additionalProperties: false,
  properties: {
    url: str(2000, "http(s) address of a feed (RSS, Atom, RDF, JSON Feed) or a web page"),
    kind: { type: "string", enum: ["feed", "page"] },
    title: { anyOf: [str(300), { type: "null" }] },
    intervalMinutes: { type: "integer", minimum: 1, maximum: 10080 },
    enabled: { type: "boolean", description: "false pauses polling" },
  },
} as const;

const confirmSource = {
  type: "object",
  additionalProperties: false,
  properties: { title: str(500), titleFa: str(500), url: str(2000), lang: str(20), published: str(100, "publication date as written (Jalali or Gregorian)"), confidentiality: { type: "string", enum: ["public", "staff", "restricted"] }, reliability: str(50) },
} as const;
const confirmPerson = {
  type: "object",
  additionalProperties: false,
  properties: {
    match: str(100, '"new", or the id of the existing person record'),
    kind: { type: "string", enum: ["individual", "group"] },
    nameEn: str(300),
    nameFa: str(300),
    count: { anyOf: [{ type: "integer", minimum: 1 }, { type: "null" }] },
    actType: str(100, "act_type term (execution, death_sentence, sentence_upheld, transfer_solitary, arrest, …); empty for no act"),
    date: str(100, "date of the act as written (Jalali or Gregorian)"),
    place: str(100, '"" none, "new" to make a place record from newPlaceName, or a place record id'),
    newPlaceName: str(300),
    newPlaceKind: str(50),
    charges: { type: "array", maxItems: 20, items: str(100) },
    victimStatus: str(50),
    quote: str(2000, "the article's sentence that says it"),
    confidence: { type: "string", enum: ["confirmed", "probable", "possible", "disputed"] },
    confidentiality: { type: "string", enum: ["public", "staff", "restricted"] },
  },
} as const;

const subscriptionProps = {
  name: str(200),
  address: str(2000, "email address, or webhook URL"),
  topics: { type: "array", maxItems: 20, items: { type: "string", enum: [...TOPICS] }, description: "labels of monitored items, and watchlist for every status change" },
  persons: { type: "array", maxItems: 500, items: id, description: "watched people (watch ids): every change and every item naming them" },
  provinces: { type: "array", maxItems: 31, items: str(60), description: "province ids that narrow topics (or, alone, select everything there)" },
  mode: { type: "string", enum: ["immediate", "digest"] },
  digestMinutes: { type: "integer", minimum: 5, maximum: 43200 },
  lang: { type: "string", enum: ["en", "fa"] },
  active: { type: "boolean" },
} as const;

const watchBody = {
  type: "object",
  required: ["names"],
  additionalProperties: false,
  properties: { names: { type: "array", minItems: 1, maxItems: 20, items: str(300) }, personId: { anyOf: [id, { type: "null" }] }, province: { anyOf: [str(60), { type: "null" }] } },
} as const;

const ctxOf = async (req: FastifyRequest) => (await authenticate(req)).ctx;

function date(text: string, field: string) {
  try {
    return parseDate(text, { field });
  } catch (e) {
    if (e instanceof VigilError) throw new VigilError(e.code, e.message, { where: { field } });
    throw e;
  }
}

async function register(app: FastifyInstance): Promise<void> {
  // ---------- sources ----------
  app.get("/v1/monitor/sources", { schema: tag("Watched feeds and pages with their polling state and last failure") }, async (req) => ({ items: await listSources(await ctxOf(req)) }));
  app.post("/v1/monitor/sources", { schema: tag("Watch a feed or a web page (polled from now on)", { body: { ...sourceBody, required: ["url"] } }) }, async (req, reply) => {
    const b = req.body as SourcePatch & { url: string };
    return reply.code(201).send(await addSource(await ctxOf(req), { url: b.url, ...(b.kind ? { kind: b.kind } : {}), ...(b.title ? { title: b.title } : {}), ...(b.intervalMinutes ? { intervalMinutes: b.intervalMinutes } : {}) }));
  });
  app.get("/v1/monitor/sources/:id", { schema: tag("A source with its recent failures and item counts", { params: idParams }) }, async (req) => getSource(await ctxOf(req), (req.params as { id: string }).id));
  app.patch("/v1/monitor/sources/:id", { schema: tag("Edit, pause (enabled: false) or resume a source", { params: idParams, body: sourceBody }) }, async (req) => updateSource(await ctxOf(req), (req.params as { id: string }).id, req.body as SourcePatch));
  app.post("/v1/monitor/sources/:id/poll", { schema: tag("Poll a source now (the worker picks it up at once)", { params: idParams }) }, async (req, reply) => {
    await pollSourceNow(await ctxOf(req), (req.params as { id: string }).id);
    return reply.code(202).send({ queued: true });
  });

  // ---------- triage ----------
  app.get(
    "/v1/monitor/triage",
    {
      schema: tag("The triage queue: collected items with labels, reasons (matched terms, classifier score) and entities, newest first", {
        querystring: { type: "object", properties: { status: { type: "string", enum: ["new", "confirmed", "dismissed", "all"] }, label: { type: "string", enum: [...LABELS] }, source: id, all: { type: "boolean", description: "include items without labels" }, before: str(40), limit: { type: "integer", minimum: 1, maximum: 500 } } },
      }),
    },
    async (req) => {
      const q = req.query as { status?: "new" | "confirmed" | "dismissed" | "all"; label?: Label; source?: string; all?: boolean; before?: string; limit?: number };
      const ctx = await ctxOf(req);
      return { counts: await triageCounts(ctx), items: await listTriage(ctx, { ...(q.status ? { status: q.status } : {}), ...(q.label ? { label: q.label } : {}), ...(q.source ? { sourceId: q.source } : {}), labelledOnly: !q.all, ...(q.before ? { before: q.before } : {}), limit: q.limit ?? 50 }) };
    },
  );
  app.get("/v1/monitor/triage/:id", { schema: tag("An item with the draft of its confirmation (edit it and send it to …/confirm) and records that may match", { params: idParams }) }, async (req) => triageView(await ctxOf(req), (req.params as { id: string }).id));
  app.post(
    "/v1/monitor/triage/:id/confirm",
    { schema: tag("Confirm an item: the article becomes a Source, the people person records with sourced claims, the vault captures the article (one transaction)", { params: idParams, body: { type: "object", required: ["source", "people"], additionalProperties: false, properties: { source: confirmSource, people: { type: "array", maxItems: 50, items: confirmPerson }, note: str(500) } } }) },
    async (req, reply) => {
      const b = req.body as { source: Partial<ConfirmSourceInput>; people: Partial<ConfirmPersonInput>[]; note?: string };
      return reply.code(201).send(await confirmItem(await ctxOf(req), (req.params as { id: string }).id, { source: completeSource(b.source), people: b.people.map(completePerson), ...(b.note ? { note: b.note } : {}) }));
    },
  );
  app.post("/v1/monitor/triage/:id/dismiss", { schema: tag("Dismiss an item, saying why", { params: idParams, body: { type: "object", required: ["reason"], additionalProperties: false, properties: { reason: str(2000) } } }) }, async (req) => {
    await dismissItem(await ctxOf(req), (req.params as { id: string }).id, (req.body as { reason: string }).reason);
    return { dismissed: true };
  });
  app.post("/v1/monitor/triage/:id/reopen", { schema: tag("Put a dismissed item back in the queue", { params: idParams }) }, async (req) => {
    await reopenItem(await ctxOf(req), (req.params as { id: string }).id);
    return { reopened: true };
  });

  // ---------- watchlist ----------
  app.get("/v1/monitor/watchlist", { schema: tag("Prisoners at risk, most urgent first, each with the status timeline and its sources") }, async (req) => ({ items: await listWatches(await ctxOf(req)) }));
  app.post("/v1/monitor/watchlist", { schema: tag("Put a person on the watchlist", { body: watchBody }) }, async (req, reply) => {
    const b = req.body as { names: string[]; personId?: string | null; province?: string | null };
    const w = await createWatch(await ctxOf(req), { names: b.names, ...(b.personId ? { personId: b.personId } : {}), ...(b.province ? { province: b.province } : {}) });
    return reply.code(201).send(w);
  });
  app.get("/v1/monitor/watchlist/:id", { schema: tag("A watched person with the whole timeline", { params: idParams }) }, async (req) => getWatch(await ctxOf(req), (req.params as { id: string }).id));
  app.patch("/v1/monitor/watchlist/:id", { schema: tag("Change a watched person's names, province or record", { params: idParams, body: watchBody }) }, async (req) => {
    const b = req.body as { names: string[]; personId?: string | null; province?: string | null };
    return updateWatch(await ctxOf(req), (req.params as { id: string }).id, { names: b.names, ...(b.personId ? { personId: b.personId } : {}), ...(b.province ? { province: b.province } : {}) });
  });
  app.post(
    "/v1/monitor/watchlist/:id/steps",
    {
      schema: tag("Record a sourced step (arrested, sentenced, sentence upheld, …); a change of status alerts subscribers", {
        params: idParams,
        body: {
          type: "object",
          required: ["kind", "date", "sources"],
          additionalProperties: false,
          properties: {
            kind: { type: "string", enum: [...WATCH_STEP_KINDS] },
            date: str(100, "as written, Jalali or Gregorian, any precision"),
            note: str(2000),
            sources: { type: "array", minItems: 1, maxItems: 20, items: { type: "object", additionalProperties: false, properties: { url: str(2000), title: str(500), org: str(200), itemId: id, recordId: id } } },
          },
        },
      }),
    },
    async (req, reply) => {
      const b = req.body as { kind: WatchStepKind; date: string; note?: string; sources: WatchSourceRef[] };
      const r = await recordStep(await ctxOf(req), (req.params as { id: string }).id, { kind: b.kind, date: date(b.date, "date"), sources: b.sources, ...(b.note ? { note: b.note } : {}) });
      return reply.code(201).send({ watch: r.watch, change: r.change ?? null, deliveries: r.deliveries });
    },
  );

  // ---------- subscriptions ----------
  app.get("/v1/monitor/subscriptions", { schema: tag("Alert subscriptions (never their secrets)") }, async (req) => ({ items: await listSubscriptions(await ctxOf(req)) }));
  app.post(
    "/v1/monitor/subscriptions",
    { schema: tag("Subscribe an email address or a webhook to alerts; a webhook's signing secret is returned this once", { body: { type: "object", required: ["name", "channel", "address"], additionalProperties: false, properties: { ...subscriptionProps, channel: { type: "string", enum: ["email", "webhook"] } } } }) },
    async (req, reply) => {
      const b = req.body as Partial<SubscriptionInput> & { name: string; channel: "email" | "webhook"; address: string };
      const r = await createSubscription(await ctxOf(req), { name: b.name, channel: b.channel, address: b.address, topics: b.topics ?? [], persons: b.persons ?? [], provinces: b.provinces ?? [], mode: b.mode ?? "immediate", ...(b.digestMinutes ? { digestMinutes: b.digestMinutes } : {}), lang: b.lang ?? "en", ...(b.active !== undefined ? { active: b.active } : {}) });
      return reply.code(201).send(r);
    },
  );
  app.get("/v1/monitor/subscriptions/:id", { schema: tag("A subscription with its recent deliveries", { params: idParams }) }, async (req) => {
    const ctx = await ctxOf(req);
    const sid = (req.params as { id: string }).id;
    return { subscription: await getSubscription(ctx, sid), deliveries: await listDeliveries(ctx, { subscriptionId: sid, limit: 50 }) };
  });
  app.patch("/v1/monitor/subscriptions/:id", { schema: tag("Change a subscription; pause it with active: false", { params: idParams, body: { type: "object", additionalProperties: false, properties: subscriptionProps } }) }, async (req) => updateSubscription(await ctxOf(req), (req.params as { id: string }).id, req.body as SubscriptionPatch));
  app.delete("/v1/monitor/subscriptions/:id", { schema: tag("Delete a subscription and its outbox", { params: idParams }) }, async (req, reply) => {
    await deleteSubscription(await ctxOf(req), (req.params as { id: string }).id);
    return reply.code(204).send();
  });
  app.post("/v1/monitor/subscriptions/:id/rotate-secret", { schema: tag("A new signing secret for a webhook (returned this once; the old one stops working)", { params: idParams }) }, async (req) => rotateWebhookSecret(await ctxOf(req), (req.params as { id: string }).id));

  // ---------- trends ----------
  app.get(
    "/v1/monitor/trends",
    { schema: tag("Executions per week and per month from confirmed records, with anomalies and provisional periods", { querystring: { type: "object", properties: { asOf: str(10, "YYYY-MM-DD, default today"), weeks: { type: "integer", minimum: 4, maximum: 520 }, months: { type: "integer", minimum: 2, maximum: 240 } } } }) },
    async (req) => {
      const q = req.query as { asOf?: string; weeks?: number; months?: number };
      if (q.asOf && !/^\d{4}-\d{2}-\d{2}$/.test(q.asOf)) throw new VigilError("validation", "asOf is a day, YYYY-MM-DD", { where: { field: "asOf" } });
      const records = await staffExecutionRecords(await ctxOf(req));
      return trendSeries(records, q.asOf ?? new Date().toISOString().slice(0, 10), { ...(q.weeks ? { weeks: q.weeks } : {}), ...(q.months ? { months: q.months } : {}) });
    },
  );
}

registerApiRoutes(register, {
  [`GET ${P}/sources`]: "monitor.read",
  [`POST ${P}/sources`]: "monitor.sources",
  [`GET ${P}/sources/:id`]: "monitor.read",
  [`PATCH ${P}/sources/:id`]: "monitor.sources",
  [`POST ${P}/sources/:id/poll`]: "monitor.sources",
  [`GET ${P}/triage`]: "monitor.read",
  [`GET ${P}/triage/:id`]: "monitor.read",
  [`POST ${P}/triage/:id/confirm`]: "monitor.triage",
  [`POST ${P}/triage/:id/dismiss`]: "monitor.triage",
  [`POST ${P}/triage/:id/reopen`]: "monitor.triage",
  [`GET ${P}/watchlist`]: "monitor.read",
  [`POST ${P}/watchlist`]: "monitor.watchlist",
  [`GET ${P}/watchlist/:id`]: "monitor.read",
  [`PATCH ${P}/watchlist/:id`]: "monitor.watchlist",
  [`POST ${P}/watchlist/:id/steps`]: "monitor.watchlist",
  [`GET ${P}/subscriptions`]: "monitor.subscriptions",
  [`POST ${P}/subscriptions`]: "monitor.subscriptions",
  [`GET ${P}/subscriptions/:id`]: "monitor.subscriptions",
  [`PATCH ${P}/subscriptions/:id`]: "monitor.subscriptions",
  [`DELETE ${P}/subscriptions/:id`]: "monitor.subscriptions",
  [`POST ${P}/subscriptions/:id/rotate-secret`]: "monitor.subscriptions",
  [`GET ${P}/trends`]: "monitor.read",
});
