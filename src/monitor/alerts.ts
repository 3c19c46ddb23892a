import { formatDate } from "../core/dates.ts";
import { VigilError, Problems } from "../core/errors.ts";
import { LABELS, loadLexicon, type Label } from "./lexicon.ts";
import type { Entity } from "./extract.ts";
import { findWatched, type StatusChange, type Watch, type WatchHit, type WatchStatus } from "./watchlist.ts";

/** Something subscribers may want to hear about. `key` makes each event delivered once per subscription. */
export type AlertEvent =
  | ({ kind: "status_change"; key: string; at: string } & StatusChange)
  | {
      kind: "monitoring_hit";
      key: string;
      at: string;
      itemId: string;
      title: string;
      url?: string;
      labels: Label[];
      provinces: string[];
      /** Watched people the item names. */
      watched: Pick<WatchHit, "watchId" | "name" | "text">[];
    };

export type Topic = Label | "watchlist";
export const TOPICS: readonly Topic[] = [...LABELS, "watchlist"];

export interface Subscription {
  id: string;
  name: string;
  channel: "email" | "webhook";
  /** Email address or webhook URL. */
  address: string;
  /** Webhook signing secret (in the store: sealed, see secret-box.ts). */
  secret?: string;
  /** Why the secret cannot be used (it could not be opened); deliveries fail with this. */
  secretProblem?: string;
  /** Labels of monitored items, and "watchlist" for every status change. */
  topics: Topic[];
  /** Watch ids: every change and every item naming these people. */
  persons: string[];
  /** Province ids that narrow topics, or (alone) select everything about them. */
  provinces: string[];
  mode: "immediate" | "digest";
  /** Digest period in minutes (default a day). */
  digestMinutes?: number;
  lang: "en" | "fa";
  active: boolean;
}

