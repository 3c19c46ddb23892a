import multipart from "@fastify/multipart";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { can } from "../accounts/index.ts";
import type { Ctx } from "../core/context.ts";
import { VigilError, type FieldProblem } from "../core/errors.ts";
import { FIELDS, existingImport, importList, parseMapping, readEntries, readTable, suggestMapping, type Mapping, type SkippedRow, type Table } from "../lists/index.ts";
import { checkZipSize, discardStaged, LIST_UPLOAD_MAX, readStaged, stageUpload, sweepStaged, type StagedMeta } from "../lists/staging.ts";
import { dateBoth, digits, num } from "../web/index.ts";
import { authenticate, checkCsrf, Csrf, ErrorSummary, messages, pageEnv, SelectField, sendPage, StaffLayout, str, TextField, type FieldErrors, type PageEnv } from "../workspace/index.ts";
import { listImports } from "./stored.ts";

messages({
  "lists.import.title": ["Import a list", "واردکردن فهرست"],
  "lists.import.intro": [
    "Upload a victim list as CSV (any delimiter; UTF-8, UTF-16 or Windows-1256) or XLSX, at most {max}. Next you say what each column holds and check the rows; nothing is imported until you choose Import.",
    "فهرستی از قربانیان را به‌صورت CSV (با هر جداکننده؛ UTF-8، UTF-16 یا Windows-1256) یا XLSX بارگذاری کنید، حداکثر {max}. سپس مشخص می‌کنید هر ستون چه دارد و ردیف‌ها را بررسی می‌کنید؛ تا «واردکردن» را نزنید چیزی وارد نمی‌شود.",
  ],
  "lists.import.file": ["List file (CSV or XLSX)", "فایل فهرست (CSV یا XLSX)"],
  "lists.import.upload": ["Upload and map the columns", "بارگذاری و نگاشت ستون‌ها"],
  "lists.import.noFile": ["Choose a CSV or XLSX file.", "یک فایل CSV یا XLSX انتخاب کنید."],
  "lists.import.noRows": ["The file has a header but no rows.", "فایل سرستون دارد ولی هیچ ردیفی ندارد."],
  "lists.import.kept": ["Uploaded files wait here for their mapping for 24 hours at most, visible only to you, and are deleted once imported or discarded.", "فایل‌های بارگذاری‌شده حداکثر ۲۴ ساعت، فقط برای شما، منتظر نگاشت می‌مانند و پس از واردشدن یا کنارگذاشتن پاک می‌شوند."],
  "lists.map.title": ["Map the columns of {file}", "نگاشت ستون‌های {file}"],
  "lists.map.detected": ["Read as", "خوانده‌شده به‌صورت"],
  "lists.map.format.csv": ["CSV, encoding {encoding}, delimiter {delimiter}", "CSV، رمزگذاری {encoding}، جداکننده {delimiter}"],
  "lists.map.format.xlsx": ["XLSX workbook, sheet {sheet}", "کارپوشه XLSX، برگه {sheet}"],
  "lists.map.size": ["{rows, number} rows, {columns, number} columns, {size}", "{rows, number} ردیف، {columns, number} ستون، {size}"],
  "lists.map.list": ["List", "فهرست"],
  "lists.map.listName": ["List name (rows are named LIST#ROW_ID)", "نام فهرست (ردیف‌ها با LIST#ROW_ID نامیده می‌شوند)"],
  "lists.map.calendar": ["Calendar of the dates", "تقویم تاریخ‌ها"],
  "lists.map.nameOrder": ["Order of full names", "ترتیب نام کامل"],
  "lists.map.dayMonth": ["Order of day and month in dates such as 03/08/1988", "ترتیب روز و ماه در تاریخ‌هایی مانند 03/08/1988"],
  "lists.map.columns": ["Columns", "ستون‌ها"],
  "lists.map.columnsHint": ["Each column of the file and what it holds; the suggestion comes from the headers. A column set to “keep only” stays in the row as written but is not read.", "هر ستون فایل و آنچه در آن است؛ پیشنهاد از روی سرستون‌ها است. ستونی که «فقط نگه‌داشتن» باشد در ردیف می‌ماند ولی خوانده نمی‌شود."],
  "lists.map.header": ["Column", "ستون"],
  "lists.map.holds": ["Holds", "محتوا"],
  "lists.map.sample": ["First values", "نخستین مقدارها"],
  "lists.map.holdsOf": ["What column “{header}” holds", "محتوای ستون «{header}»"],
  "lists.map.skipBad": ["Skip rows that cannot be read (each is listed), instead of importing nothing", "ردیف‌هایی را که خوانده نمی‌شوند کنار بگذار (هرکدام فهرست می‌شود)، به‌جای واردنکردن هیچ‌چیز"],
  "lists.map.preview": ["Refresh the preview", "به‌روزرسانی پیش‌نمایش"],
  "lists.map.check": ["Check every row", "بررسی همه‌ی ردیف‌ها"],
  "lists.map.import": ["Import", "واردکردن"],
  "lists.map.discard": ["Discard this upload", "کنارگذاشتن این بارگذاری"],
  "lists.map.previewTitle": ["Preview: the first {n, number} rows as they will be read", "پیش‌نمایش: {n, number} ردیف نخست، همان‌گونه که خوانده می‌شوند"],
  "lists.map.row": ["Row", "ردیف"],
  "lists.map.line": ["Line", "خط"],
  "lists.map.id": ["Id", "شناسه"],
  "lists.map.given": ["Given name", "نام"],
  "lists.map.family": ["Family name", "نام خانوادگی"],
  "lists.map.father": ["Father", "پدر"],
  "lists.map.sex": ["Sex", "جنس"],
  "lists.map.birth": ["Born", "تولد"],
  "lists.map.death": ["Died", "درگذشت"],
  "lists.map.places": ["Places", "مکان‌ها"],
  "lists.map.problems": ["Problems", "مشکل‌ها"],
  "lists.map.column": ["Column", "ستون"],
  "lists.map.reason": ["Reason", "علت"],
  "lists.map.errorsTitle": ["{n, plural, one {One row cannot be read} other {# rows cannot be read}}", "{n, plural, one {یک ردیف خوانده نمی‌شود} other {# ردیف خوانده نمی‌شوند}}"],
  "lists.map.allGood": ["Checked: all {n, number} rows can be read. Nothing was written.", "بررسی شد: همه‌ی {n, number} ردیف خوانده می‌شوند. چیزی نوشته نشد."],
  "lists.map.checkedBad": ["Checked: {bad, plural, one {# row} other {# rows}} of {n, number} cannot be read (listed below). Nothing was written.", "بررسی شد: {bad, number} ردیف از {n, number} ردیف خوانده نمی‌شوند (فهرست زیر). چیزی نوشته نشد."],
  "lists.map.refused": ["Nothing was imported: {bad, plural, one {# row} other {# rows}} cannot be read (listed below). Fix the file or the mapping, or tick “skip rows that cannot be read”.", "چیزی وارد نشد: {bad, number} ردیف خوانده نمی‌شوند (فهرست زیر). فایل یا نگاشت را درست کنید، یا «کنارگذاشتن ردیف‌هایی که خوانده نمی‌شوند» را بزنید."],
  "lists.map.already": ["This file was already imported as list {list}: importing it again changes nothing.", "این فایل پیش‌تر با نام فهرست {list} وارد شده است: واردکردن دوباره چیزی را تغییر نمی‌دهد."],
  "lists.map.nameTaken": ["Another file was already imported as list “{list}” ({file}): give this one its own list name.", "فایل دیگری پیش‌تر با نام فهرست «{list}» ({file}) وارد شده است: برای این یکی نام دیگری بگذارید."],
  "lists.map.badField": ["Choose what this column holds.", "مشخص کنید این ستون چه دارد."],
  "lists.map.twice": ["“{field}” takes one column; “{other}” already holds it.", "«{field}» فقط یک ستون می‌گیرد؛ ستون «{other}» آن را دارد."],
  "lists.map.discarded": ["The upload was discarded.", "بارگذاری کنار گذاشته شد."],
  "lists.size.bytes": ["{n} bytes", "{n} بایت"],
  "lists.size.kb": ["{n} KB", "{n} کیلوبایت"],
  "lists.size.mb": ["{n} MB", "{n} مگابایت"],
  "lists.delim.comma": ["comma (,)", "ویرگول (,)"],
  "lists.delim.semicolon": ["semicolon (;)", "نقطه‌ویرگول (;)"],
  "lists.delim.tab": ["tab", "تب"],
  "lists.delim.pipe": ["pipe (|)", "خط عمودی (|)"],
  "lists.delim.arabicComma": ["Arabic comma (،)", "ویرگول فارسی (،)"],
  "lists.cal.jalali": ["Jalali (Persian)", "هجری شمسی"],
  "lists.cal.gregorian": ["Gregorian", "میلادی"],
  "lists.cal.auto": ["Decide for each date", "برای هر تاریخ جداگانه"],
  "lists.order.given_family": ["Given name first", "اول نام"],
  "lists.order.family_given": ["Family name first", "اول نام خانوادگی"],
  "lists.order.auto": ["Decide for each name", "برای هر نام جداگانه"],
  "lists.dm.dmy": ["Day first (03/08 is 3 August)", "اول روز (03/08 یعنی ۳ اوت)"],
  "lists.dm.mdy": ["Month first (08/03 is 3 August)", "اول ماه (08/03 یعنی ۳ اوت)"],
  "lists.field.id": ["Row id", "شناسه ردیف"],
  "lists.field.full_name": ["Full name", "نام کامل"],
  "lists.field.given_name": ["Given name", "نام"],
  "lists.field.family_name": ["Family name", "نام خانوادگی"],
  "lists.field.father_name": ["Father's name", "نام پدر"],
  "lists.field.sex": ["Sex", "جنسیت"],
  "lists.field.birth_date": ["Date of birth", "تاریخ تولد"],
  "lists.field.birth_year": ["Year of birth", "سال تولد"],
  "lists.field.age": ["Age", "سن"],
  "lists.field.birth_place": ["Place of birth", "محل تولد"],
  "lists.field.residence": ["Residence", "محل سکونت"],
  "lists.field.place_of_death": ["Place of death", "محل مرگ"],
  "lists.field.date_of_death": ["Date of death", "تاریخ مرگ"],
  "lists.field.year_of_death": ["Year of death", "سال مرگ"],
  "lists.field.affiliation": ["Affiliation", "وابستگی"],
  "lists.field.notes": ["Notes", "یادداشت"],
  "lists.field.ignore": ["Keep only (not read)", "فقط نگه‌داشتن (خوانده نمی‌شود)"],
  "lists.sex.male": ["male", "مرد"],
  "lists.sex.female": ["female", "زن"],
  "lists.imported.title": ["List {list}", "فهرست {list}"],
  "lists.imported.done": ["Imported {rows, plural, one {# row} other {# rows}} as list {list}.", "{rows, number} ردیف با نام فهرست {list} وارد شد."],
  "lists.imported.doneSkipped": ["Imported {rows, plural, one {# row} other {# rows}} as list {list}; {skipped, plural, one {# row was} other {# rows were}} left out (listed below).", "{rows, number} ردیف با نام فهرست {list} وارد شد؛ {skipped, number} ردیف کنار گذاشته شد (فهرست زیر)."],
  "lists.imported.unchanged": ["This file was already imported as list {list}; nothing changed.", "این فایل پیش‌تر با نام فهرست {list} وارد شده بود؛ چیزی تغییر نکرد."],
  "lists.imported.file": ["File", "فایل"],
  "lists.imported.source": ["Source record", "رکورد منبع"],
  "lists.imported.when": ["Imported", "تاریخ واردکردن"],
  "lists.imported.download": ["Download the mapping (JSON)", "دریافت نگاشت (JSON)"],
  "lists.imported.noneSkipped": ["No row was left out.", "هیچ ردیفی کنار گذاشته نشد."],
  "lists.imported.next": ["Link all lists again on the lists page to find the people this list shares with the others.", "برای یافتن افرادی که این فهرست با دیگر فهرست‌ها مشترک دارد، در صفحه‌ی فهرست‌ها همه را دوباره پیوند دهید."],
  "lists.imported.back": ["Lists and linkage", "فهرست‌ها و پیوند"],
});

