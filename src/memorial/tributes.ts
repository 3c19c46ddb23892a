import { randomBytes } from "node:crypto";
import { authorize } from "../accounts/index.ts";
import { nowIso, type Ctx } from "../core/context.ts";
import { notFound, Problems, VigilError } from "../core/errors.ts";
import type { PublicPost } from "./pages/tributes.tsx";
import { memorialDb, type MemorialDb, type MemorialSchema } from "./schema.ts";
import { QueryShape } from "../store/query-shape.ts";

/**
 * Tributes (on people) and comments (on events), with one level of replies.
 * Everything a visitor writes is held until a moderator approves it; nothing
 * about the visitor is stored besides what they wrote and the name they chose.
 */
export const POST_KINDS = ["tribute", "comment"] as const;
export const LIMITS = { body: 2000, author: 80 };

export interface PostInput {
  recordId: string;
  kind: string;
  body: string;
  author: string;
  parentId: string | null;
  lang: "fa" | "en";
}

/** Checks a post; messages are catalogue keys, shown at their field. */
export function validatePost(p: PostInput): Problems {
  const problems = new Problems();
  const body = p.body.trim();
  if (!body) problems.add("body", "memorial.tributes.error.empty");
  else if (body.length > LIMITS.body) problems.add("body", "memorial.tributes.error.long");
  if (p.author.trim().length > LIMITS.author) problems.add("author", "memorial.form.error.tooLong");
  if (!(POST_KINDS as readonly string[]).includes(p.kind)) problems.add("kind", "memorial.form.error.invalid");
  return problems;
}

const newPostId = (): string => `mpo_${randomBytes(12).toString("hex")}`;

/** Holds a visitor's post for moderation. The record must be public; a reply must answer an approved post on it. */
export async function submitPost(db: MemorialDb, p: PostInput, now: Date = new Date()): Promise<string> {
  const problems = validatePost(p);
  problems.throwIfAny();
  if (p.parentId) {
    const parent = await db.selectFrom("memorial_posts").select(["record_id", "status", "parent_id"]).where("id", "=", p.parentId).executeTakeFirst();
    if (!parent || parent.record_id !== p.recordId || parent.status !== "approved" || parent.parent_id) throw new VigilError("validation", "memorial.form.error.invalid", { where: { field: "parent" } });
  }
  const id = newPostId();
  // Control characters other than line breaks are dropped: they can only confuse a reader.
  const clean = (s: string): string => s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u202a-\u202e\u2066-\u2069]/g, "").trim();
  await db
    .insertInto("memorial_posts")
    .values({ id, record_id: p.recordId, parent_id: p.parentId, kind: p.kind, author: clean(p.author) || null, body: clean(p.body).replace(/\r\n/g, "\n"), lang: p.lang, status: "pending", created_at: now.toISOString(), moderated_at: null, moderated_by: null, moderation_note: null })
    .execute();
  return id;
}

const approvedOf = new QueryShape<MemorialSchema, { id: string; parent_id: string | null; author: string | null; body: string; lang: string; created_at: string }>((db, [record]) =>
  db.selectFrom("memorial_posts").select(["id", "parent_id", "author", "body", "lang", "created_at"]).where("record_id", "=", record![0]!).where("status", "=", "approved").orderBy("created_at").orderBy("id").limit(500),
);

/** Approved posts on a record, replies under the post they answer. */
export async function approvedPosts(db: MemorialDb, recordId: string): Promise<PublicPost[]> {
  const rows = await approvedOf.execute(db, [[recordId]]);
  const top: PublicPost[] = [];
  const byId = new Map<string, PublicPost>();
  for (const r of rows) {
    const post: PublicPost = { id: r.id, author: r.author, body: r.body, lang: r.lang, day: r.created_at.slice(0, 10), replies: [] };
    byId.set(r.id, post);
    if (!r.parent_id) top.push(post);
  }
  for (const r of rows) if (r.parent_id) byId.get(r.parent_id)?.replies.push(byId.get(r.id)!);
  return top;
}

