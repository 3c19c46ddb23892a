import { makeCtx, PUBLIC } from "../core/context.ts";
import { VigilError } from "../core/errors.ts";
import { termLabels, type Claim } from "../records/index.ts";
import type { Store } from "../store/index.ts";
import { extraAssets, type Lang } from "../web/index.ts";
import { publicCareerOf, refs } from "./careers.ts";
import { commandChainWith } from "./command.ts";
import { contradictions, singleSource } from "./consistency.ts";
import { PUBLIC_LENS } from "./lens.ts";
import { Loader } from "./loader.ts";
import type { Career, Ref } from "./model.ts";
import type { CareerPageData } from "./pages.tsx";
import { presentPublicCareer } from "./public-presenter.ts";
import { makeShow, type Show } from "./show.ts";

extraAssets.set("accountability.css", new URL("./assets/accountability.css", import.meta.url));

/** Names of everything a career mentions, and its claims, for the tables. */
export async function careerPageData(loader: Loader, career: Career, withChain: boolean, at?: string): Promise<CareerPageData> {
  const claims = new Map<string, Claim>();
  for (const p of career.postings) claims.set(p.claim.id, p.claim);
  for (const i of career.involvements) {
    claims.set(i.claim.id, i.claim);
    claims.set(i.act.claim.id, i.act.claim);
  }
  const first = at ?? career.involvements.map((i) => i.act.claim.date).find((d) => d?.earliest);
  const chain = withChain && first ? await commandChainWith(loader, career.person.id, first) : null;
  const ids = new Set<string>([career.person.id]);
  for (const c of claims.values()) [c.subjectId, c.objectId ?? "", c.placeId ?? "", ...c.citations.map((s) => s.sourceId)].filter(Boolean).forEach((id) => ids.add(id));
  for (const l of chain?.links ?? []) [l.superior, l.subordinate, ...l.sources].forEach((id) => ids.add(id));
  const names: Map<string, Ref> = await refs(loader, ids);
  const all = [...claims.values()];
  return { career, chain, names, claims, single: singleSource(all), contradictions: contradictions(all) };
}

/** A public career page's content, for the memorial to show in its own pages. */
export interface PublicOfficialView {
  data: CareerPageData;
  show: Show;
}

/**
 * The public career and involvement of an official (public claims of
 * published records only, through the public lens and the public
 * presenter), or undefined when there is no such page. The memorial serves
 * it at `/{lang}/officials/{id}` in its own chrome; `officialHref` says where
 * another official's page is (a path on the server, a file in the mirror).
 */
export async function publicOfficialView(store: Store, lang: Lang, id: string, officialHref: (id: string) => string): Promise<PublicOfficialView | undefined> {
  const ctx = makeCtx(store, PUBLIC);
  let career: Career;
  try {
    career = presentPublicCareer(await publicCareerOf(ctx, id));
  } catch (e) {
    if (e instanceof VigilError && e.code === "not_found") return undefined;
    throw e;
  }
  const loader = new Loader(ctx, PUBLIC_LENS);
  const data = await careerPageData(loader, career, true);
  if (data.chain) {
    // The chain was read through the public lens; present its claims the same strict way.
    for (const c of data.chain.claims.values()) if (c.confidentiality !== "public") throw new Error(`claim ${c.id} is not public`);
  }
  const sources = new Map([...data.names].filter(([, r]) => r.type === "source"));
  const show = makeShow(lang, await termLabels(ctx), sources, (r) => (r.type === "person" && r.id !== career.person.id && data.chain?.links.some((l) => l.superior === r.id || l.subordinate === r.id) ? officialHref(r.id) : null));
  return { data, show };
}