const ENCODINGS: Record<string, string> = { "utf-8": "UTF-8", "utf-16le": "UTF-16 LE", "utf-16be": "UTF-16 BE", "windows-1256": "Windows-1256" };
const DELIMITER_NAMES: Record<string, string> = { ",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe", "\u060c": "arabicComma" };

/** A size for the reader, in the page's language and digits. */
function sizeText(env: PageEnv, n: number): string {
  const [key, v] = n >= 1024 * 1024 ? ["mb", Math.round((n / (1024 * 1024)) * 10) / 10] : n >= 1024 ? ["kb", Math.round(n / 1024)] : ["bytes", n];
  return env.t(`lists.size.${key}`, { n: num(env.lang, v) });
}
const PREVIEW_ROWS = 10;
const IMPORT_ID = /^imp_[0-9a-f]{24}$/;

/** The upload limit for lists: the configured upload limit, at most `LIST_UPLOAD_MAX`. */
const uploadLimit = (app: FastifyInstance): number => Math.min(app.deps.config.uploadMaxBytes, LIST_UPLOAD_MAX);

/** What was received with an upload, per request (the multipart body is read before the handler). */
const received = new WeakMap<FastifyRequest, { meta?: StagedMeta; error?: VigilError }>();

/** The form's values on the mapping step, as chosen (kept when something is wrong). */
interface MappingValues {
  list_name: string;
  calendar: string;
  name_order: string;
  day_month_order: string;
  /** A field per column, by the column's position. */
  columns: string[];
  skipBad: boolean;
}