/** Checks a subscription from a form or the API; every problem at once. */
export function validateSubscription(s: Omit<Subscription, "id">): void {
  const p = new Problems();
  if (!s.name.trim()) p.add("name", "a subscription needs a name");
  else if (s.name.length > 200) p.add("name", "a name is at most 200 characters");
  if (s.channel !== "email" && s.channel !== "webhook") p.add("channel", "delivery is by email or webhook");
  if (s.mode !== "immediate" && s.mode !== "digest") p.add("mode", "mode is immediate or digest");
  if (s.lang !== "en" && s.lang !== "fa") p.add("lang", "the language of messages is en or fa");
  if (s.address.length > 2000) p.add("address", "the address is at most 2000 characters");
  const provinces = new Set(loadLexicon().gazetteer.filter((g) => g.kind === "province").map((g) => g.id));
  for (const pr of s.provinces) if (!provinces.has(pr)) p.add("provinces", `unknown province ${JSON.stringify(pr)}`);
  if (s.channel === "email" && !/^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/.test(s.address)) p.add("address", "not an email address");
  if (s.channel === "webhook") {
    if (!/^https?:\/\//i.test(s.address)) p.add("address", "a webhook needs an http(s) URL");
    if (!s.secret || s.secret.length < 16) p.add("secret", "a webhook needs a signing secret of at least 16 characters");
  }
  for (const t of s.topics) if (!TOPICS.includes(t)) p.add("topics", `unknown topic ${JSON.stringify(t)}`);
  if (s.topics.length === 0 && s.persons.length === 0 && s.provinces.length === 0) p.add("topics", "choose at least a topic, a person or a province");
  if (s.mode === "digest" && s.digestMinutes !== undefined && (!Number.isInteger(s.digestMinutes) || s.digestMinutes < 5)) p.add("digestMinutes", "a digest period is a whole number of minutes, at least 5");
  p.throwIfAny("the subscription has errors");
}

const overlaps = (a: readonly string[], b: readonly string[]): boolean => a.some((x) => b.includes(x));

/**
 * Does a subscription want this event? A watched person always counts; topics
 * count within the chosen provinces (all provinces when none is chosen); a
 * subscription with provinces only wants every labelled item and change there.
 */
export function wants(sub: Subscription, e: AlertEvent): boolean {
  if (!sub.active) return false;
  const provincesOnly = sub.topics.length === 0 && sub.persons.length === 0;
  if (e.kind === "status_change") {
    if (sub.persons.includes(e.watchId)) return true;
    const inProvince = sub.provinces.length === 0 || (e.province !== undefined && sub.provinces.includes(e.province));
    if (sub.topics.includes("watchlist") && inProvince) return true;
    return provincesOnly && e.province !== undefined && sub.provinces.includes(e.province);
  }
  if (overlaps(sub.persons, e.watched.map((w) => w.watchId))) return true;
  const inProvince = sub.provinces.length === 0 || overlaps(sub.provinces, e.provinces);
  if (overlaps(sub.topics, e.labels) && inProvince) return true;
  return provincesOnly && e.labels.length > 0 && overlaps(sub.provinces, e.provinces);
}

export interface Delivery {
  id: string;
  subscriptionId: string;
  eventKey: string;
  event: AlertEvent;
  status: "pending" | "sent" | "failed" | "dead";
  dueAt: string;
  attempts: number;
  lastError?: string;
  deliveredAt?: string;
}

/** When a digest period that has begun at `now` ends (periods counted from midnight UTC). */
export function digestDue(now: Date, minutes: number): string {
  const ms = minutes * 60_000;
  return new Date(Math.floor(now.getTime() / ms) * ms + ms).toISOString();
}

/** The deliveries an event calls for: due now for immediate subscriptions, at the end of the period for digests. */
export function planDeliveries(events: readonly AlertEvent[], subs: readonly Subscription[], now: Date, newId: () => string): Delivery[] {
  const out: Delivery[] = [];
  for (const e of events) {
    for (const s of subs) {
      if (!wants(s, e)) continue;
      out.push({ id: newId(), subscriptionId: s.id, eventKey: e.key, event: e, status: "pending", dueAt: s.mode === "digest" ? digestDue(now, s.digestMinutes ?? 24 * 60) : now.toISOString(), attempts: 0 });
    }
  }
  return out;
}

// ---------- messages ----------

const STATUS_WORDS: Record<WatchStatus, { en: string; fa: string }> = {
  arrested: { en: "arrested", fa: "بازداشت" },
  sentenced: { en: "sentenced to death", fa: "محکومیت به اعدام" },
  sentence_upheld: { en: "death sentence upheld", fa: "تأیید حکم اعدام" },
  retrial_rejected: { en: "retrial request rejected", fa: "رد درخواست اعاده دادرسی" },
  transferred_to_solitary: { en: "transferred to solitary confinement", fa: "انتقال به سلول انفرادی" },
  transferred_to_execution_prison: { en: "transferred to a prison where executions are carried out", fa: "انتقال به زندان محل اجرای احکام اعدام" },
  executed: { en: "executed", fa: "اعدام" },
  commuted: { en: "sentence commuted", fa: "تخفیف یا تبدیل حکم" },
  released: { en: "released", fa: "آزادی" },
};
const LABEL_WORDS: Record<Label, { en: string; fa: string }> = {
  execution_report: { en: "execution reported", fa: "گزارش اعدام" },
  death_sentence: { en: "death sentence", fa: "حکم اعدام" },
  arrest: { en: "arrest", fa: "بازداشت" },
  at_risk: { en: "at risk", fa: "در خطر" },
  glorification: { en: "glorification of mass killings", fa: "ستایش کشتار" },
  incitement: { en: "incitement", fa: "تحریک به کشتار" },
};

function describe(e: AlertEvent, lang: "en" | "fa"): string[] {
  if (e.kind === "status_change") {
    const who = e.names[0] ?? e.watchId;
    const to = STATUS_WORDS[e.to][lang];
    const from = e.from ? STATUS_WORDS[e.from][lang] : undefined;
    const when = formatDate(e.step.date, { lang });
    const sources = e.step.sources.map((s) => [s.org, s.title, s.url].filter(Boolean).join(" — ")).join("; ");
    const lines = lang === "fa" ? [`${who}: ${to}${from ? ` (پیش‌تر: ${from})` : ""} — ${when}`, `منابع: ${sources}`] : [`${who}: ${to}${from ? ` (was: ${from})` : ""} — ${when}`, `Sources: ${sources}`];
    if (e.conflict) lines.push(lang === "fa" ? `هشدار ناسازگاری: ${e.conflict}` : `Conflict: ${e.conflict}`);
    return lines;
  }
  const labels = e.labels.map((l) => LABEL_WORDS[l][lang]).join(", ");
  const lines = [`[${labels}] ${e.title}`];
  if (e.url) lines.push(e.url);
  if (e.watched.length) lines.push(`${lang === "fa" ? "نام فرد تحت پیگیری" : "Names a watched person"}: ${[...new Set(e.watched.map((w) => w.name))].join(", ")}`);
  return lines;
}

export interface AlertMessage {
  subject: string;
  text: string;
}

/** An email (or digest) for a subscription, in its language. Plain text: nothing to render, nothing to track. */
export function renderAlertMessage(sub: Pick<Subscription, "name" | "lang" | "mode">, events: readonly AlertEvent[]): AlertMessage {
  const fa = sub.lang === "fa";
  const first = events[0];
  const subject =
    events.length === 1 && first
      ? `${fa ? "هشدار ویجیل" : "Vigil alert"}: ${describe(first, sub.lang)[0]!}`.slice(0, 200)
      : fa
        ? `خلاصه هشدارهای ویجیل (${events.length}) — ${sub.name}`
        : `Vigil digest (${events.length}) — ${sub.name}`;
  const body = events.map((e) => describe(e, sub.lang).join("\n")).join("\n\n");
  const footer = fa ? `\n\n— اشتراک «${sub.name}» در ویجیل` : `\n\n— Subscription "${sub.name}" on Vigil`;
  return { subject: subject.replace(/[\r\n]+/g, " "), text: body + footer };
}

/** The JSON a webhook receives. */
export function webhookPayload(deliveryIds: readonly string[], sub: Pick<Subscription, "id">, events: readonly AlertEvent[], now: Date): string {
  return JSON.stringify({ type: events.length === 1 ? "vigil.alert" : "vigil.digest", subscription: sub.id, deliveries: deliveryIds, sent_at: now.toISOString(), events });
}

/** A VigilError for a subscription that cannot be delivered (no transport configured). */
export const noTransport = (channel: string): VigilError => new VigilError("unsupported", `no ${channel} transport is configured`);

/** A classified item as alerting sees it. */
export interface AlertableItem {
  id: string;
  title: string;
  text: string;
  url?: string;
  labels: readonly Label[];
  entities: readonly Entity[];
}

/**
 * The alert event for a monitored item: its labels, the provinces its places
 * and prisons lie in, and the watched people it names. No event for an item
 * with neither a label nor a watched person.
 */
export function itemEvent(item: AlertableItem, watches: readonly Watch[], now: Date): AlertEvent | undefined {
  const watched = findWatched(watches, { title: item.title, text: item.text, entities: item.entities });
  if (item.labels.length === 0 && watched.length === 0) return undefined;
  const provinces = [...new Set(item.entities.filter((e) => (e.type === "place" || e.type === "prison") && e.province).map((e) => e.province!))];
  return {
    kind: "monitoring_hit",
    key: `item:${item.id}`,
    at: now.toISOString(),
    itemId: item.id,
    title: item.title || item.text.slice(0, 120),
    ...(item.url ? { url: item.url } : {}),
    labels: [...item.labels],
    provinces,
    watched: watched.map((w) => ({ watchId: w.watchId, name: w.name, text: w.text })),
  };
}
