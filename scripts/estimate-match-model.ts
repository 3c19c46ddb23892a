// Measures the fixed parameters of the triage suggestions' match model on the
// synthetic lists and writes them to src/monitor/data/match-model.json.
// Run: node --import tsx scripts/estimate-match-model.ts
import { writeFileSync } from "node:fs";
import { estimateMatchModel } from "../src/monitor/match-model.ts";

const model = estimateMatchModel();
const fields = model.fields.map((f) => `    ${JSON.stringify(f)}`).join(",\n");
const text = `{\n  "estimatedOn": ${JSON.stringify(model.estimatedOn)},\n  "fields": [\n${fields}\n  ]\n}\n`;
writeFileSync(new URL("../src/monitor/data/match-model.json", import.meta.url), text);
for (const f of model.fields) console.log(f.field.padEnd(8), f.levels.map((l, i) => (i === 0 ? "" : `${l}: ${(Math.log2(f.m[i]! / f.u[i]!)).toFixed(1)}`)).filter(Boolean).join(" | "));
console.log(model.estimatedOn);
