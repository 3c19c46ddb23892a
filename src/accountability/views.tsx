import { PROPERTIES, type Claim } from "../records/index.ts";
import type { Act, CommandChain, Contradiction, Involvement, Posting, Ref } from "./model.ts";
import type { Show } from "./show.ts";

const VOCAB_OF: Record<string, string> = { act: "act_type", involvement: "involvement_degree", membership: "post_role", sex: "sex", charge: "charge", event_relation: "event_relation" };

/** A claim in one line for a reader: what, its term and value, what it points to, when. */
export function claimText(c: Claim, show: Show, names: Map<string, Ref>): string {
  const spec = PROPERTIES[c.property];
  const what = spec ? spec.label[show.lang] : c.property;
  const term = c.term && VOCAB_OF[c.property] ? show.term(VOCAB_OF[c.property]!, c.term) : (c.term ?? "");
  const value = c.valueText ?? "";
  const obj = c.objectId && names.has(c.objectId) ? show.name(names.get(c.objectId)) : "";
  const place = c.placeId && names.has(c.placeId) ? show.name(names.get(c.placeId)) : "";
  const parts = [what + (term ? `: ${term}` : ""), value, obj && `${show.lang === "fa" ? "←" : "→"} ${obj}`, place && `@ ${place}`, c.date ? `(${show.date(c.date)})` : ""].filter(Boolean);
  return parts.join(" ");
}

export function Confidence({ c, show }: { c: Claim; show: Show }) {
  return <span class={`badge ${c.confidence}`}>{show.term("confidence", c.confidence)}</span>;
}

/** The sources a claim cites, each with where in it, by name. */
export function Citations({ c, show, quotes = false }: { c: Claim; show: Show; quotes?: boolean }) {
  return (
    <ul class="acc-cites">
      {c.citations.map((s) => (
        <li>
          <span class="acc-source">{show.name(show.sources.get(s.sourceId))}</span>
          {s.locator ? <span class="muted">{`, ${s.locator}`}</span> : null}
          {s.reliability ? <span class="muted">{` · ${show.term("source_reliability", s.reliability)}`}</span> : null}
          {s.connection ? <span class="muted">{` · ${show.term("source_connection", s.connection)}`}</span> : null}
          {quotes && s.quote ? <q>{s.quote}</q> : null}
        </li>
      ))}
    </ul>
  );
}

function Name({ r, show }: { r: Ref | null | undefined; show: Show }) {
  const text = show.name(r);
  const href = r && show.href ? show.href(r) : null;
  return href ? <a href={href}>{text}</a> : <span>{text}</span>;
}