const valuesFrom = (m: Mapping, table: Table): MappingValues => ({
  list_name: m.list_name,
  calendar: m.calendar,
  name_order: m.name_order,
  day_month_order: m.day_month_order,
  columns: table.headers.map((h) => m.columns[h] ?? "ignore"),
  skipBad: false,
});

/** The mapping the form describes, or the problems with it at their fields. */
function mappingOf(values: MappingValues, table: Table, t: PageEnv["t"]): { mapping?: Mapping; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const columns: Record<string, string> = {};
  const first = new Map<string, string>();
  table.headers.forEach((h, i) => {
    const f = values.columns[i] ?? "";
    if (!(FIELDS as readonly string[]).includes(f)) {
      (errors[`col-${i}`] ??= []).push(t("lists.map.badField"));
      return;
    }
    const other = first.get(f);
    if (other !== undefined && !["full_name", "given_name", "family_name", "father_name", "residence", "affiliation", "notes", "ignore"].includes(f)) (errors[`col-${i}`] ??= []).push(t("lists.map.twice", { field: t(`lists.field.${f}`), other }));
    else first.set(f, h);
    columns[h] = f;
  });
  try {
    const mapping = parseMapping({ list_name: values.list_name, columns, calendar: values.calendar, name_order: values.name_order, day_month_order: values.day_month_order });
    return Object.keys(errors).length ? { errors } : { mapping, errors };
  } catch (err) {
    if (!(err instanceof VigilError)) throw err;
    const problems: FieldProblem[] = err.problems.length ? err.problems : [{ ...(err.where ?? {}), message: err.message }];
    for (const p of problems) {
      // Two columns on one field are already shown at the column.
      if (p.field === "columns" && /both map to/.test(p.message)) continue;
      (errors[p.field ?? "_form"] ??= []).push(p.message.replace(/^mapping: /, ""));
    }
    return { errors };
  }
}

