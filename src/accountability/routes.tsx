import type { FastifyPluginAsync } from "fastify";
import { makeCtx, PUBLIC } from "../core/context.ts";
import { VigilError } from "../core/errors.ts";
import { termLabels, type Claim } from "../records/index.ts";
import { extraAssets, isLang, renderPage } from "../web/index.ts";
import { publicCareerOf, refs } from "./careers.ts";
import { commandChainWith } from "./command.ts";
import { contradictions, singleSource } from "./consistency.ts";
import { PUBLIC_LENS } from "./lens.ts";
import { Loader } from "./loader.ts";
import type { Career, Ref } from "./model.ts";
import { PublicOfficialPage, type CareerPageData } from "./pages.tsx";
import { presentPublicCareer } from "./public-presenter.ts";
import { makeShow } from "./show.ts";

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

/**
 * Public career and involvement pages for officials: `/{lang}/officials/{id}`,
 * public claims of published records only, in Persian and English.
 */
export const accountabilityRoutes: FastifyPluginAsync = async (app) => {
  app.get<{ Params: { lang: string; id: string } }>("/:lang/officials/:id", async (req, reply) => {
    const { lang, id } = req.params;
    if (!isLang(lang) || !/^[a-z]{3}_[A-Za-z0-9_-]{1,64}$/.test(id)) return reply.code(404).type("text/plain").send("not found");
    const ctx = makeCtx(app.deps.store, PUBLIC);
    let career: Career;
    try {
      career = presentPublicCareer(await publicCareerOf(ctx, id));
    } catch (e) {
      if (e instanceof VigilError && e.code === "not_found") return reply.code(404).type("text/plain").send("not found");
      throw e;
    }
    const loader = new Loader(ctx, PUBLIC_LENS);
    const data = await careerPageData(loader, career, true);
    if (data.chain) {
      // The chain was read through the public lens; present its claims the same strict way.
      for (const c of data.chain.claims.values()) if (c.confidentiality !== "public") throw new Error(`claim ${c.id} is not public`);
    }
    const sources = new Map([...data.names].filter(([, r]) => r.type === "source"));
    const show = makeShow(lang, await termLabels(ctx), sources, (r) => (r.type === "person" && r.id !== career.person.id && data.chain?.links.some((l) => l.superior === r.id || l.subordinate === r.id) ? `/${lang}/officials/${r.id}` : null));
    const html = renderPage(<PublicOfficialPage data={data} show={show} lang={lang} otherLangHref={`/${lang === "fa" ? "en" : "fa"}/officials/${id}`} />);
    return reply.type("text/html; charset=utf-8").header("cache-control", "public, max-age=300").send(html);
  });
};
