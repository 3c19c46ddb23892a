import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirOf, renderPage } from "../web/index.ts";
import { PROPERTIES } from "../records/index.ts";
import type { DossierData } from "./dossier-data.ts";
import type { EvidenceEntry } from "./evidence.ts";
import type { Ref } from "./model.ts";
import { makeShow, type Show, type TermLabel } from "./show.ts";
import { TimelineSvg } from "./timeline.tsx";
import { ActsTable, CareerTable, ChainSvg, ChainTable, Citations, claimText, Confidence, ConsistencyLists, InvolvementTable } from "./views.tsx";

/** What ties the PDF to its bundle: the checkpoint the bundle was exported at, and file hashes. */
export interface Seal {
  origin: string;
  size: number;
  root: string;
  bundleFile: string;
  bundleSha256: string;
  recordsSha256: string;
  recordsItemId: string;
}

const require = createRequire(import.meta.url);

/** Isolates a left-to-right value (id, hash, timestamp) inside a sentence of either direction. */
const ltr = (s: string | number): string => `\u2066${s}\u2069`;
let fontCss: string | undefined;

/**
 * The Vazirmatn font (OFL, from npm) embedded in the page as data, so that
 * Chromium shapes Persian with it and embeds it in the PDF, and no file or
 * network is read while rendering.
 */
export function fontFaces(): string {
  if (fontCss === undefined) {
    const face = (file: string, weight: number): string => {
      const data = readFileSync(require.resolve(`vazirmatn/fonts/webfonts/${file}`)).toString("base64");
      return `@font-face{font-family:"Vazirmatn";font-weight:${weight};font-style:normal;src:url(data:font/woff2;base64,${data}) format("woff2");}`;
    };
    fontCss = face("Vazirmatn-Regular.woff2", 400) + face("Vazirmatn-Bold.woff2", 700);
  }
  return fontCss;
}

const STYLE = `
@page { size: A4; margin: 16mm 14mm 18mm 14mm; }
html { font-family: "Vazirmatn", sans-serif; font-size: 10pt; color: #1d1f24; }
body { margin: 0; line-height: 1.55; }
h1 { font-size: 19pt; margin: 0 0 4pt; line-height: 1.3; }
h2 { font-size: 13.5pt; margin: 16pt 0 6pt; border-block-end: 1.5pt solid #7a2e2e; padding-block-end: 2pt; break-after: avoid; }
h3 { font-size: 11pt; margin: 10pt 0 4pt; break-after: avoid; }
p { margin: 4pt 0; }
table { border-collapse: collapse; width: 100%; font-size: 8.6pt; margin-block: 4pt; }
th, td { text-align: start; vertical-align: top; padding: 2.5pt 4pt; border-block-end: 0.5pt solid #cfcac0; }
th { background: #f3f1ec; font-weight: 700; }
thead { display: table-header-group; }
tr { break-inside: avoid; }
ul.acc-cites { margin: 0; padding-inline-start: 10pt; }
.muted { color: #555a64; }
.badge { display: inline-block; font-size: 7.5pt; font-weight: 700; padding: 0 4pt; border-radius: 6pt; border: 0.6pt solid currentColor; white-space: nowrap; }
.badge.confirmed { color: #2f6b3a; } .badge.probable { color: #1f4e8c; } .badge.possible { color: #8a5a00; } .badge.disputed { color: #a4262c; }
.badge.restricted { color: #a4262c; } .badge.staff { color: #7a5a00; } .badge.public { color: #2f6b3a; }
.notice { border-inline-start: 3pt solid #5b3f91; background: #f3effa; padding: 5pt 8pt; margin-block: 6pt; }
.seal { border: 1pt solid #7a2e2e; padding: 6pt 8pt; margin-block: 8pt; font-size: 9pt; }
.mono, .acc-ids, .hash { font-family: "DejaVu Sans Mono", monospace; font-size: 7.5pt; overflow-wrap: anywhere; direction: ltr; unicode-bidi: isolate; }
.acc-later td { background: #fdf0f0; }
.acc-later-mark { color: #7a2e2e; font-weight: 700; font-size: 8pt; }
svg { display: block; margin-block: 6pt; max-width: 100%; height: auto; }
q { display: block; font-style: italic; color: #4a4f5a; }
dl.summary { display: grid; grid-template-columns: max-content 1fr; gap: 2pt 10pt; margin: 6pt 0; }
dl.summary dt { font-weight: 700; }
dl.summary dd { margin: 0; }
`;

