import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { can, type Action } from "../accounts/index.ts";
import { VigilError, type FieldProblem } from "../core/errors.ts";
import {
  getRecord,
  listVocabularies,
  CONFIDENCES,
  CONFIDENTIALITIES,
  KIND_VOCABULARY,
  PROPERTIES,
  RECORD_TYPES,
  type Claim,
  type ClaimInput,
  type JsonObject,
  type RecordInput,
  type RecordPatch,
  type RecordType,
  type Term,
  type VRecord,
} from "../records/index.ts";
import { NAME_KINDS } from "../core/names.ts";
import { parseDate } from "../core/dates.ts";
import { authenticate } from "./http.ts";
import { messages } from "./messages.ts";
import { applyOp, proposeChange, type ProposalOp } from "./proposals.ts";
import { recordLabel } from "./record-view.tsx";
import { pickerSearch, picked, PickerResults } from "./pages-records.tsx";
import { Csrf, ErrorSummary, errorsByField, pageEnv, SelectField, sendPage, StaffLayout, str, TextArea, TextField, type FieldErrors, type PageEnv } from "./ui.tsx";

messages({
  "workspace.form.nameFa": ["Name in Persian script", "نام به خط فارسی"],
  "workspace.form.nameEn": ["Name in Latin script", "نام به خط لاتین"],
  "workspace.form.nameHint": ["As the source writes it. Give at least one.", "همان‌گونه که منبع نوشته است. دست‌کم یکی را بدهید."],
  "workspace.form.sex": ["Sex", "جنسیت"],
  "workspace.form.birth": ["Date of birth", "تاریخ تولد"],
  "workspace.form.death": ["Date of death", "تاریخ درگذشت"],
  "workspace.form.dateHint": ["Jalali (1367/05/12) or Gregorian (1988-08-03); a year or a month is fine; approximate: c. 1340, ranges: 1367/05–1367/07.", "شمسی (۱۳۶۷/۰۵/۱۲) یا میلادی (1988-08-03)؛ سال یا ماه هم کافی است؛ تقریبی: حدود ۱۳۴۰، بازه: ۱۳۶۷/۰۵–۱۳۶۷/۰۷."],
  "workspace.form.source": ["Source of these facts", "منبع این واقعیت‌ها"],
  "workspace.form.sourceId": ["Source id", "شناسه منبع"],
  "workspace.form.sourceFind": ["Find a source by its title or words in it", "منبع را با عنوان یا واژه‌هایش پیدا کنید"],
  "workspace.form.locator": ["Where in the source (page, paragraph, row)", "کجای منبع (صفحه، بند، ردیف)"],
  "workspace.form.quote": ["Quotation from the source", "نقل‌قول از منبع"],
  "workspace.form.reliability": ["Reliability of this information", "اعتبار این اطلاعات"],
  "workspace.form.connection": ["The source's connection to it", "ارتباط منبع با آن"],
  "workspace.form.confidence": ["Confidence", "اطمینان"],
  "workspace.form.claimConfidentiality": ["Who may see these facts", "چه کسی این واقعیت‌ها را ببیند"],
  "workspace.form.confidentiality": ["Who may see this record", "چه کسی این رکورد را ببیند"],
  "workspace.form.confHint": ["Restricted: only people granted access. Staff: all staff. Public: may be published on the memorial.", "محرمانه: فقط کسانی که دسترسی دارند. کارکنان: همه کارکنان. عمومی: ممکن است در یادبود منتشر شود."],
  "workspace.form.status": ["Status", "وضعیت"],
  "workspace.form.label": ["Title (English)", "عنوان (انگلیسی)"],
  "workspace.form.labelFa": ["Title (Persian)", "عنوان (فارسی)"],
  "workspace.form.kind": ["Kind", "نوع"],
  "workspace.form.date": ["Date", "تاریخ"],
  "workspace.form.url": ["Address (URL)", "نشانی (URL)"],
  "workspace.form.text": ["Text of the source", "متن منبع"],
  "workspace.form.property": ["What kind of fact", "چه نوع واقعیتی"],
  "workspace.form.choose": ["Choose", "انتخاب"],
  "workspace.form.term": ["Term", "اصطلاح"],
  "workspace.form.valueText": ["Text", "متن"],
  "workspace.form.nameText": ["Name", "نام"],
  "workspace.form.nameKind": ["Kind of name", "نوع نام"],
  "workspace.form.age": ["Age in years", "سن به سال"],
  "workspace.form.count": ["Number of people", "تعداد افراد"],
  "workspace.form.idScheme": ["Identifier scheme (e.g. national id)", "نوع شناسه (مثلاً کد ملی)"],
  "workspace.form.idValue": ["Identifier", "شناسه"],
  "workspace.form.lat": ["Latitude", "عرض جغرافیایی"],
  "workspace.form.lon": ["Longitude", "طول جغرافیایی"],
  "workspace.form.victimStatus": ["Victim's status", "وضعیت قربانی"],
  "workspace.form.object": ["What it points to (id)", "به چه اشاره دارد (شناسه)"],
  "workspace.form.objectFind": ["Find it by name", "با نام پیدا کنید"],
  "workspace.form.place": ["Place (id)", "مکان (شناسه)"],
  "workspace.form.placeFind": ["Find a place by name", "مکان را با نام پیدا کنید"],
  "workspace.form.note": ["Note for colleagues", "یادداشت برای همکاران"],
  "workspace.form.addClaim": ["Add a fact to {label}", "افزودن واقعیت به {label}"],
  "workspace.form.editClaim": ["Edit a fact of {label}", "ویرایش واقعیتی از {label}"],
  "workspace.form.editRecord": ["Edit {label}", "ویرایش {label}"],
  "workspace.form.newRecord": ["New {type}", "{type} تازه"],
  "workspace.form.propose": ["Send for review", "فرستادن برای بازبینی"],
  "workspace.form.proposeNote": ["Your role proposes changes: an editor reviews them before they apply.", "نقش شما تغییرات را پیشنهاد می‌دهد: ویراستاری پیش از اعمال آن‌ها را بازبینی می‌کند."],
  "workspace.form.conflict": ["Someone else saved this while you were editing (now version {v, number}). Their values and yours are shown below; nothing was overwritten. Check, then save again to apply yours.", "کس دیگری هنگام ویرایش شما این را ذخیره کرد (اکنون نسخه {v, number}). مقادیر او و شما در زیر آمده است؛ چیزی بازنویسی نشد. بررسی کنید و دوباره ذخیره کنید تا تغییر شما اعمال شود."],
  "workspace.form.theirs": ["Now saved", "اکنون ذخیره‌شده"],
  "workspace.form.yours": ["Yours", "مال شما"],
  "workspace.form.retract": ["Retract this fact", "پس گرفتن این واقعیت"],
  "workspace.form.retractReason": ["Why is it retracted?", "چرا پس گرفته می‌شود؟"],
  "workspace.form.retractHint": ["Nothing is deleted: the fact stays in history and can be restored.", "چیزی پاک نمی‌شود: واقعیت در تاریخچه می‌ماند و بازگرداندنی است."],
  "workspace.form.needName": ["give a name in at least one script", "دست‌کم یک نام به یکی از دو خط بدهید"],
  "workspace.form.needSource": ["choose the source these facts come from", "منبعی را که این واقعیت‌ها از آن آمده انتخاب کنید"],
  "workspace.form.individual": ["individual", "فرد"],
  "workspace.form.group": ["group", "گروه"],
});

