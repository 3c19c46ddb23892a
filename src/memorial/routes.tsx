import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from "fastify";
import multipart from "@fastify/multipart";
import type { VNode } from "preact";
import { makeCtx, PUBLIC } from "../core/context.ts";
import { VigilError } from "../core/errors.ts";
import { termLabels } from "../records/index.ts";
import { isLang, renderPage, translator, type Lang } from "../web/index.ts";
import { vaultEvidence, type EvidencePort } from "./evidence.ts";
import { Freshness, freshnessOfStore, PageCache } from "./freshness.ts";
import { Buckets, checkPow, checkToken, formSecret, sameOrigin, tokenIssuer, visitorKeyer } from "./guard.ts";
import { serverLinks } from "./links.ts";
import { makePageCtx, type PageCtx } from "./pages/common.tsx";
import { AboutPage, MessagePage, RootPage } from "./pages/lists.tsx";
import { FollowUpPage, TestimonyPage, TestimonyReceipt } from "./pages/testimony.tsx";
import type { FormState } from "./pages/tributes.tsx";
import { mergedTarget, parseSearchParams, publicIds, publicRecord } from "./presenters/index.ts";
import { buildPage, evidenceFor, type PageKind } from "./render.tsx";
import { localRenderer, type Html, type PublicRenderer, type Rendered } from "./public-renderer.tsx";
import { RenderPool, renderPoolOfStore } from "./render-pool.ts";
import { memorialDb } from "./schema.ts";
import { LIMITS, addFollowUp, discardUploads, loadPublicKey, readFollowUp, saveTestimony, sealUpload, validateTestimony, type SealedFile, type TestimonyFields } from "./testimony/intake.ts";
import { newCodename } from "./testimony/codename.ts";
import { newSecret } from "./testimony/crypto.ts";
import { submitPost, validatePost } from "./tributes.ts";

export interface MemorialOptions {
  /** How often to look for changed records (ms). */
  freshnessMs?: number;
  evidence?: EvidencePort;
}

const HTML = "text/html; charset=utf-8";

/** Not a memorial path (an unknown language): the app's own not-found answer. */
function passOn(reply: FastifyReply): FastifyReply {
  reply.callNotFound();
  return reply;
}
const ID = /^[a-z]{3}_[0-9a-z_]{1,60}$/;

