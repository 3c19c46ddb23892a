// Vault benchmarks: hashing vs sha256sum on 1 GiB, log appends up to 1,000,000
// entries, inclusion proofs at 1,000,000, verifying a 1 GiB bundle.
// Run: node --import tsx bench/vault.ts   (needs ~3 GiB free in the temp folder)
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, openSync, writeSync, closeSync, rmSync, statSync } from "node:fs";
import { tmpdir, cpus } from "node:os";
import { join } from "node:path";
import { MerkleTree, FileLog, Vault, exportBundle, verifyBundle, hashFile, custodyEvent, encodeEvent, newItemId, TOOL } from "../src/vault/index.ts";

const GiB = 1024 ** 3;
const dir = mkdtempSync(join(tmpdir(), "vigil-bench-"));
const fmt = (n: number, d = 0): string => n.toLocaleString("en-US", { maximumFractionDigits: d, minimumFractionDigits: d });
const time = async <T>(fn: () => Promise<T> | T): Promise<[T, number]> => {
  const s = performance.now();
  const r = await fn();
  return [r, (performance.now() - s) / 1000];
};

console.log(`machine: ${cpus().length} cores (${cpus()[0]?.model ?? "?"}), node ${process.version}`);
try {
  // 1. Hashing throughput against sha256sum on the same 1 GiB file.
  const big = join(dir, "big.bin");
  const fd = openSync(big, "w");
  const block = randomBytes(64 * 1024 * 1024);
  for (let i = 0; i < 16; i++) writeSync(fd, block);
  closeSync(fd);
  spawnSync("sha256sum", [big]); // warm the page cache
  // Alternate the two, three rounds, so that a busy neighbour skews both alike; report the median round.
  const rounds: { sum: number; ours: number }[] = [];
  for (let r = 0; r < 3; r++) {
    const [, tSum] = await time(() => spawnSync("sha256sum", [big], { encoding: "utf8" }));
    const [, tOurs] = await time(() => hashFile(big));
    rounds.push({ sum: tSum, ours: tOurs });
  }
  rounds.sort((a, b) => a.sum / a.ours - b.sum / b.ours);
  const mid = rounds[1]!;
  console.log(`hashing 1 GiB: sha256sum ${fmt(GiB / mid.sum / 1e6)} MB/s, vault ${fmt(GiB / mid.ours / 1e6)} MB/s, ratio ${fmt(mid.sum / mid.ours, 2)} (median of rounds ${rounds.map((x) => fmt(x.sum / x.ours, 2)).join(", ")}; target >= 0.80)`);

  // 2. Log appends up to 1,000,000 entries (in-memory tree), and durable appends to the file log.
  const tree = new MerkleTree();
  const item = newItemId();
  const sample = encodeEvent(custodyEvent({ item, type: "captured", actor: "bench", method: "benchmark", tool: TOOL, hashes: { original: `sha256:${"ab".repeat(32)}` }, sourceUrl: "https://example.org/page" }));
  let last = performance.now();
  const t0 = last;
  let worst = Infinity;
  for (let i = 1; i <= 1_000_000; i++) {
    sample.writeUInt32BE(i, 10);
    tree.append(sample);
    if (i % 100_000 === 0) {
      const now = performance.now();
      worst = Math.min(worst, 100_000 / ((now - last) / 1000));
      last = now;
    }
  }
  const tTree = (performance.now() - t0) / 1000;
  console.log(`log appends (tree, ${sample.length}-byte entries): ${fmt(1e6 / tTree)}/s overall to 1,000,000, slowest 100k stretch ${fmt(worst)}/s (target >= 20,000/s)`);
  const flog = await FileLog.open(join(dir, "log"), "bench.invalid/log");
  const batch = Array.from({ length: 1000 }, () => Buffer.from(sample));
  const [, tFile] = await time(async () => {
    for (let i = 0; i < 200; i++) await flog.append(batch);
  });
  console.log(`log appends (file, fsync per batch of 1,000): ${fmt(200_000 / tFile)}/s over 200,000 entries`);

  // 3. Inclusion proofs at 1,000,000 entries.
  const n = 1_000_000;
  const N = 20_000;
  const times: number[] = [];
  const [, tProofs] = await time(() => {
    for (let k = 0; k < N; k++) {
      const s = performance.now();
      tree.inclusionProof((k * 7919) % (n - 1000), n - (k % 1000));
      times.push(performance.now() - s);
    }
  });
  times.sort((a, b) => a - b);
  const p99 = times[Math.floor(N * 0.99)]!;
  console.log(`inclusion proof at 1,000,000 entries: mean ${fmt((tProofs / N) * 1e6, 1)} µs, p99 ${fmt(p99 * 1000, 1)} µs, max ${fmt(times[N - 1]! * 1000, 1)} µs (a GC pause) (target < 1 ms)`);

  // 4. Verifying a 1 GiB bundle.
  const vault = await Vault.open({ dataDir: join(dir, "data"), origin: "bench.invalid/vault" });
  await vault.addFile(big, { actor: "bench" });
  rmSync(big);
  const bundle = join(dir, "bundle.zip");
  const [, tExport] = await time(() => exportBundle(vault, bundle, { all: true, actor: "bench" }));
  const [rep, tVerify] = await time(() => verifyBundle(bundle));
  if (!rep.ok) throw new Error(`bench bundle failed to verify: ${rep.failures.join("; ")}`);
  console.log(`bundle of ${fmt(statSync(bundle).size / GiB, 2)} GiB: export ${fmt(tExport, 2)} s, verify ${fmt(tVerify, 2)} s (target < 5 s)`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