const DIRECT: Record<ProposalOp["op"], Action> = { "record.create": "record.create", "record.update": "record.update", "claim.add": "claim.create", "claim.update": "claim.update", "claim.retract": "claim.update" };

/** Applies a change, or for a role that only proposes, files it for review; either way through the same use case. */
async function act(req: FastifyRequest, op: ProposalOp, summary: string, reason: string | null): Promise<{ kind: "done"; id: string } | { kind: "proposed" }> {
  const { ctx } = await authenticate(req);
  if (can(ctx.actor, DIRECT[op.op])) return { kind: "done", id: await applyOp(ctx, op, reason) };
  await proposeChange(ctx, op, summary, reason);
  return { kind: "proposed" };
}

type Values = Record<string, string>;
const options = (list: readonly string[], label: (v: string) => string) => list.map((v) => ({ value: v, label: label(v) }));
const termOptions = (vocab: Map<string, Term[]>, name: string, lang: "en" | "fa") => (vocab.get(name) ?? []).filter((t) => !t.retired).map((t) => ({ value: t.code, label: lang === "fa" ? t.labelFa : t.labelEn }));

function SourceFields({ env, values, errors, vocab, results }: { env: PageEnv; values: Values; errors?: FieldErrors | undefined; vocab: Map<string, Term[]>; results?: { id: string; label: string; type: string }[] | undefined }) {
  const { t, lang } = env;
  return (
    <fieldset>
      <legend>{t("workspace.form.source")}</legend>
      <div class="picker" data-picker="source">
        <TextField name="sourceQ" label={t("workspace.form.sourceFind")} value={values.sourceQ} type="search" />
        <button type="submit" name="find" value="source" class="secondary">
          {t("workspace.find")}
        </button>
        <PickerResults env={env} field="sourceId" results={results} />
        <TextField name="sourceId" label={t("workspace.form.sourceId")} value={values.sourceId} errors={errors} dir="ltr" />
      </div>
      <TextField name="locator" label={t("workspace.form.locator")} value={values.locator} errors={errors} />
      <TextArea name="quote" label={t("workspace.form.quote")} value={values.quote} errors={errors} rows={2} />
      <SelectField name="reliability" label={t("workspace.form.reliability")} value={values.reliability} options={termOptions(vocab, "source_reliability", lang)} blank="" errors={errors} />
      <SelectField name="connection" label={t("workspace.form.connection")} value={values.connection} options={termOptions(vocab, "source_connection", lang)} blank="" errors={errors} />
    </fieldset>
  );
}

function ConfidenceFields({ env, values, errors, claimLevel, forRecord = false }: { env: PageEnv; values: Values; errors?: FieldErrors | undefined; claimLevel: string; forRecord?: boolean }) {
  const { t } = env;
  return (
    <div class="grid two">
      <SelectField name="confidence" label={t("workspace.form.confidence")} value={values.confidence || "probable"} options={options(CONFIDENCES, (c) => t(`workspace.confidence.${c}`))} errors={errors} />
      <SelectField name={claimLevel} label={t(forRecord ? "workspace.form.confidentiality" : "workspace.form.claimConfidentiality")} hint={t("workspace.form.confHint")} value={values[claimLevel] || "staff"} options={options(CONFIDENTIALITIES, (c) => t(`workspace.conf.${c}`))} errors={errors} />
    </div>
  );
}