function rowProblemsOf(err: VigilError): SkippedRow[] {
  const byRow = new Map<number, SkippedRow>();
  for (const p of err.problems) {
    if (p.row === undefined) continue;
    const r = byRow.get(p.row) ?? { row: p.row, line: p.line ?? 0, problems: [] };
    r.problems.push(p);
    byRow.set(p.row, r);
  }
  return [...byRow.values()];
}

async function readUpload(bytes: Uint8Array, name: string): Promise<Table> {
  if (bytes[0] === 0x50 && bytes[1] === 0x4b) checkZipSize(bytes);
  const table = await readTable(bytes, name);
  if (table.rows.length === 0) throw new VigilError("import_failed", "the file has a header but no rows", { where: { field: "file" } });
  return table;
}

// ---------------------------------------------------------------------------
// Pages

function UploadPage({ env, max, error }: { env: PageEnv; max: number; error?: string | undefined }) {
  const { t } = env;
  const errors: FieldErrors | undefined = error ? { file: [error] } : undefined;
  return (
    <StaffLayout env={env} title={t("lists.import.title")} section="linkage">
      <p>
        <a href="/workspace/linkage/">{t("lists.imported.back")}</a>
      </p>
      <h1>{t("lists.import.title")}</h1>
      <ErrorSummary env={env} errors={errors} />
      <p>{t("lists.import.intro", { max: sizeText(env, max) })}</p>
      <form method="post" action="/workspace/linkage/import" enctype="multipart/form-data">
        <Csrf env={env} />
        <div class={`field${error ? " invalid" : ""}`}>
          <label for="f-file">{t("lists.import.file")}</label>
          <input type="file" id="f-file" name="file" required accept=".csv,.tsv,.txt,.xlsx,text/csv,text/plain,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" aria-invalid={error ? "true" : undefined} aria-describedby={error ? "f-file-error" : undefined} />
          {error && (
            <span class="error-text" id="f-file-error">
              {error}
            </span>
          )}
        </div>
        <p class="hint">{t("lists.import.kept")}</p>
        <button type="submit">{t("lists.import.upload")}</button>
      </form>
    </StaffLayout>
  );
}

/** A reason as the reader reads it: the messages are English sentences quoting cells, so they read left to right. */
function Reason({ message }: { message: string }) {
  return <bdi dir="ltr">{message}</bdi>;
}

const names = (xs: string[] | undefined): string => (xs ?? []).join(" / ");

function RowErrors({ env, rows }: { env: PageEnv; rows: SkippedRow[] }) {
  const { t, lang } = env;
  return (
    <div class="table-scroll">
      <table>
        <caption>{t("lists.map.errorsTitle", { n: rows.length })}</caption>
        <thead>
          <tr>
            <th scope="col">{t("lists.map.row")}</th>
            <th scope="col">{t("lists.map.line")}</th>
            <th scope="col">{t("lists.map.column")}</th>
            <th scope="col">{t("lists.map.reason")}</th>
          </tr>
        </thead>
        <tbody>
          {rows.flatMap((r) =>
            r.problems.map((p) => (
              <tr>
                <td>{num(lang, r.row)}</td>
                <td>{num(lang, r.line)}</td>
                <td>{p.column ? <bdi>{p.column}</bdi> : "—"}</td>
                <td>
                  <Reason message={p.message} />
                </td>
              </tr>
            )),
          )}
        </tbody>
      </table>
    </div>
  );
}

interface MappingPageProps {
  env: PageEnv;
  meta: StagedMeta;
  table: Table;
  values: MappingValues;
  errors?: FieldErrors | undefined;
  /** Row errors to list (after Check or a refused import). */
  rowErrors?: SkippedRow[] | undefined;
  notice?: { kind: "ok" | "error" | "info"; text: string } | undefined;
}

