import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { VigilError } from "../../src/core/errors.ts";
import { classifyItem, parseItemLine } from "../../src/monitor/index.ts";

const bin = fileURLToPath(new URL("../../bin/vigil", import.meta.url));

function run(args: string[], stdin: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

test("vigil monitor classify - : JSON lines in, id/labels/reasons/entities out; bad lines named on stderr", async () => {
  const input = [
    JSON.stringify({ id: "fa-1", title: "اعدام دو زندانی سیاسی", text: "دو زندانی سیاسی سحرگاه امروز در زندان قزلحصار اعدام شدند.", published: "2025-07-27", lang: "fa" }),
    "{not json",
    JSON.stringify({ id: 7, text: "The central bank raised interest rates." }),
    JSON.stringify({ id: "no-text" }),
  ].join("\n");
  const r = await run(["monitor", "classify", "-"], input);
  assert.equal(r.code, 1);
  const out = r.stdout.trim().split("\n").map((l) => JSON.parse(l) as { id: string; labels: string[]; reasons: unknown[]; entities: { type: string }[] });
  assert.deepEqual(out.map((o) => o.id), ["fa-1", "7"]);
  assert.deepEqual(out[0]!.labels, ["execution_report"]);
  assert.ok(out[0]!.reasons.length > 0);
  assert.ok(out[0]!.entities.some((e) => e.type === "prison"));
  assert.deepEqual(out[1]!.labels, []);
  assert.match(r.stderr, /line 2: not valid JSON/);
  assert.match(r.stderr, /line 4, field "text"/);
});

test("a missing file is a clear error", async () => {
  const r = await run(["monitor", "classify", "/nonexistent/items.jsonl"], "");
  assert.equal(r.code, 1);
  assert.match(r.stderr, /cannot read \/nonexistent\/items\.jsonl/);
});

test("fuzz: hostile text never crashes classification, offsets stay inside the text", () => {
  const hostile = fc.oneof(
    fc.string({ unit: "binary", maxLength: 400 }),
    fc.string({ unit: "grapheme", maxLength: 400 }),
    fc.array(fc.constantFrom("اعدام", " شد", "«", "»", '"', "'", "\u200c", "\u202e", "1988", "۶۷", "executed", " ", ".", "\n", "\u0000", "ي", "ك", "\ud800", "😀"), { maxLength: 120 }).map((a) => a.join("")),
  );
  fc.assert(
    fc.property(hostile, fc.option(hostile, { nil: undefined }), (text, title) => {
      const r = classifyItem({ id: "f", text, ...(title === undefined ? {} : { title }) });
      for (const reason of r.reasons) for (const m of [...reason.matches, ...reason.suppressed]) {
        const field = m.field === "title" ? title ?? "" : text;
        assert.ok(m.start >= 0 && m.end <= field.length && m.start <= m.end);
      }
      for (const e of r.entities) {
        const field = e.field === "title" ? title ?? "" : text;
        assert.equal(field.slice(e.start, e.end), e.text);
      }
    }),
    { numRuns: 300 },
  );
});

test("fuzz: any input line either parses or fails with a VigilError naming the line", () => {
  fc.assert(
    fc.property(fc.oneof(fc.string({ maxLength: 200 }), fc.json(), fc.jsonValue().map((v) => JSON.stringify(v))), (line) => {
      try {
        parseItemLine(line, 3);
      } catch (err) {
        assert.ok(err instanceof VigilError);
        assert.equal(err.where?.line, 3);
      }
    }),
    { numRuns: 500 },
  );
});