function SubmitRow({ env, canDirect }: { env: PageEnv; canDirect: boolean }) {
  return (
    <>
      {!canDirect && <p class="notice">{env.t("workspace.form.proposeNote")}</p>}
      <p class="row">
        <button type="submit">{env.t(canDirect ? "workspace.save" : "workspace.form.propose")}</button>
        <a href="/workspace/" class="button secondary">
          {env.t("workspace.cancel")}
        </a>
      </p>
    </>
  );
}

/** Fields of a record itself (not its claims), for creating and editing. */
function RecordFields({ env, type, values, errors, vocab }: { env: PageEnv; type: RecordType; values: Values; errors?: FieldErrors | undefined; vocab: Map<string, Term[]> }) {
  const { t, lang } = env;
  const kindVocab = KIND_VOCABULARY[type];
  return (
    <>
      {type !== "person" && (
        <div class="grid two">
          <TextField name="labelFa" label={t("workspace.form.labelFa")} value={values.labelFa} errors={errors} dir="rtl" lang="fa" />
          <TextField name="label" label={t("workspace.form.label")} value={values.label} errors={errors} dir="ltr" lang="en" />
        </div>
      )}
      {type === "person" ? (
        <SelectField name="kind" label={t("workspace.form.kind")} value={values.kind || "individual"} options={[{ value: "individual", label: t("workspace.form.individual") }, { value: "group", label: t("workspace.form.group") }]} errors={errors} />
      ) : (
        kindVocab && <SelectField name="kind" label={t("workspace.form.kind")} value={values.kind} options={termOptions(vocab, kindVocab, lang)} blank="" errors={errors} />
      )}
      {type !== "person" && <TextField name="date" label={t("workspace.form.date")} hint={t("workspace.form.dateHint")} value={values.date} errors={errors} />}
      {type === "source" && (
        <>
          <TextField name="url" label={t("workspace.form.url")} value={values.url} errors={errors} type="url" dir="ltr" />
          <TextArea name="text" label={t("workspace.form.text")} value={values.text} errors={errors} rows={8} />
        </>
      )}
      <div class="grid two">
        <SelectField name="confidentiality" label={t("workspace.form.confidentiality")} hint={t("workspace.form.confHint")} value={values.confidentiality || "staff"} options={options(CONFIDENTIALITIES, (c) => t(`workspace.conf.${c}`))} errors={errors} />
        <SelectField name="status" label={t("workspace.form.status")} value={values.status || "draft"} options={options(["draft", "published"], (s) => t(`workspace.status.${s}`))} errors={errors} />
      </div>
    </>
  );
}

const FORM_FIELDS = ["nameFa", "nameEn", "sex", "birth", "death", "sourceId", "sourceQ", "locator", "quote", "reliability", "connection", "confidence", "claimConfidentiality", "confidentiality", "status", "kind", "label", "labelFa", "date", "url", "text", "reason", "version"];
const readValues = (body: unknown, extra: string[] = []): Values => Object.fromEntries([...FORM_FIELDS, ...extra].map((f) => [f, str(body, f)]));

/** Maps a use case's field names (claims[2].value.text) to the form's. */
function mapper(claimFields: { value?: string; date?: string; term?: string }[], prefix = true): (field: string) => string {
  return (field) => {
    const m = prefix ? /^claims\[(\d+)\]\.(.*)$/.exec(field) : ([field, "0", field] as const);
    if (!m) return field === "data.url" ? "url" : field;
    const cf = claimFields[Number(m[1])] ?? {};
    const rest = m[2];
    if (rest.startsWith("citations")) return rest.endsWith("reliability") ? "reliability" : rest.endsWith("connection") ? "connection" : "sourceId";
    if (rest.startsWith("value")) return cf.value ?? "valueText";
    if (rest === "date") return cf.date ?? "date";
    if (rest === "term") return cf.term ?? "term";
    if (rest === "confidentiality") return prefix ? "claimConfidentiality" : "confidentiality";
    return rest;
  };
}

function citationFrom(values: Values): ClaimInput["citations"] {
  return values.sourceId ? [{ sourceId: values.sourceId, locator: values.locator || null, quote: values.quote || null, reliability: values.reliability || null, connection: values.connection || null }] : [];
}

function recordPatch(record: VRecord, v: Values): RecordPatch {
  const type = record.type;
  return {
    kind: v.kind || null,
    status: v.status || "draft",
    confidentiality: v.confidentiality || "staff",
    ...(type !== "person" ? { label: v.label, labelFa: v.labelFa, date: v.date } : {}),
    ...(type === "source" ? { data: { ...record.data, url: v.url ?? "" }, text: v.text || null } : {}),
  };
}