function Claims({ d, show }: { d: DossierData; show: Show }) {
  const order = Object.keys(PROPERTIES);
  // Posts and involvements have their own tables; the rest are listed here.
  const list = d.subjectClaims.filter((c) => c.property !== "membership" && c.property !== "involvement").sort((a, b) => order.indexOf(a.property) - order.indexOf(b.property) || (a.date?.earliest ?? "").localeCompare(b.date?.earliest ?? "") || a.id.localeCompare(b.id));
  return (
    <table>
      <thead>
        <tr>
          <th>{show.t("acc.col.value")}</th>
          <th>{show.t("acc.col.confidence")}</th>
          <th>{show.t("acc.col.sources")}</th>
        </tr>
      </thead>
      <tbody>
        {list.map((c) => (
          <tr>
            <td>
              {claimText(c, show, d.refs)}
              <div class="acc-ids">{c.id}</div>
            </td>
            <td>
              <Confidence c={c} show={show} /> <span class={`badge ${c.confidentiality}`}>{show.term("confidentiality", c.confidentiality)}</span>
            </td>
            <td>
              <Citations c={c} show={show} quotes />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Sources({ d, show }: { d: DossierData; show: Show }) {
  const used = new Set([...d.claims.values()].flatMap((c) => c.citations.map((s) => s.sourceId)));
  const list = [...d.records.values()].filter((r) => r.type === "source" && used.has(r.id)).sort((a, b) => a.id.localeCompare(b.id));
  return (
    <table>
      <thead>
        <tr>
          <th>{show.t("acc.col.source")}</th>
          <th>{show.t("acc.col.reliability")}</th>
          <th>{show.t("acc.col.date")}</th>
        </tr>
      </thead>
      <tbody>
        {list.map((r) => (
          <tr>
            <td>
              {show.name(d.refs.get(r.id))} <span class="muted">{r.kind ? `(${show.term("source_type", r.kind)})` : ""}</span>
              {typeof r.data.url === "string" ? <div class="mono">{r.data.url}</div> : null}
              <div class="acc-ids">{r.id}</div>
            </td>
            <td>{typeof r.data.reliability === "string" ? show.term("source_reliability", r.data.reliability) : ""}</td>
            <td>{r.date ? show.date(r.date) : ""}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Evidence({ evidence, show }: { evidence: EvidenceEntry[]; show: Show }) {
  if (!evidence.length) return <p class="muted">{show.t("acc.dossier.noEvidence")}</p>;
  return (
    <table>
      <thead>
        <tr>
          <th>{show.t("acc.col.item")}</th>
          <th>{show.t("acc.col.hash")}</th>
          <th>{show.t("acc.col.custody")}</th>
        </tr>
      </thead>
      <tbody>
        {evidence.map((e) => (
          <tr>
            <td>
              <div class="mono">{e.item.id}</div>
              {e.item.title ? <div>{e.item.title}</div> : null}
              <div class="muted">{`${e.item.original.mediaType}, ${e.item.original.size} B`}</div>
              {e.item.sourceUrl ? <div class="mono">{e.item.sourceUrl}</div> : null}
              <div class="muted">{e.sourceIds.map((s) => show.name(show.sources.get(s))).join("; ")}</div>
            </td>
            <td class="hash">{e.item.original.digest}</td>
            <td>
              <ul class="acc-cites">
                {e.custody.map(({ index, event }) => (
                  <li>
                    <span class="mono">{`#${index} ${event.at}`}</span> {`${event.type}: ${event.method}; ${event.actor}; ${event.tool.name} ${event.tool.version}`}
                    {event.sourceUrl ? <span class="mono">{` ${event.sourceUrl}`}</span> : null}
                  </li>
                ))}
              </ul>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The dossier as one HTML document, ready for Chromium to print. */
export function dossierHtml(d: DossierData, evidence: EvidenceEntry[], seal: Seal, terms: TermLabel): string {
  const sources = new Map<string, Ref>([...d.refs].filter(([, r]) => r.type === "source"));
  const show = makeShow(d.lang, terms, sources);
  const t = show.t;
  const name = show.name(d.subject);
  const involvements = d.career?.involvements ?? d.event?.involvements ?? [];
  const postings = d.career?.postings ?? [];
  const sourceCount = new Set([...d.claims.values()].flatMap((c) => c.citations.map((s) => s.sourceId))).size;
  const single = d.single;
  const page = (
    <html lang={d.lang} dir={dirOf(d.lang)}>
      <head>
        <meta charset="utf-8" />
        <title>{t("acc.dossier.title", { name })}</title>
        {/* Our own constant stylesheet, never user text: text children would be escaped into broken CSS. */}
        <style dangerouslySetInnerHTML={{ __html: fontFaces() + STYLE }} />
      </head>
      <body>
        <h1>{t("acc.dossier.title", { name })}</h1>
        <p>
          <strong>{t("acc.dossier.profile", { profile: t(`acc.dossier.profile.${d.profile}`) })}</strong>
        </p>
        <p class="muted">{t("acc.dossier.built", { at: ltr(d.builtAt), by: ltr(d.builtBy) })}</p>
        {d.synthetic ? <p class="notice">{t("acc.synthetic")}</p> : null}
        <div class="seal">
          <div>{t("acc.dossier.checkpoint", { origin: ltr(seal.origin), size: seal.size, root: ltr(seal.root) })}</div>
          <div class="hash">{`checkpoint ${seal.origin} ${seal.size} ${seal.root}`}</div>
          <div>{t("acc.dossier.bundleHash", { hash: "" })}</div>
          <div class="hash">{seal.bundleSha256}</div>
          <div>{t("acc.dossier.recordsHash", { hash: "" })}</div>
          <div class="hash">{`${seal.recordsSha256} (${seal.recordsItemId})`}</div>
        </div>

        <h2>{t("acc.dossier.summary")}</h2>
        <p>{t("acc.dossier.counts", { acts: d.event ? d.event.acts.length : involvements.length, posts: postings.length, claims: d.claims.size, sources: sourceCount, items: evidence.length })}</p>
        {d.withheld ? <p>{t("acc.dossier.withheld", { n: d.withheld })}</p> : null}
        <p>{`${t("acc.consistency.contradictions", { n: d.contradictions.length })} · ${t("acc.consistency.single", { n: single.length })}`}</p>

        {d.career ? (
          <>
            <h2>{t("acc.timeline.title")}</h2>
            <TimelineSvg career={d.career} show={show} idPrefix="dossier-tl" />
            <p class="muted">{t("acc.timeline.legend")}</p>
            <h2>{t("acc.career.posts")}</h2>
            <CareerTable postings={postings} later={d.career.laterPostingIds} show={show} />
          </>
        ) : null}

        {d.chain ? (
          <>
            <h2>{t("acc.chain.title", { date: show.date(d.chain.at) })}</h2>
            <ChainSvg chain={d.chain} show={show} idPrefix="dossier-chain" />
            <ChainTable chain={d.chain} show={show} names={d.refs} />
          </>
        ) : null}

        <h2>{d.kind === "event" ? t("acc.involvement.officials") : t("acc.involvement.title")}</h2>
        <InvolvementTable involvements={involvements} show={show} mode={d.kind === "event" ? "event" : "official"} />

        {d.event ? (
          <>
            <h2>{t("acc.dossier.acts")}</h2>
            <ActsTable acts={d.event.acts} show={show} />
          </>
        ) : null}

        <h2>{t("acc.dossier.claims", { name })}</h2>
        <Claims d={d} show={show} />

        <h2>{t("acc.consistency.title")}</h2>
        <ConsistencyLists single={single} contradictions={d.contradictions} show={show} names={d.refs} claims={d.claims} />

        <h2>{t("acc.dossier.sources")}</h2>
        <Sources d={d} show={show} />

        <h2>{t("acc.dossier.evidence")}</h2>
        <Evidence evidence={evidence} show={show} />

        <h2>{t("acc.dossier.verify")}</h2>
        <p>{t("acc.dossier.verifyText", { file: ltr(seal.bundleFile) })}</p>
      </body>
    </html>
  );
  return renderPage(page);
}
