import type { Kysely } from "kysely";
import type { Dialect } from "../dialect.ts";

/**
 * The public memorial: tributes and comments held for moderation, sealed
 * testimony (only ciphertext and the day it arrived: no address, no browser,
 * no time of day), and the derived search facets of public people.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>, _dialect: Dialect): Promise<void> {
  await db.schema
    .createTable("memorial_posts")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("record_id", "text", (c) => c.notNull())
    .addColumn("parent_id", "text")
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("author", "text")
    .addColumn("body", "text", (c) => c.notNull())
    .addColumn("lang", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull().defaultTo("pending"))
    .addColumn("created_at", "text", (c) => c.notNull())
    .addColumn("moderated_at", "text")
    .addColumn("moderated_by", "text")
    .addColumn("moderation_note", "text")
    .execute();
  await db.schema.createIndex("memorial_posts_record").on("memorial_posts").columns(["record_id", "status", "created_at"]).execute();
  await db.schema.createIndex("memorial_posts_status").on("memorial_posts").columns(["status", "created_at"]).execute();

  await db.schema
    .createTable("memorial_testimonies")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("codename", "text", (c) => c.notNull().unique())
    .addColumn("reply_key", "text", (c) => c.notNull())
    .addColumn("envelope", "text", (c) => c.notNull())
    .addColumn("files", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("received_on", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull().defaultTo("new"))
    .execute();
  await db.schema
    .createTable("memorial_testimony_files")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("testimony_id", "text", (c) => c.notNull().references("memorial_testimonies.id").onDelete("cascade"))
    .addColumn("n", "integer", (c) => c.notNull())
    .addColumn("header", "text", (c) => c.notNull())
    .addColumn("path", "text", (c) => c.notNull())
    .addColumn("size", "integer", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("memorial_testimony_files_t").on("memorial_testimony_files").columns(["testimony_id", "n"]).execute();
  await db.schema
    .createTable("memorial_testimony_messages")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("testimony_id", "text", (c) => c.notNull().references("memorial_testimonies.id").onDelete("cascade"))
    .addColumn("n", "integer", (c) => c.notNull())
    .addColumn("direction", "text", (c) => c.notNull())
    .addColumn("envelope", "text", (c) => c.notNull())
    .addColumn("on_day", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("memorial_testimony_messages_t").on("memorial_testimony_messages").columns(["testimony_id", "n"]).execute();

  await db.schema
    .createTable("memorial_facets")
    .addColumn("person_id", "text", (c) => c.notNull())
    .addColumn("facet", "text", (c) => c.notNull())
    .addColumn("value", "text", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("memorial_facets_value").on("memorial_facets").columns(["facet", "value", "person_id"]).execute();
  await db.schema.createIndex("memorial_facets_person").on("memorial_facets").column("person_id").execute();

  await db.schema
    .createTable("memorial_state")
    .addColumn("key", "text", (c) => c.primaryKey())
    .addColumn("value", "text", (c) => c.notNull())
    .execute();
}