function newRecordInput(type: RecordType, v: Values): { input: RecordInput; fields: { value?: string; date?: string; term?: string }[]; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  const claims: ClaimInput[] = [];
  const fields: { value?: string; date?: string; term?: string }[] = [];
  const base = { confidence: v.confidence || "probable", confidentiality: v.claimConfidentiality || "staff", citations: citationFrom(v) };
  if (type === "person") {
    if (!v.nameFa?.trim() && !v.nameEn?.trim()) problems.push({ field: "nameFa", message: "workspace.form.needName" });
    for (const f of ["nameFa", "nameEn"] as const) {
      if (v[f]?.trim()) {
        claims.push({ ...base, property: "name", value: { text: v[f], kind: "full" } });
        fields.push({ value: f });
      }
    }
    if (v.sex) {
      claims.push({ ...base, property: "sex", term: v.sex });
      fields.push({ term: "sex" });
    }
    for (const f of ["birth", "death"] as const) {
      if (v[f]?.trim()) {
        try {
          parseDate(v[f], { field: f });
        } catch (e) {
          problems.push({ field: f, message: e instanceof Error ? e.message : String(e) });
        }
        claims.push({ ...base, property: f, date: v[f] });
        fields.push({ date: f });
      }
    }
    if (claims.length && !v.sourceId) problems.push({ field: "sourceId", message: "workspace.form.needSource" });
  }
  const data: JsonObject = type === "source" && v.url ? { url: v.url } : {};
  const input: RecordInput = {
    type,
    kind: v.kind || (type === "person" ? "individual" : null),
    status: v.status || "draft",
    confidentiality: v.confidentiality || "staff",
    ...(type !== "person" ? { label: v.label ?? "", labelFa: v.labelFa ?? "", date: v.date ?? "" } : {}),
    data,
    ...(type === "source" && v.text ? { text: v.text } : {}),
    claims,
  };
  return { input, fields, problems };
}

/** Values of a form for an existing claim. */
function claimValues(c: Claim): Values {
  const v = c.value as Record<string, unknown>;
  const cite = c.citations[0];
  return {
    property: c.property,
    term: c.term ?? "",
    valueText: typeof v.text === "string" ? v.text : "",
    nameKind: typeof v.kind === "string" ? v.kind : "full",
    age: typeof v.age === "number" || typeof v.age === "string" ? String(v.age) : "",
    count: typeof v.count === "number" || typeof v.count === "string" ? String(v.count) : "",
    idScheme: typeof v.scheme === "string" ? v.scheme : "",
    idValue: typeof v.value === "string" ? v.value : "",
    lat: typeof v.lat === "number" || typeof v.lat === "string" ? String(v.lat) : "",
    lon: typeof v.lon === "number" || typeof v.lon === "string" ? String(v.lon) : "",
    victimStatus: typeof v.victim_status === "string" ? v.victim_status : "",
    objectId: c.objectId ?? "",
    placeId: c.placeId ?? "",
    date: c.date?.text ?? "",
    confidence: c.confidence,
    confidentiality: c.confidentiality,
    note: c.note ?? "",
    sourceId: cite?.sourceId ?? "",
    locator: cite?.locator ?? "",
    quote: cite?.quote ?? "",
    reliability: cite?.reliability ?? "",
    connection: cite?.connection ?? "",
    version: String(c.version),
  };
}

const CLAIM_FIELDS = ["property", "term", "valueText", "nameKind", "age", "count", "idScheme", "idValue", "lat", "lon", "victimStatus", "objectId", "objectQ", "placeId", "placeQ", "date", "confidence", "confidentiality", "note", "sourceId", "sourceQ", "locator", "quote", "reliability", "connection", "reason", "version"];

function claimFromValues(v: Values, existing?: Claim): ClaimInput {
  const spec = PROPERTIES[v.property ?? ""];
  let value: JsonObject = {};
  switch (spec?.value) {
    case "name":
      value = { text: v.valueText ?? "", kind: v.nameKind || "full" };
      break;
    case "text":
      value = v.valueText ? { text: v.valueText } : {};
      break;
    case "age":
      value = { age: v.age ?? "" };
      break;
    case "count":
      value = { count: v.count ?? "" };
      break;
    case "identifier":
      value = { scheme: v.idScheme ?? "", value: v.idValue ?? "" };
      break;
    case "coordinates":
      value = { lat: v.lat ?? "", lon: v.lon ?? "" };
      break;
    case "act": {
      const old = (existing?.value ?? {});
      value = { ...(v.victimStatus ? { victim_status: v.victimStatus } : {}), ...(Array.isArray(old.charges) ? { charges: old.charges } : {}), ...(v.valueText ? { text: v.valueText } : {}) };
      break;
    }
    default:
      break;
  }
  const cites = citationFrom(v);
  // Further citations of an existing claim are kept when its first is edited.
  const rest = existing ? existing.citations.slice(1).filter((c) => c.sourceId !== v.sourceId) : [];
  return {
    property: v.property ?? "",
    term: v.term || null,
    value,
    objectId: v.objectId || null,
    placeId: v.placeId || null,
    date: v.date ?? "",
    confidence: v.confidence ?? "",
    confidentiality: v.confidentiality ?? "",
    note: v.note || null,
    citations: [...cites, ...rest],
  };
}

