import { createReadStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import multipart, { type Multipart } from "@fastify/multipart";
import { authorize, can, mayRead } from "../accounts/index.ts";
import type { Ctx } from "../core/context.ts";
import { VigilError, type FieldProblem } from "../core/errors.ts";
import { digits, num, type Lang } from "../web/index.ts";
import {
  authenticate,
  Badge,
  Csrf,
  ErrorSummary,
  errorsByField,
  Field,
  messages,
  pageEnv,
  registerRecordPanel,
  registerWorkspaceSection,
  SelectField,
  sendPage,
  StaffLayout,
  str,
  TextArea,
  TextField,
  withStaff,
  type FieldErrors,
  type PageEnv,
} from "../workspace/index.ts";
import type { CustodyEvent, Item } from "./custody.ts";
import { DEFAULT_UPLOAD_MAX, readUpload, uploadMultipartOptions } from "./http/upload.ts";
import { defaultOriginFor } from "./routes.ts";
import { addEvidence, checkEvidenceInput, evidenceOf, exportEvidence, getCaptureRequest, getEvidence, linkEvidence, listCaptureRequests, listEvidence, requestCapture, vaultFor, CAPTURE_STATUSES, type CaptureRequest, type CaptureStatus, type EvidenceInput, type EvidenceView } from "./use-cases.ts";
import type { Vault } from "./vault.ts";

/** Where the vault's staff pages live. */
export const VAULT_PAGES = "/workspace/vault";
const BASE = VAULT_PAGES;

messages({
  "vault.title": ["Evidence vault", "گنجینه‌ی شواهد"],
  "vault.intro": ["Files and web captures kept unchanged, with every step of their custody in a signed, append-only log.", "پرونده‌ها و برداشت‌های وب که بی‌تغییر نگه داشته می‌شوند، با همه‌ی مراحل نگهداری‌شان در گزارشی امضاشده که فقط به آن افزوده می‌شود."],
  "vault.upload": ["Upload evidence", "بارگذاری شاهد"],
  "vault.capture": ["Capture a web page", "برداشت از یک صفحه‌ی وب"],
  "vault.items": ["Recent items", "موارد تازه"],
  "vault.items.none": ["No evidence in the vault yet.", "هنوز شاهدی در گنجینه نیست."],
  "vault.captures": ["Recent capture requests", "درخواست‌های برداشت تازه"],
  "vault.captures.none": ["No capture requested yet.", "هنوز برداشتی درخواست نشده است."],
  "vault.captures.all": ["All capture requests", "همه‌ی درخواست‌های برداشت"],
  "vault.captures.title": ["Capture requests", "درخواست‌های برداشت"],
  "vault.captures.any": ["any status", "هر وضعیتی"],
  "vault.captures.show": ["Show", "نمایش"],
  "vault.captures.noneWith": ["No capture request has this status.", "هیچ درخواست برداشتی این وضعیت را ندارد."],
  "vault.captures.newest": ["Newest requests", "تازه‌ترین درخواست‌ها"],
  "vault.captures.older": ["Older requests", "درخواست‌های قدیمی‌تر"],
  "vault.col.item": ["Item", "مورد"],
  "vault.col.kind": ["Kind", "نوع"],
  "vault.col.sha256": ["Original (SHA-256)", "اصل (SHA-256)"],
  "vault.col.size": ["Size", "اندازه"],
  "vault.col.type": ["Media type", "نوع رسانه"],
  "vault.col.created": ["Added", "افزوده‌شده"],
  "vault.col.sources": ["Sources", "منابع"],
  "vault.col.url": ["Address", "نشانی"],
  "vault.col.status": ["Status", "وضعیت"],
  "vault.col.requested": ["Requested", "درخواست‌شده"],
  "vault.col.attempts": ["Attempts", "تلاش‌ها"],
  "vault.col.error": ["Problem", "مشکل"],
  "vault.col.index": ["Log index", "شماره در گزارش"],
  "vault.col.event": ["Event", "رویداد"],
  "vault.col.when": ["When (UTC)", "زمان (UTC)"],
  "vault.col.actor": ["By", "توسط"],
  "vault.col.method": ["Method", "روش"],
  "vault.col.tool": ["Tool", "ابزار"],
  "vault.col.hashes": ["Hashes", "درهم‌سازی‌ها"],
  "vault.col.role": ["Copy", "نسخه"],
  "vault.kind.file": ["file", "پرونده"],
  "vault.kind.web_capture": ["web capture", "برداشت وب"],
  "vault.bytes": ["{n, number} bytes", "{n, number} بایت"],
  "vault.status.queued": ["queued", "در صف"],
  "vault.status.running": ["running", "در حال اجرا"],
  "vault.status.retrying": ["will retry", "تلاش دوباره"],
  "vault.status.done": ["done", "انجام شد"],
  "vault.status.flagged": ["flagged", "علامت‌خورده"],
  "vault.status.failed": ["failed", "ناموفق"],
  "vault.role.original": ["original", "اصل"],
  "vault.role.public_copy": ["public copy (metadata removed)", "نسخه‌ی عمومی (بی فراداده)"],
  "vault.role.thumbnail": ["thumbnail", "تصویر کوچک"],
  "vault.role.screenshot": ["screenshot", "تصویر صفحه"],
  "vault.role.dom_snapshot": ["page as rendered (DOM)", "صفحه‌ی نمایش‌داده‌شده (DOM)"],
  "vault.role.page_text": ["page text", "متن صفحه"],
  "vault.event.acquired": ["acquired", "دریافت"],
  "vault.event.captured": ["captured", "برداشت"],
  "vault.event.derived": ["copies derived", "ساخت نسخه‌ها"],
  "vault.event.exported": ["exported", "برون‌بری"],
  "vault.event.linked": ["linked to a Source", "پیوند به منبع"],
  "vault.event.liveness_unchanged": ["page unchanged", "صفحه بی‌تغییر"],
  "vault.event.liveness_changed": ["page changed", "صفحه تغییر کرد"],
  "vault.event.liveness_gone": ["page gone", "صفحه از دست رفت"],
  "vault.event.note": ["note", "یادداشت"],
  "vault.next": ["Older items", "موارد قدیمی‌تر"],
  "vault.first": ["Newest items", "تازه‌ترین موارد"],
  "vault.field.file": ["File", "پرونده"],
  "vault.field.fileHint": ["Kept exactly as sent, up to {mb, number} MB. The file name is kept as information only.", "دقیقاً همان‌طور که فرستاده می‌شود نگه داشته می‌شود، تا {mb, number} مگابایت. نام پرونده فقط به‌عنوان اطلاعات نگه داشته می‌شود."],
  "vault.field.title": ["Title (optional)", "عنوان (اختیاری)"],
  "vault.field.notes": ["Notes for the custody record (optional): how and from whom it was received", "یادداشت برای سابقه‌ی نگهداری (اختیاری): چگونه و از چه کسی دریافت شد"],
  "vault.field.sourceIds": ["Source record ids (optional)", "شناسه‌های رکورد منبع (اختیاری)"],
  "vault.field.sourceIdsHint": ["The Sources this is evidence of, e.g. src_…; separate several with spaces.", "منبع‌هایی که این شاهدِ آن‌هاست، مثلاً src_…؛ چند شناسه را با فاصله جدا کنید."],
  "vault.field.confidentiality": ["Who may see it", "چه کسی می‌تواند ببیند"],
  "vault.field.url": ["Address of the page (URL)", "نشانی صفحه (URL)"],
  "vault.field.rendered": ["Render in Chromium (screenshot, scripts run, every resource kept)", "نمایش در کرومیوم (تصویر صفحه، اجرای اسکریپت‌ها، نگه‌داشتن همه‌ی منابع)"],
  "vault.field.source": ["Source record id", "شناسه‌ی رکورد منبع"],
  "vault.upload.go": ["Upload", "بارگذاری"],
  "vault.upload.intro": ["The original is stored unchanged and hashed; images and PDFs also get a public copy without hidden metadata. Everything is recorded in the custody log with your name.", "اصل بی‌تغییر نگه داشته و درهم‌سازی می‌شود؛ برای تصویرها و PDFها نسخه‌ای عمومی بدون فراداده‌ی پنهان هم ساخته می‌شود. همه‌چیز با نام شما در سابقه‌ی نگهداری ثبت می‌شود."],
  "vault.capture.go": ["Request the capture", "درخواست برداشت"],
  "vault.capture.intro": ["The capture runs in the background worker; pages behind a login or a bot challenge are flagged, not kept as if complete.", "برداشت در پس‌زمینه اجرا می‌شود؛ صفحه‌هایی که پشت ورود یا آزمون ربات هستند علامت می‌خورند و کامل به حساب نمی‌آیند."],
  "vault.capture.title": ["Capture request", "درخواست برداشت"],
  "vault.capture.waiting": ["This page reloads itself until the capture has finished.", "این صفحه تا پایان برداشت خودش را تازه می‌کند."],
  "vault.capture.item": ["Captured item", "مورد برداشت‌شده"],
  "vault.capture.source": ["Source", "منبع"],
  "vault.capture.flags": ["Flags", "علامت‌ها"],
  "vault.capture.rendered": ["rendered in Chromium", "نمایش‌داده‌شده در کرومیوم"],
  "vault.capture.raw": ["raw HTTP", "HTTP خام"],
  "vault.capture.how": ["How", "چگونه"],
  "vault.capture.by": ["Requested by", "درخواست‌کننده"],
  "vault.capture.open": ["details", "جزئیات"],
  "vault.item.id": ["Item id", "شناسه‌ی مورد"],
  "vault.item.original": ["Original", "اصل"],
  "vault.item.filename": ["File name (as sent)", "نام پرونده (همان‌طور که فرستاده شد)"],
  "vault.item.sourceUrl": ["Captured from", "برداشت‌شده از"],
  "vault.item.download": ["download", "بارگیری"],
  "vault.item.derived": ["Derived copies", "نسخه‌های ساخته‌شده"],
  "vault.item.noDerived": ["No derived copies (only images, PDFs and rendered captures get them).", "نسخه‌ی ساخته‌شده‌ای نیست (فقط تصویرها، PDFها و برداشت‌های نمایش‌داده‌شده دارند)."],
  "vault.item.sources": ["Evidence of these Sources", "شاهدِ این منبع‌ها"],
  "vault.item.noSources": ["Not linked to any Source you can see.", "به هیچ منبعی که بتوانید ببینید پیوند ندارد."],
  "vault.item.link": ["Link to a Source", "پیوند به یک منبع"],
  "vault.item.custody": ["Custody record", "سابقه‌ی نگهداری"],
  "vault.item.custodyIntro": ["Each event is a leaf of the vault's signed transparency log, in log order.", "هر رویداد برگی از گزارش شفافیت امضاشده‌ی گنجینه است، به ترتیب گزارش."],
  "vault.item.proof": ["Proof and export", "اثبات و برون‌بری"],
  "vault.item.receipt": ["Download the proof receipt (JSON)", "بارگیری رسید اثبات (JSON)"],
  "vault.item.receiptHint": ["Every custody event with its inclusion proof against the latest signed checkpoint, and the log's public keys.", "همه‌ی رویدادهای نگهداری با اثبات شمول در برابر آخرین نقطه‌ی بازبینی امضاشده، و کلیدهای عمومی گزارش."],
  "vault.item.export": ["Download a verifiable bundle", "بارگیری بسته‌ی قابل راستی‌آزمایی"],
  "vault.item.exportHint": ["A ZIP of every item of the Source with its custody and proofs, checkable offline with `vigil verify`. The export is recorded in each item's custody.", "یک ZIP از همه‌ی موارد آن منبع با سابقه‌ی نگهداری و اثبات‌ها، که بی‌اینترنت با `vigil verify` بررسی می‌شود. برون‌بری در سابقه‌ی هر مورد ثبت می‌شود."],
  "vault.item.exportSource": ["Bundle of the Source", "بسته‌ی منبع"],
  "vault.item.added": ["The evidence was stored and recorded in the custody log.", "شاهد نگه داشته و در سابقه‌ی نگهداری ثبت شد."],
  "vault.item.addedRestricted": ["The evidence was stored as restricted and recorded in the custody log; your access does not include restricted material, so you cannot open it.", "شاهد به‌صورت محرمانه نگه داشته و در سابقه‌ی نگهداری ثبت شد؛ دسترسی شما شامل موارد محرمانه نیست، پس نمی‌توانید آن را باز کنید."],
  "vault.item.linked": ["Linked; the link is recorded in the custody log.", "پیوند داده شد؛ پیوند در سابقه‌ی نگهداری ثبت شد."],
  "vault.item.flags": ["Capture flags", "علامت‌های برداشت"],
  "vault.item.notes": ["notes", "یادداشت"],
  "vault.item.thumbnail": ["Thumbnail of the item", "تصویر کوچک مورد"],
  "vault.panel.title": ["Evidence in the vault", "شواهد در گنجینه"],
  "vault.panel.none": ["No vault evidence is linked to this Source.", "هیچ شاهدی از گنجینه به این منبع پیوند ندارد."],
  "vault.panel.upload": ["Upload evidence for this Source", "بارگذاری شاهد برای این منبع"],
  "vault.panel.capture": ["Capture a page for this Source", "برداشت صفحه برای این منبع"],
});

registerWorkspaceSection({ id: "vault", href: `${BASE}/`, label: { en: "Evidence vault", fa: "گنجینه‌ی شواهد" }, order: 150, visible: (actor) => can(actor, "vault.read") });

// ---------------------------------------------------------------------------
// Helpers

function vaultOf(req: FastifyRequest): Promise<Vault> {
  const origin = defaultOriginFor(req.server.deps.config);
  return vaultFor(req.server.deps.store, origin ? { defaultOrigin: origin } : {});
}

const when = (lang: Lang, iso: string): string => digits(lang, iso.slice(0, 19).replace("T", " "));
const bytes = (env: PageEnv, n: number): string => env.t("vault.bytes", { n });
const itemName = (i: Item): string => i.title || i.original.filename || i.id;

/** Display names of staff ids (custody actors, requesters); anything else is shown as it is. */
async function userNames(ctx: Ctx, ids: Iterable<string>): Promise<Map<string, string>> {
  const list = [...new Set(ids)].filter((id) => id.startsWith("usr_"));
  if (list.length === 0) return new Map();
  const rows = await ctx.db.withTables<{ users: { id: string; display_name: string } }>().selectFrom("users").select(["id", "display_name"]).where("id", "in", list).execute();
  return new Map(rows.map((r) => [r.id, r.display_name]));
}

/** Labels of the Source records the actor may see, among these ids. */
async function sourceLabels(ctx: Ctx, ids: Iterable<string>): Promise<Map<string, { label: string; labelFa: string }>> {
  const list = [...new Set(ids)];
  if (list.length === 0) return new Map();
  const rows = await ctx.db.selectFrom("records").select(["id", "label", "label_fa", "confidentiality"]).where("id", "in", list).execute();
  return new Map(rows.filter((r) => mayRead(ctx.actor, r.confidentiality, [r.id])).map((r) => [r.id, { label: r.label, labelFa: r.label_fa }]));
}

const labelIn = (lang: Lang, l: { label: string; labelFa: string }): string => (lang === "fa" ? l.labelFa || l.label : l.label || l.labelFa) || "—";

function SourceLinks({ env, ids, labels }: { env: PageEnv; ids: readonly string[]; labels: Map<string, { label: string; labelFa: string }> }) {
  const visible = ids.filter((id) => labels.has(id));
  if (visible.length === 0) return <span class="muted">{env.t("workspace.none")}</span>;
  return (
    <>
      {visible.map((id, k) => (
        <>
          {k > 0 ? ", " : null}
          <a href={`/workspace/records/${encodeURIComponent(id)}`}>
            <bdi>{labelIn(env.lang, labels.get(id)!)}</bdi>
          </a>
        </>
      ))}
    </>
  );
}

function Hash({ digest }: { digest: string }) {
  return <code class="hash ltr-value">{digest}</code>;
}

function StatusBadge({ env, status }: { env: PageEnv; status: string }) {
  const kind = status === "done" ? "confirmed" : status === "failed" ? "disputed" : status === "flagged" ? "possible" : "draft";
  return <Badge kind={kind} label={env.t(`vault.status.${status}`)} />;
}

const confBadge = (env: PageEnv, c: string) => <Badge kind={c} label={env.t(`workspace.conf.${c}`)} />;

/** Errors of a refused form, each at its field (the form's own field names). */
function fieldErrors(err: VigilError, rename: Record<string, string> = {}): FieldErrors {
  const problems: FieldProblem[] = err.problems.length ? err.problems : [{ ...(err.where ?? {}), message: err.message }];
  return errorsByField(problems, (f) => rename[f] ?? f);
}

const splitIds = (s: string): string[] => s.split(/[\s,،]+/).map((x) => x.trim()).filter(Boolean);

const isFormError = (err: unknown): err is VigilError => err instanceof VigilError && (err.code === "validation" || err.code === "too_large" || err.code === "unsupported");

// ---------------------------------------------------------------------------
// Pages

/** Capture requests as a table: address, status, when, attempts, problem, and the item kept. */
function CaptureTable({ env, captures }: { env: PageEnv; captures: CaptureRequest[] }) {
  const { t, lang } = env;
  return (
    <div class="table-wrap">
      <table class="vault-captures">
        <thead>
          <tr>
            <th scope="col">{t("vault.col.url")}</th>
            <th scope="col">{t("vault.col.status")}</th>
            <th scope="col">{t("vault.col.requested")}</th>
            <th scope="col">{t("vault.col.attempts")}</th>
            <th scope="col">{t("vault.col.error")}</th>
            <th scope="col">{t("vault.col.item")}</th>
          </tr>
        </thead>
        <tbody>
          {captures.map((c) => (
            <tr>
              <td class="small">
                <span class="ltr-value">{c.url}</span> · <a href={`${BASE}/captures/${c.id}`}>{t("vault.capture.open")}</a>
              </td>
              <td>
                <StatusBadge env={env} status={c.status} />
              </td>
              <td>{when(lang, c.requestedAt)}</td>
              <td>{num(lang, c.attempts)}</td>
              <td class="small">{c.error ?? (c.flags.length ? c.flags.join(", ") : "")}</td>
              <td>{c.itemId ? <a href={`${BASE}/items/${c.itemId}`}>{c.itemId}</a> : null}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Every capture request, newest first, a page at a time, with one status shown if asked. */
function CapturesPage({ env, captures, next, first, status }: { env: PageEnv; captures: CaptureRequest[]; next: string | null; first: boolean; status: CaptureStatus | undefined }) {
  const { t } = env;
  const query = (extra: Record<string, string>): string => {
    const q = new URLSearchParams({ ...(status ? { status } : {}), ...extra }).toString();
    return q ? `?${q}` : "";
  };
  return (
    <StaffLayout env={env} title={t("vault.captures.title")} section="vault">
      <p>
        <a href={`${BASE}/`}>{t("vault.title")}</a>
      </p>
      <h1>{t("vault.captures.title")}</h1>
      <form method="get" action={`${BASE}/captures`} class="search-form capture-filter">
        <label for="f-status">{t("vault.col.status")}</label>
        <select id="f-status" name="status">
          <option value="" selected={!status}>
            {t("vault.captures.any")}
          </option>
          {CAPTURE_STATUSES.map((s) => (
            <option value={s} selected={s === status}>
              {t(`vault.status.${s}`)}
            </option>
          ))}
        </select>
        <button type="submit" class="secondary">
          {t("vault.captures.show")}
        </button>
      </form>
      {captures.length === 0 ? <p>{t(status ? "vault.captures.noneWith" : "vault.captures.none")}</p> : <CaptureTable env={env} captures={captures} />}
      {(next || !first) && (
        <p class="pagination row">
          {!first && <a href={`${BASE}/captures${query({})}`}>{t("vault.captures.newest")}</a>}
          {next && <a href={`${BASE}/captures${query({ before: next })}`}>{t("vault.captures.older")}</a>}
        </p>
      )}
    </StaffLayout>
  );
}

function SectionPage({ env, items, next, first, labels, captures, notice }: { env: PageEnv; items: Item[]; next: string | null; first: boolean; labels: Map<string, { label: string; labelFa: string }>; captures: CaptureRequest[]; notice?: { kind: "ok"; text: string } | undefined }) {
  const { t, lang } = env;
  return (
    <StaffLayout env={env} title={t("vault.title")} section="vault" notice={notice}>
      <div class="row spread">
        <h1>{t("vault.title")}</h1>
        <div class="row">
          {can(env.actor, "vault.add") && (
            <a class="button" href={`${BASE}/new`}>
              {t("vault.upload")}
            </a>
          )}
          {can(env.actor, "vault.capture") && (
            <a class="button secondary" href={`${BASE}/capture`}>
              {t("vault.capture")}
            </a>
          )}
        </div>
      </div>
      <p>{t("vault.intro")}</p>
      <h2>{t("vault.items")}</h2>
      {items.length === 0 ? (
        <p>{t("vault.items.none")}</p>
      ) : (
        <div class="table-wrap">
          <table class="vault-items">
            <thead>
              <tr>
                <th scope="col">{t("vault.col.item")}</th>
                <th scope="col">{t("vault.col.kind")}</th>
                <th scope="col">{t("vault.col.sha256")}</th>
                <th scope="col">{t("vault.col.size")}</th>
                <th scope="col">{t("vault.col.type")}</th>
                <th scope="col">{t("vault.col.created")}</th>
                <th scope="col">{t("vault.col.sources")}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((i) => (
                <tr>
                  <td>
                    <a href={`${BASE}/items/${i.id}`}>
                      <bdi>{itemName(i)}</bdi>
                    </a>{" "}
                    {i.confidentiality && i.confidentiality !== "staff" ? confBadge(env, i.confidentiality) : null}
                  </td>
                  <td>{t(`vault.kind.${i.kind}`)}</td>
                  <td>
                    <Hash digest={i.original.digest} />
                  </td>
                  <td>{bytes(env, i.original.size)}</td>
                  <td class="ltr-value">{i.original.mediaType}</td>
                  <td>{when(lang, i.createdAt)}</td>
                  <td>
                    <SourceLinks env={env} ids={i.sourceIds} labels={labels} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {(next || !first) && (
        <p class="pagination row">
          {!first && <a href={`${BASE}/`}>{t("vault.first")}</a>}
          {next && <a href={`${BASE}/?before=${encodeURIComponent(next)}`}>{t("vault.next")}</a>}
        </p>
      )}
      <div class="row spread">
        <h2>{t("vault.captures")}</h2>
        <a href={`${BASE}/captures`}>{t("vault.captures.all")}</a>
      </div>
      {captures.length === 0 ? <p>{t("vault.captures.none")}</p> : <CaptureTable env={env} captures={captures} />}
    </StaffLayout>
  );
}

interface UploadValues {
  title?: string;
  notes?: string;
  sourceIds?: string;
  confidentiality?: string;
}

function UploadForm({ env, values, errors, maxBytes }: { env: PageEnv; values: UploadValues; errors?: FieldErrors | undefined; maxBytes: number }) {
  const { t } = env;
  return (
    <StaffLayout env={env} title={t("vault.upload")} section="vault">
      <h1>{t("vault.upload")}</h1>
      <p>{t("vault.upload.intro")}</p>
      <ErrorSummary env={env} errors={errors} />
      {/* The CSRF token comes first and the file last: the server checks the token before it reads the file. */}
      <form method="post" action={`${BASE}/items`} enctype="multipart/form-data" novalidate>
        <Csrf env={env} />
        <TextField name="title" label={t("vault.field.title")} value={values.title} errors={errors} />
        <TextArea name="notes" label={t("vault.field.notes")} value={values.notes} errors={errors} />
        <TextField name="sourceIds" label={t("vault.field.sourceIds")} hint={t("vault.field.sourceIdsHint")} value={values.sourceIds} errors={errors} dir="ltr" />
        <SelectField
          name="confidentiality"
          label={t("vault.field.confidentiality")}
          value={values.confidentiality ?? "staff"}
          options={["staff", "public", "restricted"].map((c) => ({ value: c, label: t(`workspace.conf.${c}`) }))}
          errors={errors}
        />
        <Field name="file" label={t("vault.field.file")} hint={t("vault.field.fileHint", { mb: Math.floor(maxBytes / (1024 * 1024)) })} errors={errors}>
          {(a) => <input {...a} type="file" required />}
        </Field>
        <div class="row">
          <button type="submit">{t("vault.upload.go")}</button>
          <a href={`${BASE}/`}>{t("workspace.cancel")}</a>
        </div>
      </form>
    </StaffLayout>
  );
}

interface CaptureValues {
  url?: string;
  rendered?: boolean;
  sourceIds?: string;
  notes?: string;
}

function CaptureForm({ env, values, errors }: { env: PageEnv; values: CaptureValues; errors?: FieldErrors | undefined }) {
  const { t } = env;
  return (
    <StaffLayout env={env} title={t("vault.capture")} section="vault">
      <h1>{t("vault.capture")}</h1>
      <p>{t("vault.capture.intro")}</p>
      <ErrorSummary env={env} errors={errors} />
      <form method="post" action={`${BASE}/captures`} novalidate>
        <Csrf env={env} />
        <TextField name="url" label={t("vault.field.url")} value={values.url} errors={errors} type="url" dir="ltr" required />
        <Field name="rendered" label={t("vault.field.rendered")} errors={errors}>
          {(a) => <input {...a} type="checkbox" value="1" checked={values.rendered === true} />}
        </Field>
        <TextField name="sourceIds" label={t("vault.field.sourceIds")} hint={t("vault.field.sourceIdsHint")} value={values.sourceIds} errors={errors} dir="ltr" />
        <TextArea name="notes" label={t("vault.field.notes")} value={values.notes} errors={errors} />
        <div class="row">
          <button type="submit">{t("vault.capture.go")}</button>
          <a href={`${BASE}/`}>{t("workspace.cancel")}</a>
        </div>
      </form>
    </StaffLayout>
  );
}

function CapturePage({ env, capture, requester }: { env: PageEnv; capture: CaptureRequest; requester: string }) {
  const { t, lang } = env;
  const waiting = capture.status === "queued" || capture.status === "running" || capture.status === "retrying";
  return (
    <StaffLayout env={env} title={t("vault.capture.title")} section="vault">
      <h1>{t("vault.capture.title")}</h1>
      <p>
        <StatusBadge env={env} status={capture.status} />
      </p>
      {waiting && <p class="muted">{t("vault.capture.waiting")}</p>}
      <dl class="facts panel">
        <dt>{t("vault.col.url")}</dt>
        <dd class="ltr-value">{capture.url}</dd>
        <dt>{t("vault.capture.how")}</dt>
        <dd>{t(capture.rendered ? "vault.capture.rendered" : "vault.capture.raw")}</dd>
        <dt>{t("vault.capture.by")}</dt>
        <dd>
          <bdi>{requester}</bdi>
        </dd>
        <dt>{t("vault.col.requested")}</dt>
        <dd>{when(lang, capture.requestedAt)}</dd>
        <dt>{t("vault.col.attempts")}</dt>
        <dd>{num(lang, capture.attempts)}</dd>
        {capture.flags.length > 0 && (
          <>
            <dt>{t("vault.capture.flags")}</dt>
            <dd class="ltr-value">{capture.flags.join(", ")}</dd>
          </>
        )}
        {capture.error && (
          <>
            <dt>{t("vault.col.error")}</dt>
            <dd dir="auto">{capture.error}</dd>
          </>
        )}
        {capture.itemId && (
          <>
            <dt>{t("vault.capture.item")}</dt>
            <dd>
              <a href={`${BASE}/items/${capture.itemId}`}>{capture.itemId}</a>
            </dd>
          </>
        )}
        {capture.sourceId && (
          <>
            <dt>{t("vault.capture.source")}</dt>
            <dd>
              <a href={`/workspace/records/${capture.sourceId}`}>{capture.sourceId}</a>
            </dd>
          </>
        )}
      </dl>
      <p>
        <a href={`${BASE}/`}>{t("vault.title")}</a>
      </p>
    </StaffLayout>
  );
}

const INLINE_IMAGES = new Set(["image/jpeg", "image/png", "image/webp"]);

function ItemPage({ env, view, names, notice, linkValue, linkErrors, exportErrors }: { env: PageEnv; view: EvidenceView; names: Map<string, string>; notice?: { kind: "ok"; text: string } | undefined; linkValue?: string; linkErrors?: FieldErrors | undefined; exportErrors?: FieldErrors | undefined }) {
  const { t, lang } = env;
  const { item, sources, custody } = view;
  const thumb = item.derived.find((d) => d.role === "thumbnail" && INLINE_IMAGES.has(d.mediaType));
  const file = (role: string) => `${BASE}/items/${item.id}/files/${role}`;
  const who = (id: string) => names.get(id) ?? id;
  return (
    <StaffLayout env={env} title={itemName(item)} section="vault" notice={notice}>
      <h1>
        <bdi>{itemName(item)}</bdi>
      </h1>
      <p class="badges">
        <Badge kind="type" label={t(`vault.kind.${item.kind}`)} />
        {confBadge(env, item.confidentiality ?? "staff")}
        {item.flags.map((f) => (
          <Badge kind="possible" label={f} />
        ))}
      </p>
      {thumb && <img class="vault-thumb" src={file("thumbnail")} alt={t("vault.item.thumbnail")} />}
      <dl class="facts panel">
        <dt>{t("vault.item.id")}</dt>
        <dd class="ltr-value">{item.id}</dd>
        <dt>{t("vault.col.created")}</dt>
        <dd>{when(lang, item.createdAt)} UTC</dd>
        {item.original.filename && (
          <>
            <dt>{t("vault.item.filename")}</dt>
            <dd>
              <bdi>{item.original.filename}</bdi>
            </dd>
          </>
        )}
        <dt>{t("vault.col.sha256")}</dt>
        <dd>
          <Hash digest={item.original.digest} />
        </dd>
        <dt>{t("vault.col.size")}</dt>
        <dd>{bytes(env, item.original.size)}</dd>
        <dt>{t("vault.col.type")}</dt>
        <dd class="ltr-value">{item.original.mediaType}</dd>
        {item.sourceUrl && (
          <>
            <dt>{t("vault.item.sourceUrl")}</dt>
            <dd class="ltr-value">{item.sourceUrl}</dd>
          </>
        )}
        <dt>{t("vault.item.original")}</dt>
        <dd>
          <a href={file("original")} download>
            {t("vault.item.download")}
          </a>
        </dd>
      </dl>

      <h2>{t("vault.item.derived")}</h2>
      {item.derived.length === 0 ? (
        <p class="muted">{t("vault.item.noDerived")}</p>
      ) : (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{t("vault.col.role")}</th>
                <th scope="col">{t("vault.col.type")}</th>
                <th scope="col">{t("vault.col.size")}</th>
                <th scope="col">SHA-256</th>
              </tr>
            </thead>
            <tbody>
              {item.derived.map((d) => (
                <tr>
                  <td>
                    <a href={file(d.role)}>{t(`vault.role.${d.role}`)}</a>
                  </td>
                  <td class="ltr-value">{d.mediaType}</td>
                  <td>{bytes(env, d.size)}</td>
                  <td>
                    <Hash digest={d.digest} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      <h2>{t("vault.item.sources")}</h2>
      {sources.length === 0 ? (
        <p class="muted">{t("vault.item.noSources")}</p>
      ) : (
        <ul>
          {sources.map((s) => (
            <li>
              <a href={`/workspace/records/${encodeURIComponent(s.id)}`}>
                <bdi>{labelIn(lang, s)}</bdi>
              </a>{" "}
              <span class="muted ltr-value">{s.id}</span>
            </li>
          ))}
        </ul>
      )}
      {can(env.actor, "vault.add") && (
        <form method="post" action={`${BASE}/items/${item.id}/link`} class="panel">
          <Csrf env={env} />
          <TextField name="sourceId" label={t("vault.item.link")} value={linkValue} errors={linkErrors} dir="ltr" required />
          <button type="submit" class="secondary">
            {t("vault.item.link")}
          </button>
        </form>
      )}

      <h2>{t("vault.item.custody")}</h2>
      <p class="muted">{t("vault.item.custodyIntro")}</p>
      <div class="table-wrap">
        <table class="vault-custody">
          <thead>
            <tr>
              <th scope="col">{t("vault.col.index")}</th>
              <th scope="col">{t("vault.col.event")}</th>
              <th scope="col">{t("vault.col.when")}</th>
              <th scope="col">{t("vault.col.actor")}</th>
              <th scope="col">{t("vault.col.method")}</th>
              <th scope="col">{t("vault.col.tool")}</th>
              <th scope="col">{t("vault.col.hashes")}</th>
            </tr>
          </thead>
          <tbody>
            {custody.map(({ index, event }) => (
              <CustodyRow env={env} index={index} event={event} who={who(event.actor)} />
            ))}
          </tbody>
        </table>
      </div>

      <h2>{t("vault.item.proof")}</h2>
      <p>
        <a class="button secondary" href={`${BASE}/items/${item.id}/receipt.json`} download>
          {t("vault.item.receipt")}
        </a>
      </p>
      <p class="muted">{t("vault.item.receiptHint")}</p>
      {can(env.actor, "vault.export") && sources.length > 0 && (
        <form method="post" action={`${BASE}/items/${item.id}/export`} class="panel">
          <Csrf env={env} />
          <ErrorSummary env={env} errors={exportErrors} />
          <SelectField name="source" label={t("vault.item.exportSource")} options={sources.map((s) => ({ value: s.id, label: `${labelIn(lang, s)} (${s.id})` }))} errors={exportErrors} />
          <p class="muted">{t("vault.item.exportHint")}</p>
          <button type="submit">{t("vault.item.export")}</button>
        </form>
      )}
    </StaffLayout>
  );
}

function CustodyRow({ env, index, event, who }: { env: PageEnv; index: number; event: CustodyEvent; who: string }) {
  const { t, lang } = env;
  return (
    <tr>
      <td>{num(lang, index)}</td>
      <td>
        {t(`vault.event.${event.type}`)}
        {event.source && (
          <>
            {" "}
            <a class="ltr-value" href={`/workspace/records/${encodeURIComponent(event.source)}`}>
              {event.source}
            </a>
          </>
        )}
      </td>
      <td>{when(lang, event.at)}</td>
      <td>
        <bdi>{who}</bdi>
      </td>
      <td class="small">
        <bdi>{event.method}</bdi>
        {event.sourceUrl && (
          <>
            <br />
            <span class="ltr-value">{event.sourceUrl}</span>
          </>
        )}
        {event.notes && (
          <>
            <br />
            <span class="muted">{t("vault.item.notes")}: </span>
            <bdi>{event.notes}</bdi>
          </>
        )}
      </td>
      <td class="ltr-value">
        {event.tool.name} {event.tool.version}
      </td>
      <td>
        {Object.entries(event.hashes).map(([role, d]) => (
          <div>
            <span class="muted">{role}</span> <Hash digest={d} />
          </div>
        ))}
      </td>
    </tr>
  );
}

/** The vault's evidence on a Source's record page. */
registerRecordPanel({
  id: "vault.evidence",
  types: ["source"],
  order: 600,
  render: async ({ req, env, ctx, record }) => {
    if (!can(ctx.actor, "vault.read")) return null;
    const items = (await evidenceOf(ctx, await vaultOf(req), record.id)).reverse();
    const { t, lang } = env;
    const q = `?source=${encodeURIComponent(record.id)}`;
    return (
      <section aria-labelledby="vault-evidence">
        <h2 id="vault-evidence">{t("vault.panel.title")}</h2>
        {items.length === 0 ? (
          <p>{t("vault.panel.none")}</p>
        ) : (
          <ul class="vault-evidence">
            {items.map((i) => (
              <li>
                <a href={`${BASE}/items/${i.id}`}>
                  <bdi>{itemName(i)}</bdi>
                </a>{" "}
                · {t(`vault.kind.${i.kind}`)} · {when(lang, i.createdAt)} · <Hash digest={i.original.digest} /> {i.confidentiality && i.confidentiality !== "staff" ? confBadge(env, i.confidentiality) : null}
              </li>
            ))}
          </ul>
        )}
        <p class="row">
          {can(ctx.actor, "vault.add") && <a href={`${BASE}/new${q}`}>{t("vault.panel.upload")}</a>}
          {can(ctx.actor, "vault.capture") && <a href={`${BASE}/capture${q}`}>{t("vault.panel.capture")}</a>}
        </p>
      </section>
    );
  },
});

// ---------------------------------------------------------------------------
// Routes

/** Fields of the upload form ("_csrf" is read before the rest, see below). */
const FORM_FIELDS: ReadonlySet<string> = new Set(["_csrf", "title", "notes", "sourceIds", "confidentiality"]);

/** The parts of an upload still to read after its CSRF token was taken (per request). */
const pendingParts = new WeakMap<FastifyRequest, AsyncIterable<Multipart>>();

async function* rest(first: Multipart | undefined, it: AsyncIterator<Multipart>): AsyncGenerator<Multipart> {
  if (first) yield first;
  for (;;) {
    const n = await it.next();
    if (n.done) return;
    yield n.value;
  }
}

/** Staff pages of the vault: items, upload, capture requests, an item with its custody, proofs and export. */
export const vaultPages = withStaff(async (app: FastifyInstance) => {
  const maxBytes = app.deps.config.uploadMaxBytes ?? DEFAULT_UPLOAD_MAX;
  await app.register(multipart, uploadMultipartOptions(maxBytes));

  // The upload streams the file into the vault, so its form cannot be parsed
  // whole before the workspace checks the CSRF token: the token is the form's
  // first part, read here (a few bytes, only for a signed-in member of staff
  // who may add evidence) and checked by the workspace as for any form.
  // Nothing else is read until then; a refused upload closes the connection.
  app.addHook("preValidation", async (req, reply) => {
    if (req.method !== "POST" || req.routeOptions.url !== `${BASE}/items` || !req.isMultipart()) return;
    reply.header("connection", "close");
    const auth = await authenticate(req);
    if (auth.via !== "session" || auth.session?.stage !== "full" || !can(auth.actor, "vault.add")) return;
    try {
      const it = req.parts()[Symbol.asyncIterator]();
      const first = await it.next();
      if (first.done) return;
      const isToken = first.value.type === "field" && first.value.fieldname === "_csrf";
      if (isToken) req.body = { _csrf: String((first.value as { value: unknown }).value) };
      pendingParts.set(req, rest(isToken ? undefined : first.value, it));
    } catch {
      // A malformed body: no token, so the workspace refuses it.
    }
  });

  app.get(`${BASE}/`, async (req, reply) => {
    const { ctx } = await authenticate(req);
    authorize(ctx.actor, "vault.read");
    const vault = await vaultOf(req);
    const before = str(req.query, "before");
    const page = await listEvidence(ctx, vault, { limit: 25, ...(before ? { before } : {}) });
    const { captures } = await listCaptureRequests(ctx, { limit: 20 });
    const labels = await sourceLabels(
      ctx,
      page.items.flatMap((i) => i.sourceIds),
    );
    const env = await pageEnv(req, reply);
    const notice = str(req.query, "done") === "restricted" ? { kind: "ok" as const, text: env.t("vault.item.addedRestricted") } : undefined;
    return sendPage(reply, <SectionPage env={env} items={page.items} next={page.next} first={!before} labels={labels} captures={captures} notice={notice} />);
  });

  app.get(`${BASE}/new`, async (req, reply) => {
    const { ctx } = await authenticate(req);
    authorize(ctx.actor, "vault.add");
    const env = await pageEnv(req, reply);
    return sendPage(reply, <UploadForm env={env} values={{ sourceIds: str(req.query, "source") }} maxBytes={maxBytes} />);
  });

  app.post(`${BASE}/items`, async (req, reply) => {
    const { ctx } = await authenticate(req);
    authorize(ctx.actor, "vault.add");
    const vault = await vaultOf(req);
    const fields = new Map<string, string[]>();
    const one = (name: string): string => fields.get(name)?.[0] ?? "";
    const input = (): EvidenceInput => {
      const title = one("title").trim();
      const notes = one("notes").trim();
      const confidentiality = one("confidentiality").trim();
      return { sourceIds: splitIds(one("sourceIds")), ...(title ? { title } : {}), ...(notes ? { notes } : {}), ...(confidentiality ? { confidentiality } : {}) };
    };
    try {
      const parts = pendingParts.get(req);
      const original = await readUpload(ctx, vault, req, reply, { maxBytes, known: FORM_FIELDS, ...(parts ? { parts } : {}) }, fields);
      const { item } = await addEvidence(ctx, vault, original, input());
      reply.removeHeader("connection");
      // Someone may store restricted evidence they may not read back: they are told it was kept.
      if (!mayRead(ctx.actor, item.confidentiality ?? "staff", [item.id])) return reply.redirect(`${BASE}/?done=restricted`, 303);
      return reply.redirect(`${BASE}/items/${item.id}?done=added`, 303);
    } catch (err) {
      if (!isFormError(err)) throw err;
      const errors = fieldErrors(err, { sourceId: "sourceIds" });
      // The file was refused: say what else is wrong too, so it is all fixed at once.
      if (errors.file) {
        try {
          await checkEvidenceInput(ctx, input());
        } catch (more) {
          if (!(more instanceof VigilError) || more.code !== "validation") throw more;
          Object.assign(errors, fieldErrors(more, { sourceId: "sourceIds" }), { file: errors.file });
        }
      }
      const env = await pageEnv(req, reply);
      const values: UploadValues = { title: one("title"), notes: one("notes"), sourceIds: one("sourceIds"), confidentiality: one("confidentiality") };
      return sendPage(reply, <UploadForm env={env} values={values} errors={errors} maxBytes={maxBytes} />, err.status);
    }
  });

  app.get(`${BASE}/capture`, async (req, reply) => {
    const { ctx } = await authenticate(req);
    authorize(ctx.actor, "vault.capture");
    const env = await pageEnv(req, reply);
    return sendPage(reply, <CaptureForm env={env} values={{ sourceIds: str(req.query, "source") }} />);
  });

  app.post(`${BASE}/captures`, async (req, reply) => {
    const { ctx } = await authenticate(req);
    authorize(ctx.actor, "vault.capture");
    const values: CaptureValues = { url: str(req.body, "url").trim(), rendered: str(req.body, "rendered") === "1", sourceIds: str(req.body, "sourceIds"), notes: str(req.body, "notes") };
    try {
      if (!values.url) throw new VigilError("validation", "give the address of the page to capture", { where: { field: "url" } });
      const notes = values.notes?.trim();
      const capture = await requestCapture(ctx, {
        url: values.url,
        rendered: values.rendered === true,
        sourceIds: splitIds(values.sourceIds ?? ""),
        ...(notes ? { notes } : {}),
        allowPrivate: req.server.deps.config.captureAllowPrivate === true,
      });
      return reply.redirect(`${BASE}/captures/${capture.id}`, 303);
    } catch (err) {
      if (!isFormError(err)) throw err;
      const env = await pageEnv(req, reply);
      return sendPage(reply, <CaptureForm env={env} values={values} errors={fieldErrors(err)} />, err.status);
    }
  });

  app.get(`${BASE}/captures`, async (req, reply) => {
    const { ctx } = await authenticate(req);
    authorize(ctx.actor, "vault.read");
    const asked = str(req.query, "status");
    // An unknown status is shown as no filter, not as an error page: it can only come from an edited address.
    const status = CAPTURE_STATUSES.find((s) => s === asked);
    const before = str(req.query, "before");
    const page = await listCaptureRequests(ctx, { limit: 50, ...(before ? { before } : {}), ...(status ? { status } : {}) });
    const env = await pageEnv(req, reply);
    return sendPage(reply, <CapturesPage env={env} captures={page.captures} next={page.next} first={!before} status={status} />);
  });

  app.get(`${BASE}/captures/:id`, async (req, reply) => {
    const { ctx } = await authenticate(req);
    authorize(ctx.actor, "vault.read");
    const capture = await getCaptureRequest(ctx, (req.params as { id: string }).id);
    const names = await userNames(ctx, [capture.requestedBy]);
    const env = await pageEnv(req, reply);
    // Without JavaScript the page follows the capture by reloading itself.
    if (capture.status === "queued" || capture.status === "running" || capture.status === "retrying") reply.header("refresh", "3");
    return sendPage(reply, <CapturePage env={env} capture={capture} requester={names.get(capture.requestedBy) ?? capture.requestedBy} />);
  });

  const itemPage = async (req: FastifyRequest, reply: FastifyReply, ctx: Ctx, opts: { status?: number; linkValue?: string; linkErrors?: FieldErrors; exportErrors?: FieldErrors } = {}): Promise<FastifyReply> => {
    const view = await getEvidence(ctx, await vaultOf(req), (req.params as { id: string }).id);
    const names = await userNames(
      ctx,
      view.custody.map((c) => c.event.actor),
    );
    const env = await pageEnv(req, reply);
    const done = str(req.query, "done");
    const notice = done === "added" ? { kind: "ok" as const, text: env.t("vault.item.added") } : done === "linked" ? { kind: "ok" as const, text: env.t("vault.item.linked") } : undefined;
    return sendPage(reply, <ItemPage env={env} view={view} names={names} notice={opts.status ? undefined : notice} linkValue={opts.linkValue ?? ""} linkErrors={opts.linkErrors} exportErrors={opts.exportErrors} />, opts.status);
  };

  app.get(`${BASE}/items/:id`, async (req, reply) => {
    const { ctx } = await authenticate(req);
    return itemPage(req, reply, ctx);
  });

  app.get(`${BASE}/items/:id/receipt.json`, async (req, reply) => {
    const { ctx } = await authenticate(req);
    const vault = await vaultOf(req);
    const { item } = await getEvidence(ctx, vault, (req.params as { id: string }).id);
    const receipt = await vault.receipt(item.id);
    return reply
      .type("application/json; charset=utf-8")
      .header("content-disposition", `attachment; filename="${item.id}-receipt.json"`)
      .send(`${JSON.stringify(receipt, null, 2)}\n`);
  });

  app.get(`${BASE}/items/:id/files/:role`, async (req, reply) => {
    const { ctx } = await authenticate(req);
    const vault = await vaultOf(req);
    const { role } = req.params as { role: string };
    const { item } = await getEvidence(ctx, vault, (req.params as { id: string }).id);
    const ref = role === "original" ? item.original : item.derived.find((d) => d.role === role);
    if (!ref) throw new VigilError("not_found", `item ${item.id} has no ${role} copy`);
    // Only derived images are shown in the page; everything else (the original above all) is a download, never rendered.
    const inline = role !== "original" && INLINE_IMAGES.has(ref.mediaType);
    const ext = ref.mediaType.split("/")[1]?.replace(/[^a-z0-9]/g, "") || "bin";
    return reply
      .type(inline ? ref.mediaType : "application/octet-stream")
      .header("x-content-type-options", "nosniff")
      .header("content-disposition", `${inline ? "inline" : "attachment"}; filename="${item.id}-${role}.${ext}"`)
      .send(await vault.blobs.get(ref.digest));
  });

  app.post(`${BASE}/items/:id/link`, async (req, reply) => {
    const { ctx } = await authenticate(req);
    authorize(ctx.actor, "vault.add");
    const id = (req.params as { id: string }).id;
    const sourceId = str(req.body, "sourceId").trim();
    try {
      if (!sourceId) throw new VigilError("validation", "give the id of a Source record (src_…)", { where: { field: "sourceId" } });
      await linkEvidence(ctx, await vaultOf(req), id, sourceId);
    } catch (err) {
      if (!(err instanceof VigilError) || !(err.code === "conflict" || isFormError(err))) throw err;
      return itemPage(req, reply, ctx, { status: err.status, linkValue: sourceId, linkErrors: { sourceId: [err.message] } });
    }
    return reply.redirect(`${BASE}/items/${id}?done=linked`, 303);
  });

  app.post(`${BASE}/items/:id/export`, async (req, reply) => {
    const { ctx } = await authenticate(req);
    authorize(ctx.actor, "vault.export");
    const vault = await vaultOf(req);
    const view = await getEvidence(ctx, vault, (req.params as { id: string }).id);
    const sourceId = str(req.body, "source");
    if (!view.sources.some((s) => s.id === sourceId)) return itemPage(req, reply, ctx, { status: 400, exportErrors: { source: ["choose one of the item's Sources"] } });
    const dir = await mkdtemp(join(tmpdir(), "vigil-export-"));
    const cleanup = (): Promise<void> => rm(dir, { recursive: true, force: true });
    let path: string;
    try {
      path = (await exportEvidence(ctx, vault, join(dir, "bundle.zip"), { sourceId })).path;
    } catch (err) {
      await cleanup();
      throw err;
    }
    const stream = createReadStream(path);
    // The temp file goes once the download has been sent, or abandoned.
    stream.once("close", () => void cleanup());
    return reply
      .type("application/zip")
      .header("content-disposition", `attachment; filename="${sourceId}-evidence.zip"`)
      .send(stream);
  });
});
