import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { VigilError } from "../../src/core/errors.ts";
import { parseFeedDocument } from "../../src/monitor/feeds.ts";
import { htmlToText } from "../../src/monitor/html.ts";
import { decodeBody } from "../../src/monitor/decode.ts";

const xmlish = fc
  .array(fc.constantFrom("<rss>", "<channel>", "<item>", "<title>", "</title>", "</item>", "<![CDATA[", "]]>", "&amp;", "&#x0;", "<feed xmlns=\"http://www.w3.org/2005/Atom\">", "<entry>", "<link href=\"javascript:x\"/>", "اعدام", "\u0000", "<script>", "{", "\"items\":[", "]", "}", "<", ">", "\"", "'"), { maxLength: 60 })
  .map((a) => a.join(""));

test("fuzz: any document is parsed as a feed or refused with a clear error", () => {
  fc.assert(
    fc.property(fc.oneof(fc.string({ maxLength: 300 }), xmlish, fc.jsonValue().map((v) => JSON.stringify(v))), (doc) => {
      try {
        const f = parseFeedDocument(doc, "http://example.org/");
        for (const e of f.entries) {
          assert.equal(typeof e.key, "string");
          if (e.url) assert.match(e.url, /^https?:/);
        }
      } catch (err) {
        assert.ok(err instanceof VigilError, String(err));
      }
    }),
    { numRuns: 400 },
  );
});

test("fuzz: HTML to text and decoding never throw", () => {
  fc.assert(
    fc.property(fc.oneof(fc.string({ maxLength: 300 }), xmlish), (html) => {
      assert.equal(typeof htmlToText(html), "string");
    }),
    { numRuns: 300 },
  );
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), fc.option(fc.string({ maxLength: 40 }), { nil: undefined }), (bytes, ct) => {
      const d = decodeBody(bytes, ct);
      assert.equal(typeof d.text, "string");
    }),
    { numRuns: 300 },
  );
});
