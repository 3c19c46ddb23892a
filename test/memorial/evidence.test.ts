import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import sharp from "sharp";
import { startApp, type RunningApp } from "../helpers/app.ts";
import { makeCtx, SYSTEM } from "../../src/core/context.ts";
import { createRecord } from "../../src/records/index.ts";
import { Vault } from "../../src/vault/index.ts";

/**
 * Photos and evidence on public pages come from the vault: only public
 * copies (made without metadata) of items linked to public sources; the
 * originals are never served, and a non-public source's items are not shown.
 */
const GPS_MARK = "CANARYPHOTOGRAPHER5150";

describe("evidence and photos on public pages", () => {
  let app: RunningApp;
  let person = "";
  let secretSource = "";
  let secretDigest = "";
  let originalDigest = "";
  let restrictedDigest = "";

  before(async () => {
    app = await startApp({
      beforeListen: async (deps) => {
        const ctx = makeCtx(deps.store, SYSTEM);
        const photo = await createRecord(ctx, { type: "source", kind: "media_file", status: "published", confidentiality: "public", label: "Family photograph" });
        const secret = await createRecord(ctx, { type: "source", kind: "media_file", status: "published", confidentiality: "restricted", label: "Witness photograph" });
        secretSource = secret.id;
        const p = await createRecord(ctx, {
          type: "person",
          status: "published",
          confidentiality: "public",
          claims: [
            { property: "name", value: { text: "Roya Example", kind: "full" }, confidence: "confirmed", confidentiality: "public", citations: [{ sourceId: photo.id }] },
            { property: "sex", term: "female", confidence: "confirmed", confidentiality: "public", citations: [{ sourceId: secret.id }] },
          ],
        });
        person = p.id;
        const jpeg = await sharp({ create: { width: 64, height: 48, channels: 3, background: "#556677" } })
          .jpeg()
          .withExif({ IFD0: { Artist: GPS_MARK, Copyright: GPS_MARK, ImageDescription: GPS_MARK } })
          .toBuffer();
        assert.ok(jpeg.toString("latin1").includes(GPS_MARK), "the original carries the metadata");
        const file = join(deps.store.dataDir, "photo.jpg");
        writeFileSync(file, jpeg);
        const vault = await Vault.open({ store: deps.store });
        const added = await vault.addFile(file, { actor: "system:test", sourceIds: [photo.id] });
        originalDigest = added.item.original.digest;
        const other = join(deps.store.dataDir, "other.jpg");
        writeFileSync(other, await sharp({ create: { width: 30, height: 30, channels: 3, background: "#aa0000" } }).jpeg().toBuffer());
        const hidden = await vault.addFile(other, { actor: "system:test", sourceIds: [secret.id] });
        secretDigest = hidden.item.derived.find((d) => d.role === "public_copy")!.digest;
        // An item the vault marks restricted stays off public pages even when linked to a public source.
        const third = join(deps.store.dataDir, "third.jpg");
        writeFileSync(third, await sharp({ create: { width: 20, height: 20, channels: 3, background: "#00aa00" } }).jpeg().toBuffer());
        const restricted = await vault.addFile(third, { actor: "system:test", sourceIds: [photo.id], confidentiality: "restricted" });
        restrictedDigest = restricted.item.original.digest;
      },
    });
  });
  after(async () => app?.close());

  test("a person's photo is the public copy, without the original's metadata", async () => {
    const html = await (await fetch(`${app.url}/en/people/${person}`)).text();
    const src = /<img src="(\/media\/[^"]+)"/.exec(html)?.[1];
    assert.ok(src, "the page shows the photo");
    assert.ok(html.includes(originalDigest.replace(/^sha256:/, "")), "with the original's fingerprint to verify it");
    const r = await fetch(app.url + src);
    assert.equal(r.status, 200);
    assert.equal(r.headers.get("content-type"), "image/jpeg");
    const body = Buffer.from(await r.arrayBuffer());
    assert.ok(!body.toString("latin1").includes(GPS_MARK), "no author or other metadata");
    const meta = await sharp(body).metadata();
    assert.equal(meta.exif, undefined);
    assert.equal(meta.width, 64);
  });

  test("the original, and items of a source that is not public, are never served", async () => {
    assert.equal((await fetch(`${app.url}/media/${secretSource}/${secretDigest}`)).status, 404);
    const html = await (await fetch(`${app.url}/en/people/${person}`)).text();
    const src = /<img src="\/media\/([^/]+)\//.exec(html)![1]!;
    assert.equal((await fetch(`${app.url}/media/${src}/${originalDigest}`)).status, 404);
    assert.ok(!html.includes(secretDigest.replace(/^sha256:/, "")));
    assert.ok(!html.includes("Witness photograph"));
    assert.ok(!html.includes(restrictedDigest.replace(/^sha256:/, "")), "a restricted item is not shown");
  });
});