/**
 * Approved posts for a renderer that builds pages many times a second. Most
 * people on a memorial have no approved post, so which records have any is
 * read once and kept until the renderer hears that pages changed (moderation
 * marks them so, as do changes to records): a page without posts then asks
 * the database nothing. Until that is heard, a post just approved is missing
 * from new pages, as it is from the cached ones.
 */
export class ApprovedPostsReader {
  private posted: Promise<Set<string>> | undefined;

  constructor(private readonly db: MemorialDb) {}

  /** Pages changed: which records have posts is read again on next use. */
  forget(): void {
    this.posted = undefined;
  }

  async of(recordId: string): Promise<PublicPost[]> {
    return (await this.postedRecords()).has(recordId) ? approvedPosts(this.db, recordId) : [];
  }

  private postedRecords(): Promise<Set<string>> {
    if (this.posted) return this.posted;
    const reading = this.db
      .selectFrom("memorial_posts")
      .select("record_id")
      .distinct()
      .where("status", "=", "approved")
      .execute()
      .then((rows) => new Set(rows.map((r) => r.record_id)));
    // A failed read is not kept: the next page asks again.
    reading.catch(() => {
      if (this.posted === reading) this.posted = undefined;
    });
    return (this.posted = reading);
  }
}

export interface QueuedPost {
  id: string;
  recordId: string;
  recordLabel: string;
  parentId: string | null;
  kind: string;
  author: string | null;
  body: string;
  lang: string;
  createdAt: string;
  status: string;
}

/** The moderation queue: posts waiting (or, with a status, those already decided). */
export async function moderationQueue(ctx: Ctx, status: "pending" | "approved" | "rejected" = "pending", limit = 100): Promise<QueuedPost[]> {
  authorize(ctx.actor, "memorial.moderate");
  const db = memorialDb(ctx.db);
  const rows = await db
    .selectFrom("memorial_posts as p")
    .leftJoin("records as r", "r.id", "p.record_id")
    .select(["p.id", "p.record_id", "p.parent_id", "p.kind", "p.author", "p.body", "p.lang", "p.created_at", "p.status", "r.label"])
    .where("p.status", "=", status)
    .orderBy("p.created_at", status === "pending" ? "asc" : "desc")
    .limit(Math.min(Math.max(limit, 1), 500))
    .execute();
  return rows.map((r) => ({ id: r.id, recordId: r.record_id, recordLabel: r.label ?? r.record_id, parentId: r.parent_id, kind: r.kind, author: r.author, body: r.body, lang: r.lang, createdAt: r.created_at, status: r.status }));
}

/** Approves or rejects a post. Deciding again changes the decision (and says who and when). */
export async function moderatePost(ctx: Ctx, id: string, decision: "approve" | "reject", note?: string): Promise<void> {
  authorize(ctx.actor, "memorial.moderate");
  const db = memorialDb(ctx.db);
  const post = await db.selectFrom("memorial_posts").select(["id"]).where("id", "=", id).executeTakeFirst();
  if (!post) throw notFound("post", id);
  await db
    .updateTable("memorial_posts")
    .set({ status: decision === "approve" ? "approved" : "rejected", moderated_at: nowIso(ctx), moderated_by: ctx.actor.id, moderation_note: note?.trim().slice(0, 500) || null })
    .where("id", "=", id)
    .execute();
  await bumpVersion(db);
  if (ctx.audit) await ctx.audit(ctx, { action: `memorial.post.${decision}`, targetType: "memorial_post", targetId: id });
}

/** Marks public pages as changed (moderation changes them without touching records). */
export async function bumpVersion(db: MemorialDb): Promise<void> {
  const v = String(Date.now()) + randomBytes(4).toString("hex");
  const done = await db.updateTable("memorial_state").set({ value: v }).where("key", "=", "pages_version").executeTakeFirst();
  if (Number(done.numUpdatedRows) === 0) await db.insertInto("memorial_state").values({ key: "pages_version", value: v }).execute();
}