export function CareerTable({ postings, later, show }: { postings: Posting[]; later: string[]; show: Show }) {
  if (!postings.length) return <p class="muted">{show.t("acc.career.none")}</p>;
  const after = new Set(later);
  return (
    <table class="acc-career">
      <thead>
        <tr>
          <th>{show.t("acc.col.role")}</th>
          <th>{show.t("acc.col.organisation")}</th>
          <th>{show.t("acc.col.dates")}</th>
          <th>{show.t("acc.col.confidence")}</th>
          <th>{show.t("acc.col.sources")}</th>
        </tr>
      </thead>
      <tbody>
        {postings.map((p) => (
          <tr class={after.has(p.claim.id) ? "acc-later" : undefined} id={p.claim.id}>
            <td>
              {show.term("post_role", p.role)}
              {p.claim.valueText ? <div class="muted">{p.claim.valueText}</div> : null}
              {after.has(p.claim.id) ? <div class="acc-later-mark">{show.t("acc.career.later")}</div> : null}
            </td>
            <td>
              {p.post ? (
                <>
                  <Name r={p.post} show={show} />
                  {p.organisation ? <div class="muted">{show.name(p.organisation)}</div> : null}
                </>
              ) : (
                <Name r={p.organisation} show={show} />
              )}
            </td>
            <td>{show.date(p.claim.date)}</td>
            <td>
              <Confidence c={p.claim} show={show} />
            </td>
            <td>
              <Citations c={p.claim} show={show} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Involvements, one row each: for an official their acts, for an event the officials (mode "event"). */
export function InvolvementTable({ involvements, show, mode, limit }: { involvements: Involvement[]; show: Show; mode: "official" | "event"; limit?: number }) {
  if (!involvements.length) return <p class="muted">{show.t("acc.involvement.none")}</p>;
  const rows = limit !== undefined ? involvements.slice(0, limit) : involvements;
  return (
    <table class="acc-involvement">
      <thead>
        <tr>
          {mode === "event" ? <th>{show.t("acc.col.actor")}</th> : null}
          <th>{show.t("acc.col.degree")}</th>
          <th>{show.t("acc.col.act")}</th>
          <th>{show.t("acc.col.victim")}</th>
          <th>{show.t("acc.col.date")}</th>
          <th>{show.t("acc.col.place")}</th>
          {mode === "official" ? <th>{show.t("acc.col.event")}</th> : null}
          <th>{show.t("acc.col.confidence")}</th>
          <th>{show.t("acc.col.sources")}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((i) => (
          <tr id={i.claim.id}>
            {mode === "event" ? (
              <td>
                <Name r={i.actor} show={show} />
              </td>
            ) : null}
            <td>{show.term("involvement_degree", i.claim.term)}</td>
            <td>{show.term("act_type", i.act.claim.term)}</td>
            <td>{show.name(i.act.victim)}</td>
            <td>{show.date(i.act.claim.date)}</td>
            <td>{i.act.place ? show.name(i.act.place) : ""}</td>
            {mode === "official" ? <td>{i.act.event ? <Name r={i.act.event} show={show} /> : ""}</td> : null}
            <td>
              <Confidence c={i.claim} show={show} />
            </td>
            <td>
              <Citations c={i.claim} show={show} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The acts of an event, one victim each, with sources and confidence. */
export function ActsTable({ acts, show }: { acts: Act[]; show: Show }) {
  return (
    <table class="acc-acts">
      <thead>
        <tr>
          <th>{show.t("acc.col.act")}</th>
          <th>{show.t("acc.col.victim")}</th>
          <th>{show.t("acc.col.date")}</th>
          <th>{show.t("acc.col.place")}</th>
          <th>{show.t("acc.col.confidence")}</th>
          <th>{show.t("acc.col.sources")}</th>
        </tr>
      </thead>
      <tbody>
        {acts.map((a) => (
          <tr id={a.claim.id}>
            <td>{show.term("act_type", a.claim.term)}</td>
            <td>{show.name(a.victim)}</td>
            <td>{show.date(a.claim.date)}</td>
            <td>{a.place ? show.name(a.place) : ""}</td>
            <td>
              <Confidence c={a.claim} show={show} />
            </td>
            <td>
              <Citations c={a.claim} show={show} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

interface Node {
  id: string;
  ref: Ref;
  role: string;
  org: string;
  level: number;
}

/** Levels of a command graph: the top has no one above; each person sits one below their lowest superior. */
export function chainLevels(chain: CommandChain): Map<string, number> {
  const people = new Set([chain.focus.id, ...chain.seats.map((s) => s.person.id), ...chain.links.flatMap((l) => [l.superior, l.subordinate])]);
  const level = new Map<string, number>([...people].map((p) => [p, 0]));
  // Longest path from the top, bounded so that a cycle in bad data cannot loop.
  for (let round = 0; round < people.size; round++) {
    let changed = false;
    for (const l of chain.links) {
      const want = (level.get(l.superior) ?? 0) + 1;
      if (want > (level.get(l.subordinate) ?? 0)) {
        level.set(l.subordinate, want);
        changed = true;
      }
    }
    if (!changed) break;
  }
  return level;
}

/** The command chain as a layered SVG diagram: superiors above, dashed links where only possible. */
export function ChainSvg({ chain, show, idPrefix = "chain", maxPerLevel = 8 }: { chain: CommandChain; show: Show; idPrefix?: string; maxPerLevel?: number }) {
  const levels = chainLevels(chain);
  const seatOf = new Map(chain.seats.map((s) => [s.person.id, s]));
  const nodes: Node[] = [];
  for (const [id, level] of levels) {
    const seat = seatOf.get(id);
    const ref = seat?.person ?? (id === chain.focus.id ? chain.focus : undefined);
    if (!ref) continue;
    nodes.push({ id, ref, role: seat ? show.term("post_role", seat.role) : "", org: seat ? show.name(seat.post ?? seat.organisation) : "", level });
  }
  const byLevel = new Map<number, Node[]>();
  for (const n of nodes.sort((a, b) => a.org.localeCompare(b.org) || show.name(a.ref).localeCompare(show.name(b.ref)))) byLevel.set(n.level, [...(byLevel.get(n.level) ?? []), n]);
  const boxW = 210;
  const boxH = 58;
  const gapX = 16;
  const gapY = 46;
  const maxN = Math.min(maxPerLevel, Math.max(1, ...[...byLevel.values()].map((l) => l.length)));
  const W = Math.max(480, maxN * (boxW + gapX) + gapX);
  const depth = Math.max(0, ...byLevel.keys()) + 1;
  const H = depth * (boxH + gapY) + 10;
  const rtl = show.lang === "fa";
  const pos = new Map<string, { x: number; y: number }>();
  const hidden: { x: number; y: number; n: number }[] = [];
  for (const [level, list] of byLevel) {
    // A crowded level shows its first people and says how many more there are.
    const over = list.length > maxPerLevel;
    const row = over ? list.slice(0, maxPerLevel - 1) : list;
    const slots = over ? maxPerLevel : row.length;
    const x0 = (W - (slots * (boxW + gapX) - gapX)) / 2;
    const at = (i: number): number => {
      const px = x0 + i * (boxW + gapX);
      return rtl ? W - px - boxW : px;
    };
    const y = 10 + level * (boxH + gapY);
    row.forEach((n, i) => pos.set(n.id, { x: at(i), y }));
    if (over) hidden.push({ x: at(maxPerLevel - 1), y, n: list.length - row.length });
  }
  const clip = (s: string, n: number): string => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
  const titleId = `${idPrefix}-title`;
  const descId = `${idPrefix}-desc`;
  return (
    <svg xmlns="http://www.w3.org/2000/svg" viewBox={`0 0 ${W} ${H}`} width={W} height={H} role="img" aria-labelledby={`${titleId} ${descId}`} class="acc-chain" direction={rtl ? "rtl" : "ltr"}>
      <title id={titleId}>{show.t("acc.chain.title", { date: show.date(chain.at) })}</title>
      <desc id={descId}>{show.t("acc.chain.desc", { date: show.date(chain.at), n: chain.links.length })}</desc>
      <defs>
        <marker id={`${idPrefix}-arrow`} viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
          <path d="M 0 0 L 10 5 L 0 10 z" fill="#4a4f5a" />
        </marker>
      </defs>
      <rect x="0" y="0" width={W} height={H} fill="#ffffff" />
      {chain.links.map((l) => {
        const a = pos.get(l.superior);
        const b = pos.get(l.subordinate);
        if (!a || !b) return null;
        return <line x1={a.x + boxW / 2} y1={a.y + boxH} x2={b.x + boxW / 2} y2={b.y} stroke="#4a4f5a" stroke-width="1.5" stroke-dasharray={l.holds === "possibly" ? "5 4" : undefined} marker-end={`url(#${idPrefix}-arrow)`} />;
      })}
      {nodes.map((n) => {
        const p = pos.get(n.id);
        if (!p) return null;
        const focus = n.id === chain.focus.id;
        const cx = p.x + boxW / 2;
        return (
          <g>
            <rect x={p.x} y={p.y} width={boxW} height={boxH} rx="5" fill={focus ? "#fdf0f0" : "#f3f1ec"} stroke={focus ? "#7a2e2e" : "#dedad2"} stroke-width={focus ? "2" : "1"} />
            <text x={cx} y={p.y + 19} font-size="12.5" font-weight="700" text-anchor="middle" fill="#1d1f24">
              {clip(show.name(n.ref), 30)}
            </text>
            <text x={cx} y={p.y + 35} font-size="11" text-anchor="middle" fill="#4a4f5a">
              {clip(n.role, 34)}
            </text>
            <text x={cx} y={p.y + 50} font-size="10.5" text-anchor="middle" fill="#4a4f5a">
              {clip(n.org, 36)}
            </text>
          </g>
        );
      })}
      {hidden.map((h) => (
        <text x={h.x + boxW / 2} y={h.y + boxH / 2} font-size="12" text-anchor="middle" fill="#4a4f5a">
          {show.t("acc.chain.more", { n: h.n })}
        </text>
      ))}
    </svg>
  );
}

/** The same links as a table, each with the claims and sources it rests on. */
export function ChainTable({ chain, show, names }: { chain: CommandChain; show: Show; names: Map<string, Ref> }) {
  if (!chain.links.length) return <p class="muted">{show.t("acc.chain.none")}</p>;
  return (
    <table class="acc-chain-table">
      <thead>
        <tr>
          <th>{show.t("acc.col.superior")}</th>
          <th>{show.t("acc.col.subordinate")}</th>
          <th>{show.t("acc.col.via")}</th>
          <th>{show.t("acc.col.certainty")}</th>
          <th>{show.t("acc.col.sources")}</th>
        </tr>
      </thead>
      <tbody>
        {chain.links.map((l) => (
          <tr>
            <td>
              <Name r={names.get(l.superior)} show={show} />
            </td>
            <td>
              <Name r={names.get(l.subordinate)} show={show} />
            </td>
            <td>{l.via.map((o) => show.name(chain.organisations.get(o))).join(show.lang === "fa" ? " ← " : " → ")}</td>
            <td>{show.t(`acc.holds.${l.holds}`)}</td>
            <td>
              {l.sources.length ? (
                <ul class="acc-cites">
                  {l.sources.map((s) => (
                    <li>{show.name(show.sources.get(s))}</li>
                  ))}
                </ul>
              ) : (
                <span class="muted">{show.t("acc.nosource")}</span>
              )}
              <div class="muted acc-ids">{l.basis.join(" ")}</div>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Single-source claims and contradictions, listed in full: weaknesses are shown, not hidden. */
export function ConsistencyLists({ single, contradictions, show, names, claims }: { single: Claim[]; contradictions: Contradiction[]; show: Show; names: Map<string, Ref>; claims: Map<string, Claim> }) {
  return (
    <div class="acc-consistency">
      <h3>{show.t("acc.consistency.contradictions", { n: contradictions.length })}</h3>
      {contradictions.length ? (
        <table>
          <thead>
            <tr>
              <th>{show.t("acc.col.claim")}</th>
              <th>{show.t("acc.col.reason")}</th>
            </tr>
          </thead>
          <tbody>
            {contradictions.map((x) => (
              <tr>
                <td>
                  {x.claimIds.map((id) => {
                    const c = claims.get(id);
                    return <div>{c ? `${show.name(names.get(c.subjectId))}: ${claimText(c, show, names)}` : id}</div>;
                  })}
                </td>
                <td>{x.reason}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p class="muted">{show.t("acc.consistency.none")}</p>
      )}
      <h3>{show.t("acc.consistency.single", { n: single.length })}</h3>
      {single.length ? (
        <table>
          <thead>
            <tr>
              <th>{show.t("acc.col.claim")}</th>
              <th>{show.t("acc.col.source")}</th>
            </tr>
          </thead>
          <tbody>
            {single.map((c) => (
              <tr>
                <td>{`${show.name(names.get(c.subjectId))}: ${claimText(c, show, names)}`}</td>
                <td>{show.name(show.sources.get(c.citations[0]?.sourceId ?? ""))}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p class="muted">{show.t("acc.consistency.none")}</p>
      )}
    </div>
  );
}