/** The public memorial: /, /fa/…, /en/…, and the forms for tributes and testimony. Staff pages are in staff.tsx, inside the workspace. */
export const memorialRoutes: FastifyPluginAsync<MemorialOptions> = async (app, opts) => {
  const { store, config } = app.deps;
  const db = memorialDb(store.db);
  const freshness = new Freshness(db, opts.freshnessMs ?? 1000);
  const cache = new PageCache(8000);
  const searchCache = new PageCache(2000);
  const evidence = opts.evidence ?? vaultEvidence(store);
  // Pages every visitor sees alike are built on every core; a test's own evidence port cannot cross into a thread.
  const local = localRenderer(store, evidence);
  const pool = config.memorialThreads > 0 && !opts.evidence ? new RenderPool(store, config.memorialThreads, local, (m) => app.log.error(m)) : undefined;
  if (pool) renderPoolOfStore.set(store, pool);
  const renderer: PublicRenderer = pool ?? local;
  app.addHook("onClose", () => renderer.close());
  // Indexes are read now, so that the first visitor's search does not wait seconds; a failure shows again on that search.
  renderer.warm().catch(() => {});
  // Pages built while a change was being noticed may hold what the change took away: they are sent, never kept.
  let generation = 0;
  freshness.onChange(() => {
    generation++;
    cache.clear();
    searchCache.clear();
    renderer.changed();
  });
  let secret: Buffer | undefined;
  const formKey = (): Buffer => (secret ??= formSecret(store.dataDir));
  const tokenFor = tokenIssuer(formKey);
  const keyOf = visitorKeyer();
  const globalPosts = new Buckets(60, 60);
  const visitorPosts = new Buckets(5, 2);
  const powPosts = new Buckets(20, 10);
  const testimonyBucket = new Buckets(30, 20);
  const followUpTries = new Buckets(10, 1);
  app.decorate("memorialFreshness", freshness);
  freshnessOfStore.set(store, freshness);

  const terms = async (): Promise<(v: string, c: string | null, lang: Lang) => string> => termLabels(makeCtx(store, PUBLIC));
  const pageCtx = async (lang: Lang, path: string): Promise<PageCtx> => makePageCtx(lang, serverLinks(), path, await terms());

  /** What to send of a page; bytes lent by a render thread go back when the response is over, sent or cut off. */
  const bodyOf = (reply: FastifyReply, html: Html): string | Buffer => {
    if (typeof html === "string") return html;
    reply.raw.once("close", html.release);
    return html.bytes;
  };

  const send = (reply: FastifyReply, status: number, html: string | Buffer, cacheable: boolean): FastifyReply =>
    reply
      .code(status)
      .type(HTML)
      .header("cache-control", cacheable ? "public, max-age=60" : "no-store")
      .send(html);

  const notFoundPage = async (reply: FastifyReply, lang: Lang): Promise<FastifyReply> => {
    const ctx = await pageCtx(lang, "");
    return send(reply, 404, renderPage(<MessagePage ctx={ctx} title={ctx.t("memorial.notFound.title")}><p>{ctx.t("memorial.notFound.text")}</p><p><a href={ctx.links.page(lang, "")}>{ctx.t("memorial.notFound.home")}</a></p></MessagePage>), false);
  };

  const message = async (reply: FastifyReply, lang: Lang, status: number, titleKey: string, textKey: string): Promise<FastifyReply> => {
    const ctx = await pageCtx(lang, "");
    return send(reply, status, renderPage(<MessagePage ctx={ctx} title={ctx.t(titleKey)}><p>{ctx.t(textKey)}</p></MessagePage>), false);
  };

  /** Renders a public page, from the cache when the records have not changed since it was made. */
  const publicPage = async (req: FastifyRequest, reply: FastifyReply, lang: string, kind: PageKind, id: string | undefined, page: number, state?: FormState): Promise<FastifyReply> => {
    if (!isLang(lang)) return passOn(reply);
    await freshness.check();
    const key = `${lang}|${kind}|${id ?? ""}|${page}`;
    const cacheable = !state;
    if (cacheable) {
      const hit = cache.get(key);
      if (hit) return send(reply, hit.status, hit.body, true);
    }
    if (id !== undefined && !ID.test(id)) return notFoundPage(reply, lang);
    const token = tokenFor("post");
    const builtIn = generation;
    let rendered: Rendered;
    if (state) {
      // A form sent back with its problems: this visitor's own page, built here and never cached.
      const vnode = await buildPage(store, await pageCtx(lang, ""), kind, id, page, { token, state, evidence });
      const to = vnode || !id ? undefined : await mergedTarget(db, id);
      rendered = vnode ? { kind: "html", html: renderPage(vnode) } : to ? { kind: "moved", to } : { kind: "missing" };
    } else {
      rendered = await renderer.page(lang, kind, id, page, token);
    }
    if (rendered.kind === "moved" && id) return reply.code(301).header("cache-control", "public, max-age=60").redirect(req.url.replace(id, rendered.to), 301);
    if (rendered.kind !== "html") return notFoundPage(reply, lang);
    const body = bodyOf(reply, rendered.html);
    if (cacheable && builtIn === generation) cache.set(key, { body, status: 200 });
    return send(reply, state && Object.keys(state.errors).length ? 400 : 200, body, cacheable);
  };

  const pageNumber = (q: unknown): number => {
    const raw = (q as { page?: unknown }).page;
    const p = Number.parseInt(typeof raw === "string" ? raw : "1", 10);
    return Number.isFinite(p) && p >= 1 && p <= 100_000 ? p - 1 : 0;
  };

  app.get("/", async (_req, reply) => send(reply, 200, renderPage(<RootPage links={serverLinks()} />), true));
  app.get<{ Params: { lang: string } }>("/:lang", async (req, reply) => (isLang(req.params.lang) ? reply.redirect(`/${req.params.lang}/`, 301) : passOn(reply)));
  app.get<{ Params: { lang: string } }>("/:lang/", async (req, reply) => publicPage(req, reply, req.params.lang, "home", undefined, 0));
  for (const [path, kind] of [
    ["events", "events"],
    ["places", "places"],
    ["sources", "sources"],
    ["statements", "statements"],
    ["at-risk", "at-risk"],
    ["trends", "trends"],
  ] as const) {
    app.get<{ Params: { lang: string } }>(`/:lang/${path}`, async (req, reply) => publicPage(req, reply, req.params.lang, kind, undefined, 0));
  }
  app.get<{ Params: { lang: string } }>("/:lang/about", async (req, reply) => {
    if (!isLang(req.params.lang)) return passOn(reply);
    return send(reply, 200, renderPage(<AboutPage ctx={await pageCtx(req.params.lang, "about")} />), true);
  });

  const tributeState = (q: Record<string, unknown>): FormState | undefined => {
    if (q.tribute === "held") return { values: {}, errors: {}, held: true };
    if (typeof q.reply === "string" && /^mpo_[0-9a-f]{24}$/.test(q.reply)) return { values: {}, errors: {}, replyTo: q.reply };
    return undefined;
  };

  for (const [path, kind] of [
    ["people", "person"],
    ["events", "event"],
    ["places", "place"],
    ["sources", "source"],
    ["organisations", "organisation"],
  ] as const) {
    app.get<{ Params: { lang: string; id: string }; Querystring: Record<string, unknown> }>(`/:lang/${path}/:id`, async (req, reply) => {
      const state = kind === "person" || kind === "event" ? tributeState(req.query) : undefined;
      if (state?.held) {
        // The "held for moderation" page is the same for everyone: cache it too.
        return publicPage(req, reply, req.params.lang, kind, req.params.id, pageNumber(req.query), state);
      }
      return publicPage(req, reply, req.params.lang, kind, req.params.id, pageNumber(req.query), state);
    });
  }

  // Officials' public careers and involvement: read and presented by the accountability module, shown in the memorial's chrome.
  app.get<{ Params: { lang: string; id: string } }>("/:lang/officials/:id", async (req, reply) => publicPage(req, reply, req.params.lang, "official", req.params.id, 0));

  app.get<{ Params: { lang: string }; Querystring: Record<string, unknown> }>("/:lang/search", async (req, reply) => {
    const lang = req.params.lang;
    if (!isLang(lang)) return passOn(reply);
    await freshness.check();
    const params = parseSearchParams(req.query);
    const key = `${lang}|search|${params.q}|${JSON.stringify(params.filter)}|${params.page}`;
    const hit = searchCache.get(key);
    if (hit) return send(reply, 200, hit.body, true);
    const builtIn = generation;
    const body = bodyOf(reply, await renderer.search(lang, params));
    if (builtIn === generation) searchCache.set(key, { body, status: 200 });
    return send(reply, 200, body, true);
  });

  app.get<{ Params: { digest: string; source: string } }>("/media/:source/:digest", async (req, reply) => {
    const { source, digest } = req.params;
    const clean = digest.replace(/\.jpg$/, "");
    if (!ID.test(source) || !/^sha256:[0-9a-f]{64}$/.test(clean) || !(await publicIds(db, [source])).has(source)) return reply.code(404).type("text/plain").send("not found");
    const copy = await evidence.publicCopy(clean, [source]);
    if (!copy) return reply.code(404).type("text/plain").send("not found");
    return reply.type(copy.mediaType).header("cache-control", "public, max-age=86400, immutable").send(copy.body);
  });

  // Tributes and comments: a plain form, held for moderation.
  for (const [path, kind, type] of [
    ["people", "person", "tribute"],
    ["events", "event", "comment"],
  ] as const) {
    app.post<{ Params: { lang: string; id: string }; Body: Record<string, unknown> }>(`/:lang/${path}/:id/tributes`, async (req, reply) => {
      const { lang, id } = req.params;
      if (!isLang(lang)) return passOn(reply);
      if (!ID.test(id) || !(await publicRecord(db, id, [kind]))) return notFoundPage(reply, lang);
      if (!sameOrigin(req.headers, req.headers.host)) return message(reply, lang, 403, "memorial.form.refusedTitle", "memorial.form.crossSite");
      const body = (req.body ?? {});
      const s = (k: string, max: number): string => (typeof body[k] === "string" ? (body[k]).slice(0, max) : "");
      const values = { body: s("body", 4000), author: s("author", 200) };
      const parent = s("parent", 40) || null;
      const back = `/${lang}/${path}/${id}`;
      if (s("website", 200)) return reply.redirect(`${back}?tribute=held#tribute-form`, 303);
      const token = s("token", 100);
      const state = (errors: Record<string, string>): FormState => ({ values, errors, ...(parent ? { replyTo: parent } : {}) });
      const translate = (errors: Record<string, string>): Record<string, string> => Object.fromEntries(Object.entries(errors).map(([k, v]) => [k, translator(lang)(v)]));
      if (!checkToken(formKey(), "post", token)) return publicPage(req, reply, lang, kind, id, 0, state(translate({ body: "memorial.form.expired" })));
      const pow = s("pow", 20);
      const visitor = keyOf(req.ip);
      const allowed = globalPosts.take("all") && (pow && checkPow(token, pow) ? powPosts.take(visitor) : visitorPosts.take(visitor));
      if (!allowed) {
        reply.header("retry-after", "60");
        return publicPage(req, reply, lang, kind, id, 0, state(translate({ body: "memorial.form.slowDown" })));
      }
      const input = { recordId: id, kind: type, body: values.body, author: values.author, parentId: parent, lang };
      const problems = validatePost(input);
      if (!problems.empty) return publicPage(req, reply, lang, kind, id, 0, state(translate(Object.fromEntries(problems.list.map((p) => [p.field ?? "body", p.message])))));
      try {
        await submitPost(db, input);
      } catch (e) {
        if (e instanceof VigilError && e.code === "validation") return publicPage(req, reply, lang, kind, id, 0, state(translate({ body: e.message })));
        throw e;
      }
      return reply.redirect(`${back}?tribute=held#tribute-form`, 303);
    });
  }

  // Testimony: multipart only here, streamed, sealed as it arrives. These
  // routes never read the visitor's address or browser.
  await app.register(async (scope: FastifyInstance) => {
    await scope.register(multipart, { limits: { fileSize: LIMITS.fileBytes, files: LIMITS.files, fields: 20, fieldSize: LIMITS.textMax * 4, parts: 30, headerPairs: 100 } });
    let publicKey: { key: Uint8Array | null; at: number } | undefined;
    const orgKey = (): Uint8Array | null => {
      if (!publicKey || Date.now() - publicKey.at > 30_000) publicKey = { key: loadPublicKey(store.dataDir), at: Date.now() };
      return publicKey.key;
    };

    const testimonyForm = async (reply: FastifyReply, lang: Lang, about: string | undefined, state?: FormState): Promise<FastifyReply> => {
      const ctx = await pageCtx(lang, "testimony");
      const ref = about && ID.test(about) ? await publicRecord(db, about, ["person", "event", "place"]) : undefined;
      const aboutLabel = ref ? ((lang === "fa" ? (ref.labelFa ?? ref.label) : (ref.label ?? ref.labelFa)) ?? null) : null;
      const html = renderPage(<TestimonyPage ctx={ctx} state={state} token={tokenFor("testimony")} aboutLabel={aboutLabel ? `${aboutLabel} (${ref!.id})` : null} open={orgKey() !== null} />);
      return send(reply, state && Object.keys(state.errors).length ? 400 : orgKey() ? 200 : 503, html, false);
    };

    scope.get<{ Params: { lang: string }; Querystring: { about?: string } }>("/:lang/testimony", async (req, reply) => {
      if (!isLang(req.params.lang)) return passOn(reply);
      return testimonyForm(reply, req.params.lang, req.query.about);
    });

    scope.post<{ Params: { lang: string } }>("/:lang/testimony", async (req, reply) => {
      const lang = req.params.lang;
      if (!isLang(lang)) return passOn(reply);
      const key = orgKey();
      if (!key) return testimonyForm(reply, lang, undefined);
      if (!sameOrigin(req.headers, req.headers.host)) return message(reply, lang, 403, "memorial.form.refusedTitle", "memorial.form.crossSite");
      if (!req.isMultipart()) return message(reply, lang, 415, "memorial.form.refusedTitle", "memorial.testimony.error.notMultipart");
      if (!testimonyBucket.take("all")) {
        // Drain nothing: the connection is closed after the answer.
        reply.header("retry-after", "60").header("connection", "close");
        return message(reply, lang, 429, "memorial.form.refusedTitle", "memorial.form.slowDown");
      }
      const fields: Record<string, string> = {};
      const sealed: { sealed: SealedFile; name: string; type: string; size: number }[] = [];
      const errors: Record<string, string> = {};
      let badFile = "";
      let hadFiles = false;
      try {
        for await (const part of req.parts()) {
          if (part.type === "file") {
            if (!part.filename) {
              part.file.resume();
              continue;
            }
            hadFiles = true;
            if (errors.files) {
              part.file.resume();
              continue;
            }
            try {
              const f = await sealUpload(store.dataDir, key, part.filename, part.file, () => part.file.truncated);
              sealed.push({ sealed: f, name: part.filename.slice(0, 200), type: f.type, size: f.plainSize });
            } catch (e) {
              part.file.resume();
              badFile = part.filename.slice(0, 200);
              const code = (e as { code?: string }).code ?? "";
              if (code === "FST_REQ_FILE_TOO_LARGE") errors.files = "memorial.testimony.error.fileLarge";
              if (!(e instanceof VigilError)) throw e;
              errors.files = e.message;
            }
          } else if (typeof part.value === "string") {
            fields[part.fieldname] = part.value;
          }
        }
      } catch (e) {
        const code = (e as { code?: string }).code ?? "";
        if (code === "FST_FILES_LIMIT") errors.files = "memorial.testimony.error.tooManyFiles";
        else if (code.startsWith("FST_")) errors.files ??= "memorial.testimony.error.badUpload";
        else {
          await discardUploads(store.dataDir, sealed.map((s) => s.sealed));
          throw e;
        }
      }
      const input: TestimonyFields = {
        kind: fields.kind ?? "",
        about: (fields.about ?? "").trim(),
        text: fields.text ?? "",
        when: (fields.when ?? "").trim(),
        where: (fields.where ?? "").trim(),
        contact: (fields.contact ?? "").trim(),
        lang,
      };
      if (fields.website) {
        await discardUploads(store.dataDir, sealed.map((s) => s.sealed));
        return send(reply, 200, renderPage(<TestimonyReceipt ctx={await pageCtx(lang, "testimony")} codename={newCodename()} secret={newSecret()} />), false);
      }
      if (!checkToken(formKey(), "testimony", fields.token ?? "")) errors.text = errors.text ?? "memorial.form.expired";
      for (const p of validateTestimony(input).list) errors[p.field ?? "text"] ??= p.message;
      if (Object.keys(errors).length) {
        await discardUploads(store.dataDir, sealed.map((s) => s.sealed));
        return testimonyForm(reply, lang, undefined, { values: { ...input, badFile, hadFiles: hadFiles ? "1" : "" }, errors });
      }
      const saved = await saveTestimony(db, key, input, sealed);
      return send(reply, 200, renderPage(<TestimonyReceipt ctx={await pageCtx(lang, "testimony")} codename={saved.codename} secret={saved.secret} />), false);
    });

    scope.get<{ Params: { lang: string } }>("/:lang/testimony/follow-up", async (req, reply) => {
      if (!isLang(req.params.lang)) return passOn(reply);
      const ctx = await pageCtx(req.params.lang, "testimony/follow-up");
      return send(reply, 200, renderPage(<FollowUpPage ctx={ctx} token={tokenFor("follow-up")} />), false);
    });

    scope.post<{ Params: { lang: string }; Body: Record<string, unknown> }>("/:lang/testimony/follow-up", async (req, reply) => {
      const lang = req.params.lang;
      if (!isLang(lang)) return passOn(reply);
      if (!sameOrigin(req.headers, req.headers.host)) return message(reply, lang, 403, "memorial.form.refusedTitle", "memorial.form.crossSite");
      const body = (req.body ?? {});
      const s = (k: string, max: number): string => (typeof body[k] === "string" ? (body[k]).slice(0, max) : "");
      const codename = s("codename", 60).trim().toLowerCase();
      const secretText = s("secret", 80);
      const text = s("text", LIMITS.textMax).trim();
      const ctx = await pageCtx(lang, "testimony/follow-up");
      const token = tokenFor("follow-up");
      const render = (status: number, props: Partial<Parameters<typeof FollowUpPage>[0]>): FastifyReply => send(reply, status, renderPage(<FollowUpPage ctx={ctx} token={token} codename={codename} {...props} />), false);
      if (s("website", 200)) return render(400, { error: "memorial.followUp.wrong" });
      if (!checkToken(formKey(), "follow-up", s("token", 100))) return render(400, { error: "memorial.form.expired" });
      if (!testimonyBucket.take("follow-up") || !followUpTries.take(codename || "-")) return render(429, { error: "memorial.form.slowDown" });
      let added = false;
      const key = orgKey();
      if (text && key) added = await addFollowUp(db, key, codename, secretText, text);
      const found = await readFollowUp(db, codename, secretText);
      if (!found) return render(400, { error: "memorial.followUp.wrong" });
      return render(200, { messages: found.messages, added });
    });
  });

  void config;
  void evidenceFor;
};

declare module "fastify" {
  interface FastifyInstance {
    memorialFreshness?: Freshness;
  }
}

export type { VNode };
