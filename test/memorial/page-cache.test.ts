import { test } from "node:test";
import assert from "node:assert/strict";
import { PageCache } from "../../src/memorial/freshness.ts";

/**
 * The page cache keeps a page the second time it is built, so that pages
 * asked for once (a crawler walking every person) do not push out the pages
 * visitors come back to; it stays within its size, least recently used first.
 */
test("a page is kept the second time it is built, and pages built once do not push out those kept", () => {
  const cache = new PageCache(3);
  const page = (body: string): { body: string; status: number } => ({ body, status: 200 });
  cache.set("a", page("a1"));
  assert.equal(cache.get("a"), undefined, "built once: not kept");
  cache.set("a", page("a2"));
  assert.equal(cache.get("a")?.body.toString(), "a2", "built twice: kept");
  cache.set("b", page("b"));
  cache.set("b", page("b"));
  // A crawler: many pages, each built once.
  for (let i = 0; i < 50; i++) cache.set(`crawl${i}`, page("x"));
  assert.equal(cache.size, 2);
  assert.equal(cache.get("a")?.body.toString(), "a2", "still there after the crawl");
  assert.equal(cache.get("b")?.body.toString(), "b");
  // Beyond its size the least recently used goes: c and d are kept, a was used before b.
  for (const k of ["c", "d"]) {
    cache.set(k, page(k));
    cache.set(k, page(k));
  }
  assert.equal(cache.size, 3);
  assert.equal(cache.get("a"), undefined, "the least recently used went");
  assert.equal(cache.get("b")?.body.toString(), "b");
  // What was built once is forgotten with the rest when the records change.
  cache.set("e", page("e"));
  cache.clear();
  cache.set("e", page("e"));
  assert.equal(cache.get("e"), undefined, "after a change, a page is new again");
});

test("a page kept is a copy: bytes lent to it and written over later do not change it", () => {
  const cache = new PageCache(3);
  const lent = Buffer.from("<p>صفحه</p>");
  cache.set("p", { body: lent, status: 200 });
  cache.set("p", { body: lent, status: 200 });
  lent.fill(0);
  assert.equal(cache.get("p")?.body.toString(), "<p>صفحه</p>");
});
