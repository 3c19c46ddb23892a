import { createHash } from "node:crypto";
import { writeFileSync } from "node:fs";
import yazl from "yazl";
import { readZip, signNote, type NoteSigner } from "../../src/vault/index.ts";

/** Rewrites a bundle with some files changed or removed; re-signs the manifest when given the key (an insider with the key). */
export async function rewriteBundle(src: string, dest: string, change: (files: Map<string, Buffer>) => void, resignWith?: NoteSigner): Promise<void> {
  const entries = await readZip(src);
  const files = new Map<string, Buffer>([...entries].map(([k, v]) => [k, v.data!]));
  change(files);
  if (resignWith) {
    const manifest = JSON.parse(files.get("bundle.json")!.toString()) as { files: Record<string, { sha256: string; bytes: number }> };
    for (const name of Object.keys(manifest.files)) {
      const b = files.get(name);
      if (b) manifest.files[name] = { sha256: `sha256:${createHash("sha256").update(b).digest("hex")}`, bytes: b.length };
      else delete manifest.files[name];
    }
    const text = JSON.stringify(manifest, null, 2) + "\n";
    files.set("bundle.json", Buffer.from(text));
    files.set("bundle.sig", Buffer.from(signNote(`vigil-bundle/1\n${createHash("sha256").update(text).digest("hex")}\n`, [resignWith])));
  }
  const zip = new yazl.ZipFile();
  for (const [name, data] of files) zip.addBuffer(data, name, { compress: !name.includes("/blobs/") });
  zip.end();
  const parts: Buffer[] = [];
  for await (const c of zip.outputStream as AsyncIterable<Buffer>) parts.push(c);
  writeFileSync(dest, Buffer.concat(parts));
}