function ClaimFields({ env, subjectType, values, errors, vocab, results, fixedProperty }: { env: PageEnv; subjectType: RecordType; values: Values; errors?: FieldErrors | undefined; vocab: Map<string, Term[]>; results: Record<string, { id: string; label: string; type: string }[] | undefined>; fixedProperty: boolean }) {
  const { t, lang } = env;
  const spec = PROPERTIES[values.property ?? ""];
  if (!spec) return null;
  return (
    <>
      <input type="hidden" name="property" value={values.property} />
      {!fixedProperty && null}
      {spec.vocabulary && <SelectField name="term" label={t("workspace.form.term")} value={values.term} options={termOptions(vocab, spec.vocabulary, lang)} blank={spec.termRequired ? undefined : ""} errors={errors} />}
      {spec.value === "name" && (
        <div class="grid two">
          <TextField name="valueText" label={t("workspace.form.nameText")} value={values.valueText} errors={errors} />
          <SelectField name="nameKind" label={t("workspace.form.nameKind")} value={values.nameKind || "full"} options={options(NAME_KINDS, (k) => t(`workspace.nameKind.${k}`))} errors={errors} />
        </div>
      )}
      {(spec.value === "text" || spec.value === "act") && <TextArea name="valueText" label={t("workspace.form.valueText")} value={values.valueText} errors={errors} rows={3} />}
      {spec.value === "age" && <TextField name="age" label={t("workspace.form.age")} value={values.age} errors={errors} inputmode="numeric" />}
      {spec.value === "count" && <TextField name="count" label={t("workspace.form.count")} value={values.count} errors={errors} inputmode="numeric" />}
      {spec.value === "identifier" && (
        <div class="grid two">
          <TextField name="idScheme" label={t("workspace.form.idScheme")} value={values.idScheme} errors={errors} />
          <TextField name="idValue" label={t("workspace.form.idValue")} value={values.idValue} errors={errors} dir="ltr" />
        </div>
      )}
      {spec.value === "coordinates" && (
        <div class="grid two">
          <TextField name="lat" label={t("workspace.form.lat")} value={values.lat} errors={errors} dir="ltr" />
          <TextField name="lon" label={t("workspace.form.lon")} value={values.lon} errors={errors} dir="ltr" />
        </div>
      )}
      {spec.value === "act" && <SelectField name="victimStatus" label={t("workspace.form.victimStatus")} value={values.victimStatus} options={termOptions(vocab, "victim_status", lang)} blank="" errors={errors} />}
      {spec.object && (
        <div class="picker" data-picker={spec.object === "claim" ? "" : spec.object.join(",")}>
          {spec.object !== "claim" && (
            <>
              <TextField name="objectQ" label={t("workspace.form.objectFind")} value={values.objectQ} type="search" />
              <button type="submit" name="find" value="object" class="secondary">
                {t("workspace.find")}
              </button>
              <PickerResults env={env} field="objectId" results={results.object} />
            </>
          )}
          <TextField name="objectId" label={t("workspace.form.object")} value={values.objectId} errors={errors} dir="ltr" />
        </div>
      )}
      {spec.place && (
        <div class="picker" data-picker="place">
          <TextField name="placeQ" label={t("workspace.form.placeFind")} value={values.placeQ} type="search" />
          <button type="submit" name="find" value="place" class="secondary">
            {t("workspace.find")}
          </button>
          <PickerResults env={env} field="placeId" results={results.place} />
          <TextField name="placeId" label={t("workspace.form.place")} value={values.placeId} errors={errors} dir="ltr" />
        </div>
      )}
      {spec.date !== "none" && <TextField name="date" label={t("workspace.form.date")} hint={t("workspace.form.dateHint")} value={values.date} errors={errors} />}
      <ConfidenceFields env={env} values={values} errors={errors} claimLevel="confidentiality" />
      <SourceFields env={env} values={values} errors={errors} vocab={vocab} results={results.source} />
      <TextArea name="note" label={t("workspace.form.note")} value={values.note} errors={errors} rows={2} />
      {subjectType && null}
    </>
  );
}

function translateProblems(env: PageEnv, problems: FieldProblem[]): FieldProblem[] {
  return problems.map((p) => (p.message.startsWith("workspace.") ? { ...p, message: env.t(p.message) } : p));
}

async function pickers(req: FastifyRequest, body: unknown, values: Values, objectTypes: readonly RecordType[]): Promise<Record<string, { id: string; label: string; type: string }[] | undefined>> {
  const find = str(body, "find");
  if (find === "source") return { source: await pickerSearch(req, values.sourceQ ?? "", ["source"]) };
  if (find === "place") return { place: await pickerSearch(req, values.placeQ ?? "", ["place"]) };
  if (find === "object") return { object: await pickerSearch(req, values.objectQ ?? "", objectTypes) };
  return {};
}