function MappingPage({ env, meta, table, values, errors, rowErrors, notice }: MappingPageProps) {
  const { t, lang } = env;
  // The preview reads the first rows with the mapping as chosen, when it is valid.
  const chosen = mappingOf(values, table, t).mapping;
  const head: Table = { ...table, rows: table.rows.slice(0, PREVIEW_ROWS) };
  const read = chosen ? readEntries(head, chosen, { skipBad: true }) : undefined;
  const samples = table.headers.map((_, i) =>
    table.rows
      .map((r) => r.cells[i] ?? "")
      .filter((c) => c.trim() !== "")
      .slice(0, 3),
  );
  const fieldOptions = FIELDS.map((f) => ({ value: f, label: t(`lists.field.${f}`) }));
  const colErrors = errors?.columns ?? [];
  return (
    <StaffLayout env={env} title={t("lists.map.title", { file: meta.name })} section="linkage" notice={notice}>
      <p>
        <a href="/workspace/linkage/">{t("lists.imported.back")}</a>
      </p>
      <h1>
        {t("lists.map.title", { file: "" })}
        <bdi>{meta.name}</bdi>
      </h1>
      <ErrorSummary env={env} errors={errors} />
      <dl class="facts">
        <dt>{t("lists.map.detected")}</dt>
        <dd>
          {table.format === "csv" ? (
            <>
              {t("lists.map.format.csv", { encoding: ENCODINGS[table.encoding ?? "utf-8"] ?? table.encoding ?? "", delimiter: t(`lists.delim.${DELIMITER_NAMES[table.delimiter ?? ","] ?? "comma"}`) })}
            </>
          ) : (
            <>
              {t("lists.map.format.xlsx", { sheet: "" })}
              <bdi>{table.sheet ?? ""}</bdi>
            </>
          )}
        </dd>
        <dt>{t("lists.map.list")}</dt>
        <dd>{t("lists.map.size", { rows: table.rows.length, columns: table.headers.length, size: sizeText(env, meta.size) })}</dd>
      </dl>
      <form method="post" action={`/workspace/linkage/import/${meta.id}`}>
        <Csrf env={env} />
        <fieldset>
          <legend>{t("lists.map.list")}</legend>
          <TextField name="list_name" label={t("lists.map.listName")} value={values.list_name} errors={errors} required />
          <div class="grid three">
            <SelectField name="calendar" label={t("lists.map.calendar")} value={values.calendar} options={(["jalali", "gregorian", "auto"] as const).map((c) => ({ value: c, label: t(`lists.cal.${c}`) }))} errors={errors} />
            <SelectField name="name_order" label={t("lists.map.nameOrder")} value={values.name_order} options={(["given_family", "family_given", "auto"] as const).map((c) => ({ value: c, label: t(`lists.order.${c}`) }))} errors={errors} />
            <SelectField name="day_month_order" label={t("lists.map.dayMonth")} value={values.day_month_order} options={(["dmy", "mdy"] as const).map((c) => ({ value: c, label: t(`lists.dm.${c}`) }))} errors={errors} />
          </div>
        </fieldset>
        <fieldset id="f-columns" class={colErrors.length ? "invalid" : undefined}>
          <legend>{t("lists.map.columns")}</legend>
          <p class="hint">{t("lists.map.columnsHint")}</p>
          {colErrors.length > 0 && <p class="error-text">{colErrors.join(" ")}</p>}
          <div class="table-scroll">
            <table>
              <thead>
                <tr>
                  <th scope="col">{t("lists.map.header")}</th>
                  <th scope="col">{t("lists.map.holds")}</th>
                  <th scope="col">{t("lists.map.sample")}</th>
                </tr>
              </thead>
              <tbody>
                {table.headers.map((h, i) => {
                  const errs = errors?.[`col-${i}`] ?? [];
                  return (
                    <tr>
                      <th scope="row" dir="auto">
                        {h}
                      </th>
                      <td class={`field${errs.length ? " invalid" : ""}`}>
                        <label for={`f-col-${i}`} class="visually-hidden">
                          {t("lists.map.holdsOf", { header: h })}
                        </label>
                        <select id={`f-col-${i}`} name={`col-${i}`} aria-invalid={errs.length ? "true" : undefined} aria-describedby={errs.length ? `f-col-${i}-error` : undefined}>
                          {fieldOptions.map((o) => (
                            <option value={o.value} selected={o.value === values.columns[i]}>
                              {o.label}
                            </option>
                          ))}
                        </select>
                        {errs.length > 0 && (
                          <span class="error-text" id={`f-col-${i}-error`}>
                            {errs.join(" ")}
                          </span>
                        )}
                      </td>
                      <td>
                        {samples[i]!.map((s, k) => (
                          <>
                            {k > 0 ? " · " : ""}
                            <bdi>{s}</bdi>
                          </>
                        ))}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        </fieldset>
        <label class="choice">
          <input type="checkbox" name="skip_bad" value="yes" checked={values.skipBad} /> {t("lists.map.skipBad")}
        </label>
        <p class="row">
          <button type="submit" name="action" value="import">
            {t("lists.map.import")}
          </button>
          <button type="submit" name="action" value="check" class="secondary">
            {t("lists.map.check")}
          </button>
          <button type="submit" name="action" value="preview" class="secondary">
            {t("lists.map.preview")}
          </button>
        </p>
      </form>
      {rowErrors && rowErrors.length > 0 && <RowErrors env={env} rows={rowErrors} />}
      {read && (
        <>
          <h2>{t("lists.map.previewTitle", { n: head.rows.length })}</h2>
          <div class="table-scroll">
            <table>
              <thead>
                <tr>
                  <th scope="col">{t("lists.map.row")}</th>
                  <th scope="col">{t("lists.map.id")}</th>
                  <th scope="col">{t("lists.map.given")}</th>
                  <th scope="col">{t("lists.map.family")}</th>
                  <th scope="col">{t("lists.map.father")}</th>
                  <th scope="col">{t("lists.map.sex")}</th>
                  <th scope="col">{t("lists.map.birth")}</th>
                  <th scope="col">{t("lists.map.death")}</th>
                  <th scope="col">{t("lists.map.places")}</th>
                  <th scope="col">{t("lists.map.problems")}</th>
                </tr>
              </thead>
              <tbody>
                {head.rows.map((r) => {
                  const e = read.entries.find((x) => x.row === r.row);
                  const bad = read.skipped.find((x) => x.row === r.row);
                  const p = e?.person;
                  return (
                    <tr class={bad ? "bad-row" : undefined}>
                      <td>{num(lang, r.row)}</td>
                      <td dir="auto">{e?.rowId ?? ""}</td>
                      <td dir="auto">{names(p?.given)}</td>
                      <td dir="auto">{names(p?.family)}</td>
                      <td dir="auto">{names(p?.father)}</td>
                      <td>{p?.sex ? t(`lists.sex.${p.sex}`) : ""}</td>
                      <td>{p?.birth ? dateBoth(lang, p.birth) : ""}</td>
                      <td>{p?.death ? dateBoth(lang, p.death) : ""}</td>
                      <td dir="auto">{[...(p?.birthPlace ?? []), ...(p?.residence ?? []), ...(p?.placeOfDeath ?? [])].join(" / ")}</td>
                      <td>
                        {bad?.problems.map((x) => (
                          <p class="meta">
                            {x.column ? (
                              <>
                                <bdi>{x.column}</bdi>:{" "}
                              </>
                            ) : null}
                            <Reason message={x.message} />
                          </p>
                        ))}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        </>
      )}
      <form method="post" action={`/workspace/linkage/import/${meta.id}/discard`} class="actions">
        <Csrf env={env} />
        <button type="submit" class="secondary">
          {t("lists.map.discard")}
        </button>
      </form>
    </StaffLayout>
  );
}

// ---------------------------------------------------------------------------
// Routes

function requireImport(ctx: Ctx): void {
  if (!can(ctx.actor, "record.create")) throw new VigilError("forbidden", "not permitted: record.create");
}

/**
 * Reads the upload before the staff guard's CSRF check looks at the body:
 * who is asking and whether they may import is decided before a byte is read,
 * the CSRF token (the form's first field) before a byte is kept.
 */
async function receiveUpload(req: FastifyRequest, reply: FastifyReply): Promise<void> {
  if (!req.isMultipart()) return;
  const auth = await authenticate(req);
  // Signed-out and half-enrolled sessions are refused by the staff guard, unread.
  if (auth.via !== "session" || auth.session?.stage !== "full") return;
  if (!can(auth.actor, "record.create")) {
    reply.header("connection", "close");
    throw new VigilError("forbidden", "not permitted: record.create");
  }
  const max = uploadLimit(req.server);
  const dataDir = req.server.deps.store.dataDir;
  const fields: Record<string, string> = {};
  let result: { meta?: StagedMeta; error?: VigilError } | undefined;
  try {
    for await (const part of req.parts()) {
      if (part.type !== "file") {
        fields[part.fieldname] = String(part.value);
        continue;
      }
      if (part.fieldname !== "file" || result) {
        part.file.resume();
        continue;
      }
      req.body = { _csrf: fields._csrf };
      try {
        await checkCsrf(req);
      } catch (err) {
        reply.header("connection", "close");
        throw err;
      }
      if (!part.filename) {
        part.file.resume();
        continue;
      }
      try {
        result = { meta: await stageUpload(dataDir, part.file, { name: part.filename, by: auth.actor.id, maxBytes: max, truncated: () => part.file.truncated }) };
      } catch (err) {
        if (!(err instanceof VigilError)) throw err;
        result = { error: err };
      }
    }
  } catch (err) {
    const code = (err as { code?: string }).code ?? "";
    if (!code.startsWith("FST_")) {
      if (result?.meta) await discardStaged(dataDir, result.meta.id);
      throw err;
    }
    reply.header("connection", "close");
    if (result?.meta) await discardStaged(dataDir, result.meta.id);
    result = { error: new VigilError("validation", code === "FST_FILES_LIMIT" ? "send one file" : "the upload could not be read; send the form again", { where: { field: "file" }, cause: err }) };
  }
  req.body = fields;
  if (result) received.set(req, result);
}

/** The list-import pages: upload, mapping with preview and checks, import; an imported list with its mapping. */
export async function importPages(app: FastifyInstance): Promise<void> {
  const max = uploadLimit(app);
  const dataDir = app.deps.store.dataDir;

  await app.register(async (scope) => {
    await scope.register(multipart, {
      // One byte over the limit, so that a file of exactly the limit is taken and a larger one seen as larger.
      limits: { fileSize: max + 1, files: 1, fields: 10, fieldSize: 4096, parts: 12, headerPairs: 100, fieldNameSize: 100 },
      throwFileSizeLimit: false,
    });

    scope.get("/workspace/linkage/import", async (req, reply) => {
      const { ctx } = await authenticate(req);
      requireImport(ctx);
      await sweepStaged(dataDir);
      return sendPage(reply, <UploadPage env={await pageEnv(req, reply)} max={max} />);
    });

    scope.post("/workspace/linkage/import", { preValidation: receiveUpload }, async (req, reply) => {
      const { ctx } = await authenticate(req);
      requireImport(ctx);
      await sweepStaged(dataDir);
      const got = received.get(req);
      const refuse = async (status: number, message: string) => sendPage(reply, <UploadPage env={await pageEnv(req, reply)} max={max} error={message} />, status);
      if (!got) return refuse(400, (await pageEnv(req, reply)).t("lists.import.noFile"));
      if (got.error) return refuse(got.error.status, got.error.message);
      const meta = got.meta!;
      try {
        const { bytes } = await readStaged(dataDir, meta.id, ctx.actor.id);
        await readUpload(bytes, meta.name);
      } catch (err) {
        await discardStaged(dataDir, meta.id);
        if (!(err instanceof VigilError) || err.status >= 500) throw err;
        return refuse(err.code === "too_large" ? 413 : 422, err.describe().replace(/^field "file": /, ""));
      }
      return reply.redirect(`/workspace/linkage/import/${meta.id}`, 303);
    });
  });

  const staged = async (req: FastifyRequest, ctx: Ctx) => {
    const { meta, bytes } = await readStaged(dataDir, (req.params as { id: string }).id, ctx.actor.id);
    return { meta, bytes, table: await readUpload(bytes, meta.name) };
  };

  app.get("/workspace/linkage/import/:id", async (req, reply) => {
    const { ctx } = await authenticate(req);
    requireImport(ctx);
    const { meta, table } = await staged(req, ctx);
    const env = await pageEnv(req, reply);
    const values = valuesFrom(suggestMapping(table), table);
    const existing = await existingImport(ctx, values.list_name);
    const errors: FieldErrors | undefined = existing && existing.sha256 !== meta.sha256 ? { list_name: [env.t("lists.map.nameTaken", { list: values.list_name, file: existing.fileName })] } : undefined;
    const notice = existing && existing.sha256 === meta.sha256 ? { kind: "info" as const, text: env.t("lists.map.already", { list: values.list_name }) } : undefined;
    return sendPage(reply, <MappingPage env={env} meta={meta} table={table} values={values} errors={errors} notice={notice} />);
  });

  app.post("/workspace/linkage/import/:id", async (req, reply) => {
    const { ctx } = await authenticate(req);
    requireImport(ctx);
    const { meta, bytes, table } = await staged(req, ctx);
    const env = await pageEnv(req, reply);
    const { t } = env;
    const body = req.body;
    const values: MappingValues = {
      list_name: str(body, "list_name"),
      calendar: str(body, "calendar"),
      name_order: str(body, "name_order"),
      day_month_order: str(body, "day_month_order"),
      columns: table.headers.map((_, i) => str(body, `col-${i}`)),
      skipBad: str(body, "skip_bad") === "yes",
    };
    const action = str(body, "action") || "preview";
    const page = (props: Partial<MappingPageProps>, status = 200) => sendPage(reply, <MappingPage env={env} meta={meta} table={table} values={values} {...props} />, status);
    const { mapping, errors } = mappingOf(values, table, t);
    if (!mapping) return page({ errors }, 400);
    const existing = await existingImport(ctx, mapping.list_name);
    if (existing && existing.sha256 !== meta.sha256) return page({ errors: { list_name: [t("lists.map.nameTaken", { list: mapping.list_name, file: existing.fileName })] } }, 409);
    const already = existing ? { kind: "info" as const, text: t("lists.map.already", { list: mapping.list_name }) } : undefined;
    if (action === "check") {
      const { skipped } = readEntries(table, mapping, { skipBad: true });
      const text = skipped.length ? t("lists.map.checkedBad", { bad: skipped.length, n: table.rows.length }) : t("lists.map.allGood", { n: table.rows.length });
      return page({ rowErrors: skipped, notice: already ?? { kind: skipped.length ? "error" : "ok", text } });
    }
    if (action !== "import") return page({ notice: already });
    try {
      const r = await importList(ctx, { bytes, file: meta.name, mapping, skipBad: values.skipBad });
      await discardStaged(dataDir, meta.id);
      return reply.redirect(`/workspace/linkage/imports/${r.importId}?done=${r.alreadyImported ? "unchanged" : "imported"}`, 303);
    } catch (err) {
      if (!(err instanceof VigilError)) throw err;
      if (err.code === "import_failed" && err.problems.some((p) => p.row !== undefined)) {
        const rows = rowProblemsOf(err);
        return page({ rowErrors: rows, notice: { kind: "error", text: t("lists.map.refused", { bad: rows.length }) } }, 422);
      }
      if (err.code === "conflict") return page({ errors: { list_name: [err.message] } }, 409);
      if (err.code === "validation") return page({ errors: { _form: [err.describe()] } }, 400);
      throw err;
    }
  });

  app.post("/workspace/linkage/import/:id/discard", async (req, reply) => {
    const { ctx } = await authenticate(req);
    requireImport(ctx);
    const { id } = req.params as { id: string };
    await readStaged(dataDir, id, ctx.actor.id);
    await discardStaged(dataDir, id);
    return reply.redirect("/workspace/linkage/?done=discarded", 303);
  });

  const imported = async (req: FastifyRequest) => {
    const { ctx } = await authenticate(req);
    if (!can(ctx.actor, "record.read")) throw new VigilError("forbidden", "not permitted: record.read");
    const { id } = req.params as { id: string };
    const found = IMPORT_ID.test(id) ? (await listImports(ctx)).find((i) => i.id === id) : undefined;
    if (!found) throw new VigilError("not_found", `list import ${id} not found`);
    return found;
  };

  app.get("/workspace/linkage/imports/:id", async (req, reply) => {
    const i = await imported(req);
    const env = await pageEnv(req, reply);
    const { t, lang } = env;
    const done = (req.query as { done?: string }).done;
    const notice =
      done === "imported"
        ? { kind: "ok" as const, text: i.skipped.length ? t("lists.imported.doneSkipped", { rows: i.rows, list: i.listName, skipped: i.skipped.length }) : t("lists.imported.done", { rows: i.rows, list: i.listName }) }
        : done === "unchanged"
          ? { kind: "info" as const, text: t("lists.imported.unchanged", { list: i.listName }) }
          : undefined;
    const mapping = i.mapping as Mapping;
    return sendPage(
      reply,
      <StaffLayout env={env} title={t("lists.imported.title", { list: i.listName })} section="linkage" notice={notice}>
        <p>
          <a href="/workspace/linkage/">{t("lists.imported.back")}</a>
        </p>
        <h1>
          {t("lists.imported.title", { list: "" })}
          <bdi>{i.listName}</bdi>
        </h1>
        <dl class="facts">
          <dt>{t("lists.imported.file")}</dt>
          <dd>
            <bdi>{i.file}</bdi> · {t("linkage.rows", { n: i.rows })}
          </dd>
          <dt>{t("lists.imported.source")}</dt>
          <dd>
            <a href={`/workspace/records/${i.sourceId}`}>{i.sourceId}</a>
          </dd>
          <dt>{t("lists.imported.when")}</dt>
          <dd>{digits(lang, i.at.slice(0, 16).replace("T", " "))}</dd>
          <dt>{t("lists.map.calendar")}</dt>
          <dd>{t(`lists.cal.${mapping.calendar}`)}</dd>
          <dt>{t("lists.map.nameOrder")}</dt>
          <dd>{t(`lists.order.${mapping.name_order}`)}</dd>
          <dt>{t("lists.map.dayMonth")}</dt>
          <dd>{t(`lists.dm.${mapping.day_month_order}`)}</dd>
        </dl>
        <h2>{t("linkage.mapping")}</h2>
        <table>
          <thead>
            <tr>
              <th scope="col">{t("lists.map.header")}</th>
              <th scope="col">{t("lists.map.holds")}</th>
            </tr>
          </thead>
          <tbody>
            {Object.entries(mapping.columns).map(([h, f]) => (
              <tr>
                <th scope="row" dir="auto">
                  {h}
                </th>
                <td>
                  {t(`lists.field.${f}`)} <code>{f}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <p>
          <a class="button secondary" href={`/workspace/linkage/imports/${i.id}/mapping.json`} download>
            {t("lists.imported.download")}
          </a>
        </p>
        <h2>{t("linkage.skipped")}</h2>
        {i.skipped.length ? <RowErrors env={env} rows={i.skipped} /> : <p>{t("lists.imported.noneSkipped")}</p>}
        <p>{t("lists.imported.next")}</p>
      </StaffLayout>,
    );
  });

  app.get("/workspace/linkage/imports/:id/mapping.json", async (req, reply) => {
    const i = await imported(req);
    const file = `${i.listName.replace(/[^A-Za-z0-9._-]+/g, "-").replace(/^[-.]+|-+$/g, "") || "list"}.mapping.json`;
    return reply
      .type("application/json; charset=utf-8")
      .header("content-disposition", `attachment; filename="${file}"`)
      .send(`${JSON.stringify(i.mapping, null, 2)}\n`);
  });
}