export async function formPages(app: FastifyInstance): Promise<void> {
  const newPage = async (req: FastifyRequest, reply: FastifyReply, type: RecordType, values: Values, errors?: FieldErrors, results?: Record<string, { id: string; label: string; type: string }[] | undefined>): Promise<FastifyReply> => {
    const env = await pageEnv(req, reply);
    const { ctx } = await authenticate(req);
    const vocab = await listVocabularies(ctx);
    const { t, lang } = env;
    const title = t("workspace.form.newRecord", { type: t(`workspace.type.${type}`) });
    return sendPage(
      reply,
      <StaffLayout env={env} title={title} section={type === "person" ? "people" : `${type}s`}>
        <h1>{title}</h1>
        <ErrorSummary env={env} errors={errors} />
        <form method="post" action={`/workspace/new/${type}`} class="panel" novalidate>
          <Csrf env={env} />
          {type === "person" && (
            <>
              <div class="grid two">
                <TextField name="nameFa" label={t("workspace.form.nameFa")} hint={t("workspace.form.nameHint")} value={values.nameFa} errors={errors} dir="rtl" lang="fa" />
                <TextField name="nameEn" label={t("workspace.form.nameEn")} value={values.nameEn} errors={errors} dir="ltr" lang="en" />
              </div>
              <div class="grid three">
                <SelectField name="sex" label={t("workspace.form.sex")} value={values.sex} options={termOptions(vocab, "sex", lang)} blank="" errors={errors} />
                <TextField name="birth" label={t("workspace.form.birth")} hint={t("workspace.form.dateHint")} value={values.birth} errors={errors} />
                <TextField name="death" label={t("workspace.form.death")} value={values.death} errors={errors} />
              </div>
              <SourceFields env={env} values={values} errors={errors} vocab={vocab} results={results?.source} />
              <ConfidenceFields env={env} values={values} errors={errors} claimLevel="claimConfidentiality" />
            </>
          )}
          <RecordFields env={env} type={type} values={values} errors={errors} vocab={vocab} />
          <TextField name="reason" label={t("workspace.reason")} value={values.reason} errors={errors} />
          <SubmitRow env={env} canDirect={can(ctx.actor, "record.create")} />
        </form>
      </StaffLayout>,
      errors ? 400 : 200,
    );
  };

  app.get("/new/:type", async (req, reply) => {
    const type = (req.params as { type: string }).type as RecordType;
    if (!RECORD_TYPES.includes(type)) throw new VigilError("not_found", `no record type ${type}`);
    const { ctx } = await authenticate(req);
    if (!can(ctx.actor, "record.propose")) throw new VigilError("forbidden", "not permitted: record.propose");
    return newPage(req, reply, type, {});
  });

  app.post("/new/:type", async (req, reply) => {
    const type = (req.params as { type: string }).type as RecordType;
    if (!RECORD_TYPES.includes(type)) throw new VigilError("not_found", `no record type ${type}`);
    if (!can((await authenticate(req)).actor, "record.propose")) throw new VigilError("forbidden", "not permitted: record.propose");
    const body = req.body;
    const values = readValues(body);
    values.sourceId = picked(body, "sourceId");
    if (str(body, "find")) return newPage(req, reply, type, values, undefined, await pickers(req, body, values, []));
    const env = await pageEnv(req, reply);
    const { input, fields, problems } = newRecordInput(type, values);
    const label = type === "person" ? values.nameFa || values.nameEn || "" : values.labelFa || values.label || "";
    try {
      if (problems.length) throw new VigilError("validation", "the form has errors", { problems });
      const r = await act(req, { op: "record.create", input }, `new ${type}: ${label}`, values.reason || null);
      return reply.redirect(r.kind === "done" ? `/workspace/records/${r.id}?done=saved` : "/workspace/review?done=proposed", 303);
    } catch (e) {
      if (e instanceof VigilError && (e.code === "validation" || e.code === "date_parse" || e.code === "unknown_term")) {
        return newPage(req, reply, type, values, errorsByField(translateProblems(env, e.problems.length ? e.problems : [{ message: e.message, field: e.where?.field ?? "_form" }]), mapper(fields)));
      }
      throw e;
    }
  });

  const editPage = async (req: FastifyRequest, reply: FastifyReply, record: VRecord, values: Values, errors?: FieldErrors, conflictWith?: VRecord): Promise<FastifyReply> => {
    const env = await pageEnv(req, reply);
    const { ctx } = await authenticate(req);
    const vocab = await listVocabularies(ctx);
    const { t, lang } = env;
    const title = t("workspace.form.editRecord", { label: recordLabel(record, lang) });
    const theirs = conflictWith ? recordValues(conflictWith) : undefined;
    return sendPage(
      reply,
      <StaffLayout env={env} title={title} notice={conflictWith ? { kind: "error", text: t("workspace.form.conflict", { v: conflictWith.version }) } : undefined}>
        <p>
          <a href={`/workspace/records/${record.id}`}>← {recordLabel(record, lang)}</a>
        </p>
        <h1>{title}</h1>
        {theirs && (
          <table class="diff conflict">
            <thead>
              <tr>
                <th scope="col">{t("workspace.history.field")}</th>
                <th scope="col">{t("workspace.form.theirs")}</th>
                <th scope="col">{t("workspace.form.yours")}</th>
              </tr>
            </thead>
            <tbody>
              {Object.keys(theirs)
                .filter((k) => k !== "version" && (theirs[k] ?? "") !== (values[k] ?? ""))
                .map((k) => (
                  <tr>
                    <th scope="row">{k}</th>
                    <td>
                      <bdi>{theirs[k]}</bdi>
                    </td>
                    <td>
                      <bdi>{values[k]}</bdi>
                    </td>
                  </tr>
                ))}
            </tbody>
          </table>
        )}
        <ErrorSummary env={env} errors={errors} />
        <form method="post" action={`/workspace/records/${record.id}/edit`} class="panel" novalidate>
          <Csrf env={env} />
          <input type="hidden" name="version" value={conflictWith ? String(conflictWith.version) : values.version} />
          <RecordFields env={env} type={record.type} values={values} errors={errors} vocab={vocab} />
          <TextField name="reason" label={t("workspace.reason")} value={values.reason} errors={errors} />
          <SubmitRow env={env} canDirect={can(ctx.actor, "record.update")} />
        </form>
      </StaffLayout>,
      errors ? 400 : conflictWith ? 409 : 200,
    );
  };

  app.get("/records/:id/edit", async (req, reply) => {
    const { ctx } = await authenticate(req);
    if (!can(ctx.actor, "record.propose")) throw new VigilError("forbidden", "not permitted: record.propose");
    const view = await getRecord(ctx, (req.params as { id: string }).id);
    return editPage(req, reply, view.record, { ...recordValues(view.record), text: view.sourceText ?? "" });
  });

  app.post("/records/:id/edit", async (req, reply) => {
    const { ctx } = await authenticate(req);
    const view = await getRecord(ctx, (req.params as { id: string }).id);
    const values = readValues(req.body);
    const version = Number(values.version);
    const record = view.record;
    try {
      const r = await act(req, { op: "record.update", id: record.id, version, patch: recordPatch(record, values) }, `edit ${record.type} ${recordLabel(record, "en")}`, values.reason || null);
      return reply.redirect(r.kind === "done" ? `/workspace/records/${record.id}?done=saved` : "/workspace/review?done=proposed", 303);
    } catch (e) {
      if (e instanceof VigilError && e.code === "conflict") {
        const fresh = await getRecord(ctx, record.id);
        return editPage(req, reply, fresh.record, values, undefined, fresh.record);
      }
      if (e instanceof VigilError && (e.code === "validation" || e.code === "date_parse" || e.code === "unknown_term")) return editPage(req, reply, record, values, errorsByField(e.problems.length ? e.problems : [{ message: e.message, field: e.where?.field ?? "_form" }], mapper([], false)));
      throw e;
    }
  });

  const claimPage = async (req: FastifyRequest, reply: FastifyReply, subject: VRecord, values: Values, opts: { claim?: Claim; errors?: FieldErrors | undefined; conflict?: Claim; results?: Record<string, { id: string; label: string; type: string }[] | undefined> }): Promise<FastifyReply> => {
    const env = await pageEnv(req, reply);
    const { ctx } = await authenticate(req);
    const vocab = await listVocabularies(ctx);
    const { t, lang } = env;
    const label = recordLabel(subject, lang);
    const title = t(opts.claim ? "workspace.form.editClaim" : "workspace.form.addClaim", { label });
    const props = Object.entries(PROPERTIES).filter(([, s]) => s.subjects.includes(subject.type));
    const action = opts.claim ? `/workspace/claims/${opts.claim.id}/edit` : `/workspace/records/${subject.id}/claims/new`;
    return sendPage(
      reply,
      <StaffLayout env={env} title={title} notice={opts.conflict ? { kind: "error", text: t("workspace.form.conflict", { v: opts.conflict.version }) } : undefined}>
        <p>
          <a href={`/workspace/records/${subject.id}`}>← {label}</a>
        </p>
        <h1>{title}</h1>
        {!opts.claim && (
          <form method="get" action={action} class="row property-choice">
            <SelectField name="property" label={t("workspace.form.property")} value={values.property} options={props.map(([name, s]) => ({ value: name, label: s.label[lang] }))} />
            <button type="submit" class="secondary">
              {t("workspace.form.choose")}
            </button>
          </form>
        )}
        {opts.claim && (
          <p>
            <strong>{t("workspace.form.property")}:</strong> {PROPERTIES[values.property ?? ""]?.label[lang]}
          </p>
        )}
        <ErrorSummary env={env} errors={opts.errors} />
        <form method="post" action={action} class="panel" novalidate>
          <Csrf env={env} />
          <input type="hidden" name="version" value={opts.conflict ? String(opts.conflict.version) : values.version} />
          <ClaimFields env={env} subjectType={subject.type} values={values} errors={opts.errors} vocab={vocab} results={opts.results ?? {}} fixedProperty={Boolean(opts.claim)} />
          <TextField name="reason" label={t("workspace.reason")} value={values.reason} errors={opts.errors} />
          <SubmitRow env={env} canDirect={can(ctx.actor, opts.claim ? "claim.update" : "claim.create")} />
        </form>
        {opts.claim && (
          <form method="post" action={`/workspace/claims/${opts.claim.id}/retract`} class="panel danger-zone">
            <Csrf env={env} />
            <input type="hidden" name="version" value={String(opts.claim.version)} />
            <h2>{t("workspace.form.retract")}</h2>
            <p class="hint">{t("workspace.form.retractHint")}</p>
            <TextField name="retractReason" label={t("workspace.form.retractReason")} errors={opts.errors} required />
            <button type="submit" class="danger">
              {t("workspace.form.retract")}
            </button>
          </form>
        )}
      </StaffLayout>,
      opts.errors ? 400 : opts.conflict ? 409 : 200,
    );
  };

  const readClaimValues = (body: unknown): Values => {
    const v = Object.fromEntries(CLAIM_FIELDS.map((f) => [f, str(body, f)]));
    for (const f of ["sourceId", "placeId", "objectId"]) v[f] = picked(body, f);
    return v;
  };

  app.get("/records/:id/claims/new", async (req, reply) => {
    const { ctx } = await authenticate(req);
    if (!can(ctx.actor, "record.propose")) throw new VigilError("forbidden", "not permitted: record.propose");
    const view = await getRecord(ctx, (req.params as { id: string }).id);
    const q = req.query as Record<string, string | undefined>;
    const property = q.property && PROPERTIES[q.property]?.subjects.includes(view.record.type) ? q.property : view.record.type === "person" ? "name" : "description";
    return claimPage(req, reply, view.record, { property, confidence: "probable", confidentiality: view.record.confidentiality === "public" ? "public" : "staff" }, {});
  });

  app.post("/records/:id/claims/new", async (req, reply) => {
    const { ctx } = await authenticate(req);
    const view = await getRecord(ctx, (req.params as { id: string }).id);
    const values = readClaimValues(req.body);
    const spec = PROPERTIES[values.property ?? ""];
    if (str(req.body, "find")) return claimPage(req, reply, view.record, values, { results: await pickers(req, req.body, values, spec?.object && spec.object !== "claim" ? spec.object : []) });
    try {
      const r = await act(req, { op: "claim.add", subjectId: view.record.id, input: claimFromValues(values) }, `add ${values.property ?? ""} to ${recordLabel(view.record, "en")}`, values.reason || null);
      return reply.redirect(r.kind === "done" ? `/workspace/records/${view.record.id}?done=saved#claim-${r.id}` : "/workspace/review?done=proposed", 303);
    } catch (e) {
      if (e instanceof VigilError && (e.code === "validation" || e.code === "date_parse" || e.code === "unknown_term")) return claimPage(req, reply, view.record, values, { errors: errorsByField(e.problems.length ? e.problems : [{ message: e.message, field: e.where?.field ?? "_form" }], mapper([{ value: valueField(values.property) }], false)) });
      throw e;
    }
  });

  const loadClaim = async (req: FastifyRequest): Promise<{ subject: VRecord; claim: Claim }> => {
    const { ctx } = await authenticate(req);
    const id = (req.params as { id: string }).id;
    const row = await ctx.db.selectFrom("claims").select("subject_id").where("id", "=", id).executeTakeFirst();
    if (!row) throw new VigilError("not_found", `claim ${id} not found`);
    const view = await getRecord(ctx, row.subject_id, { includeRetracted: true });
    const claim = view.claims.find((c) => c.id === id);
    if (!claim) throw new VigilError("not_found", `claim ${id} not found`);
    return { subject: view.record, claim };
  };

  app.get("/claims/:id/edit", async (req, reply) => {
    const { ctx } = await authenticate(req);
    if (!can(ctx.actor, "record.propose")) throw new VigilError("forbidden", "not permitted: record.propose");
    const { subject, claim } = await loadClaim(req);
    return claimPage(req, reply, subject, claimValues(claim), { claim });
  });

  app.post("/claims/:id/edit", async (req, reply) => {
    const { subject, claim } = await loadClaim(req);
    const values: Values = { ...readClaimValues(req.body), property: claim.property };
    const spec = PROPERTIES[claim.property];
    if (str(req.body, "find")) return claimPage(req, reply, subject, values, { claim, results: await pickers(req, req.body, values, spec?.object && spec.object !== "claim" ? spec.object : []) });
    const input = claimFromValues(values, claim);
    const { property: _p, ...patch } = input;
    try {
      const r = await act(req, { op: "claim.update", id: claim.id, version: Number(values.version), patch }, `edit ${claim.property} of ${recordLabel(subject, "en")}`, values.reason || null);
      return reply.redirect(r.kind === "done" ? `/workspace/records/${subject.id}?done=saved#claim-${claim.id}` : "/workspace/review?done=proposed", 303);
    } catch (e) {
      if (e instanceof VigilError && e.code === "conflict") {
        const fresh = await loadClaim(req);
        return claimPage(req, reply, subject, values, { claim: fresh.claim, conflict: fresh.claim });
      }
      if (e instanceof VigilError && (e.code === "validation" || e.code === "date_parse" || e.code === "unknown_term")) return claimPage(req, reply, subject, values, { claim, errors: errorsByField(e.problems.length ? e.problems : [{ message: e.message, field: e.where?.field ?? "_form" }], mapper([{ value: valueField(claim.property) }], false)) });
      throw e;
    }
  });

  app.post("/claims/:id/retract", async (req, reply) => {
    const { subject, claim } = await loadClaim(req);
    const reason = str(req.body, "retractReason");
    try {
      const r = await act(req, { op: "claim.retract", id: claim.id, version: Number(str(req.body, "version")), reason }, `retract ${claim.property} of ${recordLabel(subject, "en")}`, reason || null);
      return reply.redirect(r.kind === "done" ? `/workspace/records/${subject.id}?done=saved` : "/workspace/review?done=proposed", 303);
    } catch (e) {
      if (e instanceof VigilError && e.code === "validation") return claimPage(req, reply, subject, claimValues(claim), { claim, errors: { retractReason: [e.message] } });
      throw e;
    }
  });
}

function valueField(property: string | undefined): string {
  const shape = PROPERTIES[property ?? ""]?.value;
  return { name: "valueText", text: "valueText", act: "valueText", age: "age", count: "count", identifier: "idValue", coordinates: "lat", none: "valueText" }[shape ?? "none"];
}

function recordValues(r: VRecord): Values {
  return {
    kind: r.kind ?? "",
    status: r.status,
    confidentiality: r.confidentiality,
    label: typeof r.data.title === "string" ? r.data.title : "",
    labelFa: typeof r.data.title_fa === "string" ? r.data.title_fa : "",
    date: r.date?.text ?? "",
    url: typeof r.data.url === "string" ? r.data.url : "",
    version: String(r.version),
  };
}
