import multipart, { type MultipartFile } from "@fastify/multipart";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { can } from "../accounts/index.ts";
import { VigilError, type FieldProblem } from "../core/errors.ts";
import { digits, num, type Lang, type T } from "../web/index.ts";
import { authenticate, Csrf, ErrorSummary, messages, pageEnv, registerWorkspaceSection, SelectField, sendPage, StaffLayout, str, strs, TextArea, TextField, withStaff, type FieldErrors, type PageEnv } from "../workspace/index.ts";
import "./api.ts";
import type { Caveat, EstimateReport, ModelRow, SensitivityRow } from "./estimate.ts";
import { exportRun, reportCsv } from "./export.ts";
import { LCMCR_DEFAULTS } from "./lcmcr.ts";
import { availableLists, STRATIFY_FIELDS, type ListChoice, type Provenance } from "./linked.ts";
import { renderStratifiedSvg, renderSvg, type SvgText } from "./render.ts";
import { commandLine, exportedRun, getRun, listRuns, rerun, startRun, type EstimateRun, type RunSummary } from "./runs.ts";
import type { StratifiedReport } from "./strata.ts";
import { patternName } from "./table.ts";

/**
 * The workspace section "Estimates": choose lists (or upload a table), a
 * method and its settings; the report page shows the estimate with its
 * interval, the models considered, the sensitivity table, the plot, the
 * refusals with their reasons and plain-language caveats. Complete without
 * JavaScript: long runs refresh themselves with a Refresh header.
 */

messages({
  "estimate.nav": ["Estimates", "برآوردها"],
  "estimate.title": ["Estimates", "برآوردها"],
  "estimate.intro": [
    "No list of victims is complete. When several lists overlap, the way they overlap tells how many people are on none of them (multiple systems estimation). Every estimate here keeps its lists, table and settings, so it can be checked and reproduced.",
    "هیچ فهرستی از قربانیان کامل نیست. وقتی چند فهرست با هم هم‌پوشانی دارند، چگونگی این هم‌پوشانی نشان می‌دهد چند نفر در هیچ‌کدام نیامده‌اند (برآورد از چند منبع). هر برآورد در اینجا فهرست‌ها، جدول و تنظیمات خود را نگه می‌دارد تا بتوان آن را بررسی و بازتولید کرد.",
  ],
  "estimate.new": ["New estimate", "برآورد تازه"],
  "estimate.none": ["No estimates yet.", "هنوز برآوردی نیست."],
  "estimate.col.title": ["Estimate", "برآورد"],
  "estimate.col.method": ["Method", "روش"],
  "estimate.col.lists": ["Lists", "فهرست‌ها"],
  "estimate.col.total": ["Estimated total (95% interval)", "کل برآوردشده (بازه ۹۵٪)"],
  "estimate.col.status": ["Status", "وضعیت"],
  "estimate.col.when": ["Run on", "تاریخ اجرا"],
  "estimate.method.loglinear": ["log-linear models", "مدل‌های لگ‌خطی"],
  "estimate.method.bma": ["Bayesian model averaging", "میانگین‌گیری بیزی از مدل‌ها"],
  "estimate.method.lcmcr": ["latent classes (LCMCR)", "طبقه‌های پنهان (LCMCR)"],
  "estimate.status.queued": ["waiting", "در انتظار"],
  "estimate.status.running": ["running", "در حال اجرا"],
  "estimate.status.done": ["done", "انجام شد"],
  "estimate.status.refused": ["refused", "رد شد"],
  "estimate.status.failed": ["failed", "ناموفق"],
  "estimate.interval": ["{low} – {high}", "{low} تا {high}"],
  "estimate.noUpper": ["no upper limit", "بدون حد بالا"],
  "estimate.form.title": ["New estimate", "برآورد تازه"],
  "estimate.form.data": ["1. The lists", "۱. فهرست‌ها"],
  "estimate.form.lists": ["Lists to estimate from (at least 2)", "فهرست‌هایی که برآورد از آن‌هاست (دست‌کم ۲)"],
  "estimate.form.listsHint": ["Each list is named by a letter; models are written with these letters (A*B+C).", "هر فهرست با یک حرف نام‌گذاری شده است؛ مدل‌ها با همین حرف‌ها نوشته می‌شوند (A*B+C)."],
  "estimate.form.listPeople": ["{people, plural, one {# person} other {# people}}", "{people, plural, one {# نفر} other {# نفر}}"],
  "estimate.form.listEntries": ["{entries, plural, one {# entry} other {# entries}} in the list tables", "{entries, plural, one {# ردیف} other {# ردیف}} در جدول‌های فهرست"],
  "estimate.form.noLists": ["There are no published lists yet. Import lists (each becomes a source of kind “published list”), or give a capture-pattern table below.", "هنوز فهرست منتشرشده‌ای نیست. فهرست‌ها را وارد کنید (هر کدام منبعی از نوع «فهرست منتشرشده» می‌شود)، یا جدول الگوهای ثبت را در پایین بدهید."],
  "estimate.form.stratify": ["Estimate separately by", "برآورد جداگانه بر پایه"],
  "estimate.form.stratifyHint": ["Each group is estimated on its own and the totals added, with a combined interval. Useful when lists record groups differently.", "هر گروه جداگانه برآورد و کل‌ها جمع می‌شوند، با بازه‌ای ترکیبی. وقتی فهرست‌ها گروه‌ها را متفاوت ثبت می‌کنند سودمند است."],
  "estimate.form.noStrata": ["nothing (one estimate)", "هیچ (یک برآورد)"],
  "estimate.stratify.province": ["province (where the person died)", "استان (محل درگذشت)"],
  "estimate.stratify.death_year": ["year of death", "سال درگذشت"],
  "estimate.stratify.sex": ["sex", "جنسیت"],
  "estimate.stratify.affiliation": ["alleged affiliation", "وابستگی ادعایی"],
  "estimate.stratify.column": ["column {column}", "ستون {column}"],
  "estimate.form.csvOr": ["Or a capture-pattern table (CSV)", "یا جدول الگوهای ثبت (CSV)"],
  "estimate.form.csvHint": ["One 0/1 column per list (the header names the lists) and a count column, e.g. A,B,C,count. Upload a file or paste the text.", "یک ستون ۰/۱ برای هر فهرست (سرستون نام فهرست است) و یک ستون count، مثلاً A,B,C,count. پرونده را بارگذاری یا متن را بچسبانید."],
  "estimate.form.csvFile": ["CSV file", "پرونده CSV"],
  "estimate.form.csv": ["CSV text", "متن CSV"],
  "estimate.form.strataColumn": ["Column naming each row's stratum (optional)", "ستونی که گروه هر سطر را نام می‌برد (اختیاری)"],
  "estimate.form.method": ["2. The method", "۲. روش"],
  "estimate.form.methodLoglinear": ["Log-linear models: fast; the model is chosen by a criterion among all hierarchical models, or given.", "مدل‌های لگ‌خطی: سریع؛ مدل با یک معیار از میان همه مدل‌های سلسله‌مراتبی برگزیده یا داده می‌شود."],
  "estimate.form.methodBma": ["Bayesian model averaging (3 to 6 lists): averages over models instead of choosing one.", "میانگین‌گیری بیزی از مدل‌ها (۳ تا ۶ فهرست): به‌جای گزینش یک مدل، میان مدل‌ها میانگین می‌گیرد."],
  "estimate.form.methodLcmcr": ["Latent classes (LCMCR): allows for people who are harder to record; slow, runs in the background.", "طبقه‌های پنهان (LCMCR): افرادی را که ثبتشان دشوارتر است در نظر می‌گیرد؛ کند است و در پس‌زمینه اجرا می‌شود."],
  "estimate.form.loglinear": ["Log-linear settings", "تنظیمات لگ‌خطی"],
  "estimate.form.select": ["Choose the model by", "گزینش مدل با"],
  "estimate.form.select.bic": ["BIC (all hierarchical models; stepwise beyond 5 lists)", "BIC (همه مدل‌های سلسله‌مراتبی؛ گام‌به‌گام برای بیش از ۵ فهرست)"],
  "estimate.form.select.aic": ["AIC", "AIC"],
  "estimate.form.select.pvalue": ["p-value stepwise (SparseMSE's rule)", "گام‌به‌گام با p-value (قاعده SparseMSE)"],
  "estimate.form.model": ["Or a given model (TERMS)", "یا یک مدل معین (TERMS)"],
  "estimate.form.modelHint": ["+ separates terms, * joins lists in an interaction: A*B+C. Independence: A+B+C. Leave empty to choose by the criterion.", "+ جمله‌ها را جدا و * فهرست‌ها را در یک برهم‌کنش به هم می‌پیوندد: A*B+C. استقلال: A+B+C. برای گزینش با معیار خالی بگذارید."],
  "estimate.form.bma": ["Model averaging settings", "تنظیمات میانگین‌گیری"],
  "estimate.form.delta": ["delta: prior people per cell (default 2^-lists)", "delta: افراد پیشین در هر خانه (پیش‌فرض 2^-lists)"],
  "estimate.form.lcmcr": ["Latent-class settings", "تنظیمات طبقه‌های پنهان"],
  "estimate.form.seed": ["Seed (the same seed gives the same answer)", "بذر (بذر یکسان پاسخ یکسان می‌دهد)"],
  "estimate.form.burnIn": ["Burn-in iterations per chain", "تکرارهای کنارگذاشته در هر زنجیره"],
  "estimate.form.iterations": ["Iterations kept per chain (before thinning)", "تکرارهای نگه‌داشته در هر زنجیره (پیش از تنک‌سازی)"],
  "estimate.form.thin": ["Keep one draw in", "نگه‌داشتن یک نمونه از هر"],
  "estimate.form.chains": ["Chains", "زنجیره‌ها"],
  "estimate.form.classes": ["Most latent classes (K)", "بیشترین شمار طبقه‌های پنهان (K)"],
  "estimate.form.options": ["3. Report", "۳. گزارش"],
  "estimate.form.runTitle": ["Title (optional)", "عنوان (اختیاری)"],
  "estimate.form.sensitivity": ["Include the sensitivity table (other models and methods)", "جدول حساسیت را بیاور (مدل‌ها و روش‌های دیگر)"],
  "estimate.form.submit": ["Run the estimate", "اجرای برآورد"],
  "estimate.report.total": ["Estimated total", "کل برآوردشده"],
  "estimate.report.interval": ["95% interval", "بازه ۹۵٪"],
  "estimate.report.observed": ["Observed on at least one list", "دیده‌شده در دست‌کم یک فهرست"],
  "estimate.report.missing": ["Estimated missing from every list", "برآورد افراد غایب از همه فهرست‌ها"],
  "estimate.report.estimator": ["Estimator and interval (as computed)", "برآوردگر و بازه (همان‌گونه که محاسبه شد)"],
  "estimate.report.selection": ["Chosen by {rule}: {considered, number} models considered, {refused, number} refused (their estimate does not exist or cannot be identified).", "برگزیده با {rule}: {considered, number} مدل بررسی شد، {refused, number} مدل رد شد (برآوردشان وجود ندارد یا شناسایی‌پذیر نیست)."],
  "estimate.report.queued": ["Waiting for the job worker. This page reloads by itself.", "در انتظار اجراکننده کارها. این صفحه خودش دوباره بارگذاری می‌شود."],
  "estimate.report.running": ["Running: {pct, number} % done. This page reloads by itself.", "در حال اجرا: {pct, number} ٪ انجام شده. این صفحه خودش دوباره بارگذاری می‌شود."],
  "estimate.report.reload": ["Reload now", "اکنون بارگذاری کن"],
  "estimate.report.refused": ["Refused: no estimate", "رد شد: برآوردی نیست"],
  "estimate.report.refusedText": ["The estimate of this model does not exist or cannot be identified from these lists, so no number is given rather than a misleading one. The reason:", "برآورد این مدل وجود ندارد یا از این فهرست‌ها شناسایی‌پذیر نیست؛ پس به‌جای عددی گمراه‌کننده عددی داده نمی‌شود. دلیل:"],
  "estimate.report.failed": ["The computation failed", "محاسبه ناموفق بود"],
  "estimate.report.lists": ["The lists", "فهرست‌ها"],
  "estimate.report.name": ["Name", "نام"],
  "estimate.report.list": ["List", "فهرست"],
  "estimate.report.people": ["People", "افراد"],
  "estimate.report.table": ["The table: people by the lists they are on", "جدول: افراد بر پایه فهرست‌هایی که در آن‌ها آمده‌اند"],
  "estimate.report.pattern": ["On exactly these lists", "دقیقاً در این فهرست‌ها"],
  "estimate.report.count": ["People", "افراد"],
  "estimate.report.plot": ["The estimate across models and choices", "برآورد در مدل‌ها و گزینه‌های گوناگون"],
  "estimate.report.plotAlt": ["Plot: estimated total {n} and the totals under other models and choices, each with its 95% interval.", "نمودار: کل برآوردشده {n} و کل‌ها در مدل‌ها و گزینه‌های دیگر، هر یک با بازه ۹۵٪."],
  "estimate.report.models": ["Models considered", "مدل‌های بررسی‌شده"],
  "estimate.report.modelsBma": ["Models by posterior probability", "مدل‌ها بر پایه احتمال پسین"],
  "estimate.report.model": ["Model", "مدل"],
  "estimate.report.weight": ["Weight", "وزن"],
  "estimate.report.prob": ["Probability", "احتمال"],
  "estimate.report.note": ["Note", "یادداشت"],
  "estimate.report.sensitivity": ["Sensitivity: the total under other reasonable choices", "حساسیت: کل در گزینه‌های معقول دیگر"],
  "estimate.report.choice": ["Choice", "گزینه"],
  "estimate.report.refusedModels": ["Refused models ({n, number})", "مدل‌های ردشده ({n, number})"],
  "estimate.report.refusedModelsText": ["These models were not given a number: their estimate does not exist or cannot be identified from the table.", "به این مدل‌ها عددی داده نشد: برآوردشان وجود ندارد یا از جدول شناسایی‌پذیر نیست."],
  "estimate.report.diagnostics": ["Convergence of the sampler", "همگرایی نمونه‌گیر"],
  "estimate.report.diagnosticsText": ["Split-R̂ {rhat} (near 1 when chains agree), effective draws {ess, number}, Geweke z per chain {geweke}.", "R̂ تقسیم‌شده {rhat} (نزدیک ۱ وقتی زنجیره‌ها هم‌خوان‌اند)، نمونه‌های مؤثر {ess, number}، z گوِکه برای هر زنجیره {geweke}."],
  "estimate.report.caveats": ["Read this before using the estimate", "پیش از به‌کاربردن برآورد این را بخوانید"],
  "estimate.report.strata": ["By stratum", "بر پایه گروه"],
  "estimate.report.stratum": ["Stratum", "گروه"],
  "estimate.report.strataTotal": ["Total over {n, plural, one {# stratum} other {# strata}}", "کل در {n, plural, one {# گروه} other {# گروه}}"],
  "estimate.report.noTotal": ["No total: some strata could not be estimated (below). Merge them with others or choose another model.", "کلی نیست: برخی گروه‌ها برآوردپذیر نبودند (در پایین). آن‌ها را با گروه‌های دیگر ادغام کنید یا مدل دیگری برگزینید."],
  "estimate.report.refusedStrata": ["Strata without an estimate", "گروه‌های بی‌برآورد"],
  "estimate.report.details": ["Details of this stratum", "جزئیات این گروه"],
  "estimate.report.inputs": ["How this estimate was made", "این برآورد چگونه ساخته شد"],
  "estimate.report.settings": ["Settings", "تنظیمات"],
  "estimate.report.command": ["The same estimate from the command line, with the table exported as table.csv", "همین برآورد از خط فرمان، با جدولی که به‌صورت table.csv برون‌بری شده است"],
  "estimate.report.reproduces": ["This run reproduces the run", "این اجرا بازتولید این اجراست:"],
  "estimate.report.rerunSame": ["Run again with the same table", "اجرای دوباره با همان جدول"],
  "estimate.report.rerunNow": ["Run again with the lists as they are now", "اجرای دوباره با فهرست‌ها در وضع کنونی"],
  "estimate.report.exportJson": ["Export as JSON (inputs, table, report)", "برون‌بری JSON (ورودی‌ها، جدول، گزارش)"],
  "estimate.report.exportCsv": ["Export the figures as CSV", "برون‌بری ارقام به CSV"],
  "estimate.report.createdAt": ["Run on {at}", "اجرا در {at}"],
  "estimate.report.englishDetail": ["In detail (English)", "به تفصیل (انگلیسی)"],
  "estimate.prov.citations": ["The table was built from citations: a person is on a list when one of their facts cites it ({people, number} people).", "جدول از ارجاع‌ها ساخته شد: فردی در فهرستی است که یکی از واقعیت‌هایش به آن ارجاع می‌دهد ({people, number} نفر)."],
  "estimate.prov.entries": ["The table was built from the list tables: {people, number} people, of whom {provisional, number} are linkage clusters not yet accepted by a reviewer.", "جدول از جدول‌های فهرست ساخته شد: {people, number} نفر، که {provisional, number} نفرشان خوشه‌های پیوندی‌اند که هنوز بازبین نپذیرفته است."],
  "estimate.prov.csv": ["The table was uploaded: how its lists were matched is not known to Vigil.", "جدول بارگذاری شد: ویجیل نمی‌داند فهرست‌هایش چگونه با هم تطبیق داده شده‌اند."],
  "estimate.prov.review": ["{inReview, number} of the {entries, number} entries of these lists ({pct}) wait in the linkage review queue ({items, number} items). Until they are decided, the table may count one person twice or two people as one: review them before relying on the estimate.", "{inReview, number} ردیف از {entries, number} ردیف این فهرست‌ها ({pct}) در صف بازبینی پیوند منتظرند ({items, number} مورد). تا تصمیم‌گیری درباره آن‌ها، جدول ممکن است یک نفر را دو بار یا دو نفر را یکی بشمارد: پیش از تکیه بر برآورد آن‌ها را بازبینی کنید."],
  "estimate.prov.noReview": ["No entry of these lists waits in the linkage review queue.", "هیچ ردیفی از این فهرست‌ها در صف بازبینی پیوند منتظر نیست."],
  "estimate.prov.hidden": ["{n, plural, one {One person is} other {# people are}} on these lists through restricted facts you may not read: left out or incomplete in this table, which changes the estimate.", "{n, plural, one {یک نفر} other {# نفر}} از راه واقعیت‌های محرمانه‌ای که شما اجازه خواندنشان را ندارید در این فهرست‌هاست: در این جدول نیامده یا ناقص است و برآورد را تغییر می‌دهد."],
  "estimate.prov.synthetic": ["{n, number} of the {people, number} people are fictional demonstration data: this estimate is a demonstration, not a finding.", "{n, number} نفر از {people, number} نفر داده نمایشی ساختگی‌اند: این برآورد یک نمایش است، نه یک یافته."],
  "estimate.prov.restricted": ["This estimate used restricted facts: only those who may read every restricted fact can open it.", "این برآورد از واقعیت‌های محرمانه استفاده کرد: فقط کسانی که اجازه خواندن همه واقعیت‌های محرمانه را دارند می‌توانند آن را باز کنند."],
  "estimate.prov.unknown": ["{n, plural, one {One person has} other {# people have}} no recorded value: they form the stratum “not recorded”.", "برای {n, plural, one {یک نفر} other {# نفر}} مقداری ثبت نشده است: آن‌ها گروه «ثبت نشده» را می‌سازند."],
  "estimate.caveat.assumptions": ["What the estimate rests on", "برآورد بر چه استوار است"],
  "estimate.caveat.assumptions.text": ["The number of people on no list is never seen: it is inferred from how the lists overlap, and is only as good as the model's assumptions. Read it with the sensitivity table.", "تعداد کسانی که در هیچ فهرستی نیامده‌اند هرگز دیده نمی‌شود: از چگونگی هم‌پوشانی فهرست‌ها برآورد می‌شود و فقط به اندازه فرض‌های مدل درست است. آن را همراه جدول حساسیت بخوانید."],
  "estimate.caveat.dependence": ["Dependence between lists", "وابستگی میان فهرست‌ها"],
  "estimate.caveat.dependence.text": ["Lists that draw on each other or on the same informants overlap more than chance, and lead to underestimates; lists that avoid each other's sources lead to overestimates.", "فهرست‌هایی که از یکدیگر یا از مطلعان مشترک گرفته شده‌اند بیش از تصادف هم‌پوشانی دارند و به کم‌برآوردی می‌انجامند؛ فهرست‌هایی که از منابع یکدیگر دوری می‌کنند به بیش‌برآوردی."],
  "estimate.caveat.heterogeneity": ["Differences between people", "تفاوت میان افراد"],
  "estimate.caveat.heterogeneity.text": ["Some people are more likely to be recorded than others (prominent or urban victims); this tends to make estimates too low. The latent-class method (LCMCR) is designed for it.", "برخی افراد بیش از دیگران احتمال ثبت‌شدن دارند (قربانیان سرشناس یا شهری)؛ این معمولاً برآورد را کمتر از واقع می‌کند. روش طبقه‌های پنهان (LCMCR) برای همین ساخته شده است."],
  "estimate.caveat.linkage": ["Errors in matching records across lists", "خطا در تطبیق رکوردها میان فهرست‌ها"],
  "estimate.caveat.linkage.text": ["The table depends on recognising the same person on different lists: missed matches push the estimate up, false matches push it down.", "جدول به بازشناسی یک فرد در فهرست‌های گوناگون بستگی دارد: تطبیق‌های از دست‌رفته برآورد را بالا و تطبیق‌های نادرست پایین می‌برند."],
  "estimate.caveat.small-counts": ["Small counts", "شمارهای کوچک"],
  "estimate.caveat.small-counts.text": ["Estimates from sparse tables are unstable and can change a lot with one more match.", "برآورد از جدول‌های کم‌داده ناپایدار است و با یک تطبیق بیشتر ممکن است بسیار تغییر کند."],
  "estimate.caveat.non-overlap": ["Lists that share nobody", "فهرست‌هایی که هیچ فرد مشترکی ندارند"],
  "estimate.caveat.non-overlap.text": ["Some lists have nobody in common; models that need their overlap cannot be estimated in the usual way.", "برخی فهرست‌ها هیچ فرد مشترکی ندارند؛ مدل‌هایی که به هم‌پوشانی آن‌ها نیاز دارند به روش معمول برآوردپذیر نیستند."],
  "estimate.caveat.boundary": ["A fit on the boundary", "برازش روی مرز"],
  "estimate.caveat.boundary.text": ["The best fit puts zero people in some combinations of lists; the estimate uses the extended fit.", "بهترین برازش در برخی ترکیب‌های فهرست‌ها صفر نفر می‌گذارد؛ برآورد از برازش گسترش‌یافته استفاده می‌کند."],
  "estimate.caveat.model-uncertainty": ["Uncertainty about the model", "عدم قطعیت درباره مدل"],
  "estimate.caveat.model-uncertainty.text": ["Several models fit almost as well and give different totals; the interval of one model does not include this uncertainty.", "چند مدل تقریباً به همان خوبی برازش دارند و کل‌های متفاوتی می‌دهند؛ بازه یک مدل این عدم قطعیت را در بر ندارد."],
  "estimate.caveat.unbounded": ["No upper limit", "بدون حد بالا"],
  "estimate.caveat.unbounded.text": ["The data set no upper limit on the total: treat the estimate as a lower bound at best.", "داده‌ها حد بالایی برای کل تعیین نمی‌کنند: برآورد را در بهترین حالت یک حد پایین بدانید."],
  "estimate.caveat.convergence": ["The sampler may not have converged", "نمونه‌گیر شاید همگرا نشده باشد"],
  "estimate.caveat.convergence.text": ["The diagnostics warn that the chains disagree or move slowly; run longer chains and other seeds, and compare.", "شاخص‌ها هشدار می‌دهند که زنجیره‌ها هم‌خوان نیستند یا کند حرکت می‌کنند؛ زنجیره‌های بلندتر و بذرهای دیگر را اجرا و مقایسه کنید."],
  "estimate.caveat.prior": ["Dependence on the prior", "وابستگی به پیشین"],
  "estimate.caveat.prior.text": ["The Bayesian answer depends on prior choices; with small tables they matter. Compare the sensitivity rows.", "پاسخ بیزی به گزینه‌های پیشین بستگی دارد؛ در جدول‌های کوچک این گزینه‌ها مهم‌اند. ردیف‌های حساسیت را مقایسه کنید."],
  "estimate.svg.title": ["Estimated total across models", "کل برآوردشده در مدل‌های گوناگون"],
  "estimate.svg.heading": ["Estimated total (dot) and 95% interval (line)", "کل برآوردشده (نقطه) و بازه ۹۵٪ (خط)"],
  "estimate.svg.log": [", log scale", "، مقیاس لگاریتمی"],
  "estimate.svg.chosen": ["chosen", "برگزیده"],
  "estimate.svg.total": ["Total over strata", "کل گروه‌ها"],
  "estimate.svg.observed": ["observed", "دیده‌شده"],
  "estimate.svg.desc": ["Estimate {n} with 95% interval {interval}; {rows, number} rows of models and choices; observed {observed}.", "برآورد {n} با بازه ۹۵٪ {interval}؛ {rows, number} ردیف مدل و گزینه؛ دیده‌شده {observed}."],
});

registerWorkspaceSection({ id: "estimates", href: "/workspace/estimates", label: { en: "Estimates", fa: "برآوردها" }, order: 300, visible: (actor) => can(actor, "estimate.read") });

// ---------------------------------------------------------------------------
// Small pieces

const n0 = (lang: Lang, x: number | null | undefined): string => (x === null || x === undefined || !Number.isFinite(x) ? "—" : num(lang, Math.round(x)));

function interval(env: PageEnv, lo: number | null, hi: number | null): string {
  if (lo === null && hi === null) return "—";
  return env.t("estimate.interval", { low: n0(env.lang, lo), high: hi === null ? env.t("estimate.noUpper") : n0(env.lang, hi) });
}

/** Engine text (English): marked as such on Persian pages, so screen readers and the layout treat it right. */
function En({ env, children }: { env: PageEnv; children: string }) {
  return env.lang === "en" ? <>{children}</> : <span lang="en" dir="ltr">{children}</span>;
}

function listLabel(l: { label: string; labelFa?: string | undefined }, lang: Lang): string {
  return lang === "fa" ? l.labelFa || l.label : l.label || l.labelFa || "";
}

function stratumLabel(run: EstimateRun, key: string, lang: Lang): string {
  const labels = run.provenance.stratify?.labels ?? {};
  if (key === "(no stratum)") return "—";
  return labels[key]?.[lang] ?? key;
}

/** The run's title; without one, the method and the lists in the reader's language. */
function titleOf(run: { title: string; method: string; lists: { label: string; labelFa?: string | undefined }[] }, t: T, lang: Lang): string {
  if (run.title) return run.title;
  return `${t(`estimate.method.${run.method}`)}: ${run.lists.map((l) => listLabel(l, lang)).join(lang === "fa" ? "، " : ", ")}`;
}

function StatusBadge({ env, status }: { env: PageEnv; status: string }) {
  const kind = status === "done" ? "confirmed" : status === "refused" || status === "failed" ? "disputed" : "draft";
  return <span class={`badge ${kind}`}>{env.t(`estimate.status.${status}`)}</span>;
}

function svgText(t: T): Partial<SvgText> {
  return {
    title: t("estimate.svg.title"),
    heading: t("estimate.svg.heading"),
    logScale: t("estimate.svg.log"),
    chosen: t("estimate.svg.chosen"),
    total: t("estimate.svg.total"),
    observed: t("estimate.svg.observed"),
    noUpper: t("estimate.noUpper"),
    desc: (n, interval, rows, observed) => t("estimate.svg.desc", { n, interval, rows, observed }),
  };
}

// ---------------------------------------------------------------------------
// The report

function ModelsTable({ env, report }: { env: PageEnv; report: EstimateReport }) {
  const { t, lang } = env;
  const rows: ModelRow[] = report.models;
  if (!rows.length) return null;
  const scores = rows.some((m) => m.aic !== undefined);
  const weights = rows.some((m) => m.weight !== undefined);
  return (
    <section>
      <h3>{t(report.method === "bma" ? "estimate.report.modelsBma" : "estimate.report.models")}</h3>
      {report.selection && report.selection.search !== "given" && <p>{t("estimate.report.selection", { rule: report.selection.rule.toUpperCase(), considered: report.selection.considered, refused: report.selection.refused })}</p>}
      <table>
        <thead>
          <tr>
            <th scope="col">{t("estimate.report.model")}</th>
            <th scope="col">N</th>
            <th scope="col">{t("estimate.report.interval")}</th>
            {scores && <th scope="col">AIC</th>}
            {scores && <th scope="col">BIC</th>}
            {weights && <th scope="col">{t(report.method === "bma" ? "estimate.report.prob" : "estimate.report.weight")}</th>}
            <th scope="col">{t("estimate.report.note")}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((m) => (
            <tr>
              <td>
                <code dir="ltr">{m.model}</code>
              </td>
              <td>{n0(lang, m.N)}</td>
              <td>{interval(env, m.low, m.high)}</td>
              {scores && <td>{m.aic !== undefined ? digits(lang, m.aic.toFixed(2)) : ""}</td>}
              {scores && <td>{m.bic !== undefined ? digits(lang, m.bic.toFixed(2)) : ""}</td>}
              {weights && <td>{m.weight !== undefined ? digits(lang, m.weight.toFixed(3)) : ""}</td>}
              <td>{m.note ? <En env={env}>{m.note}</En> : ""}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function SensitivityTable({ env, rows }: { env: PageEnv; rows: SensitivityRow[] }) {
  if (!rows.length) return null;
  const { t, lang } = env;
  return (
    <section>
      <h3>{t("estimate.report.sensitivity")}</h3>
      <table>
        <thead>
          <tr>
            <th scope="col">{t("estimate.report.choice")}</th>
            <th scope="col">N</th>
            <th scope="col">{t("estimate.report.interval")}</th>
            <th scope="col">{t("estimate.report.note")}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((s) => (
            <tr>
              <td>
                <En env={env}>{s.label}</En>
              </td>
              <td>{n0(lang, s.N)}</td>
              <td>{interval(env, s.low, s.high)}</td>
              <td>{s.note ? <En env={env}>{s.note}</En> : ""}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function RefusedModels({ env, report }: { env: PageEnv; report: EstimateReport }) {
  if (!report.refused.length) return null;
  const total = report.selection?.refused ?? report.refused.length;
  return (
    <section class="refused-models">
      <h3>{env.t("estimate.report.refusedModels", { n: total })}</h3>
      <p>{env.t("estimate.report.refusedModelsText")}</p>
      <ul>
        {report.refused.slice(0, 50).map((r) => (
          <li>
            <code dir="ltr">{r.model}</code>: <En env={env}>{r.reason}</En>
          </li>
        ))}
      </ul>
    </section>
  );
}

function Caveats({ env, caveats }: { env: PageEnv; caveats: Caveat[] }) {
  const { t } = env;
  return (
    <ul class="caveats">
      {caveats.map((c) => (
        <li class={`caveat ${c.kind}`}>
          <strong>{t(`estimate.caveat.${c.kind}`)}.</strong>{" "}
          {env.lang === "en" ? (
            c.text
          ) : (
            <>
              {t(`estimate.caveat.${c.kind}.text`)}
              <details>
                <summary>{t("estimate.report.englishDetail")}</summary>
                <p lang="en" dir="ltr">
                  {c.text}
                </p>
              </details>
            </>
          )}
        </li>
      ))}
    </ul>
  );
}

/** What Vigil knows about where the table came from, as caveats of its own. */
function ProvenanceNotes({ env, p }: { env: PageEnv; p: Provenance }) {
  const { t } = env;
  const notes: string[] = [];
  if (p.from === "citations") notes.push(t("estimate.prov.citations", { people: p.people }));
  if (p.from === "list_entries") notes.push(t("estimate.prov.entries", { people: p.people, provisional: p.provisional ?? 0 }));
  if (p.from === "csv") notes.push(t("estimate.prov.csv"));
  if (p.linkage) {
    notes.push(
      p.linkage.inReview > 0
        ? t("estimate.prov.review", { inReview: p.linkage.inReview, entries: p.linkage.entries, items: p.linkage.reviewItems, pct: new Intl.NumberFormat(env.lang === "fa" ? "fa-IR" : "en-GB", { style: "percent", maximumFractionDigits: 1 }).format(p.linkage.inReview / Math.max(1, p.linkage.entries)) })
        : t("estimate.prov.noReview"),
    );
  }
  if (p.hidden > 0) notes.push(t("estimate.prov.hidden", { n: p.hidden }));
  if (p.synthetic > 0) notes.push(t("estimate.prov.synthetic", { n: p.synthetic, people: p.people }));
  if (p.restrictedUsed) notes.push(t("estimate.prov.restricted"));
  if (p.stratify && p.stratify.unknown > 0) notes.push(t("estimate.prov.unknown", { n: p.stratify.unknown }));
  return (
    <ul class="caveats provenance">
      {notes.map((x) => (
        <li>{x}</li>
      ))}
    </ul>
  );
}

function ListsLegend({ env, run }: { env: PageEnv; run: EstimateRun }) {
  const { t, lang } = env;
  return (
    <table class="lists-legend">
      <caption>{t("estimate.report.lists")}</caption>
      <thead>
        <tr>
          <th scope="col">{t("estimate.report.name")}</th>
          <th scope="col">{t("estimate.report.list")}</th>
          <th scope="col">{t("estimate.report.people")}</th>
        </tr>
      </thead>
      <tbody>
        {run.provenance.lists.map((l) => (
          <tr>
            <td>
              <code dir="ltr">{l.name}</code>
            </td>
            <td>{l.sourceId ? <a href={`/workspace/records/${l.sourceId}`}><bdi>{listLabel(l, lang)}</bdi></a> : <bdi>{l.label}</bdi>}</td>
            <td>{n0(lang, l.people)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function PatternsTable({ env, run }: { env: PageEnv; run: EstimateRun }) {
  const { t, lang } = env;
  return (
    <details class="patterns">
      <summary>{t("estimate.report.table")}</summary>
      <table>
        <thead>
          <tr>
            {run.stratified && <th scope="col">{t("estimate.report.stratum")}</th>}
            <th scope="col">{t("estimate.report.pattern")}</th>
            <th scope="col">{t("estimate.report.count")}</th>
          </tr>
        </thead>
        <tbody>
          {run.tables.strata.flatMap((s) =>
            [...s.patterns]
              .sort((a, b) => a[0] - b[0])
              .map(([p, c]) => (
                <tr>
                  {run.stratified && <td>{stratumLabel(run, s.key ?? "", lang)}</td>}
                  <td>
                    <code dir="ltr">{patternName(run.tables.lists, p)}</code>
                  </td>
                  <td>{n0(lang, c)}</td>
                </tr>
              )),
          )}
        </tbody>
      </table>
    </details>
  );
}

function Headline({ env, N, lo, hi, observed, method, model }: { env: PageEnv; N: number | null; lo: number | null; hi: number | null; observed: number; method: string; model?: string }) {
  const { t, lang } = env;
  return (
    <div class="panel estimate-headline">
      <dl class="facts">
        <dt>{t("estimate.report.total")}</dt>
        <dd>
          <span class="tile-n estimate-n">{n0(lang, N)}</span>
        </dd>
        <dt>{t("estimate.report.interval")}</dt>
        <dd>
          <strong class="estimate-interval">{interval(env, lo, hi)}</strong>
        </dd>
        <dt>{t("estimate.report.observed")}</dt>
        <dd>{n0(lang, observed)}</dd>
        {N !== null && (
          <>
            <dt>{t("estimate.report.missing")}</dt>
            <dd>
              {n0(lang, N - observed)} ({interval(env, lo === null ? null : Math.max(0, lo - observed), hi === null ? null : hi - observed)})
            </dd>
          </>
        )}
      </dl>
      <p>
        {model !== undefined ? (
          <>
            {t(`estimate.method.${method}`)}; {t("estimate.report.model")}: <code dir="ltr">{model}</code>
          </>
        ) : (
          t(`estimate.method.${method}`)
        )}
      </p>
    </div>
  );
}

function DiagnosticsView({ env, report }: { env: PageEnv; report: EstimateReport }) {
  const d = report.diagnostics;
  if (!d) return null;
  const { t, lang } = env;
  return (
    <section>
      <h3>{t("estimate.report.diagnostics")}</h3>
      <p>{t("estimate.report.diagnosticsText", { rhat: digits(lang, d.rhat.toFixed(3)), ess: Math.round(d.ess), geweke: digits(lang, d.geweke.map((z) => z.toFixed(2)).join(", ")) })}</p>
    </section>
  );
}

function SingleReport({ env, run, report }: { env: PageEnv; run: EstimateRun; report: EstimateReport }) {
  const { t, lang } = env;
  return (
    <>
      <Headline env={env} N={report.N} lo={report.interval[0]} hi={report.interval[1]} observed={report.observed} method={report.method} model={report.model} />
      <p class="muted">
        {t("estimate.report.estimator")}: <En env={env}>{`${report.estimator}; ${report.intervalMethod}`}</En>
      </p>
      <h2>{t("estimate.report.caveats")}</h2>
      <ProvenanceNotes env={env} p={run.provenance} />
      <Caveats env={env} caveats={report.caveats} />
      <h2>{t("estimate.report.plot")}</h2>
      <p>
        <img class="estimate-plot" src={`/workspace/estimates/${run.id}/plot.svg`} alt={t("estimate.report.plotAlt", { n: n0(lang, report.N) })} width={760} />
      </p>
      <ModelsTable env={env} report={report} />
      <SensitivityTable env={env} rows={report.sensitivity} />
      <RefusedModels env={env} report={report} />
      <DiagnosticsView env={env} report={report} />
    </>
  );
}

function StratifiedView({ env, run, report }: { env: PageEnv; run: EstimateRun; report: StratifiedReport }) {
  const { t, lang } = env;
  return (
    <>
      <Headline env={env} N={report.N} lo={report.interval[0]} hi={report.interval[1]} observed={report.observed} method={report.method} />
      {report.N === null && <p class="notice error">{t("estimate.report.noTotal")}</p>}
      <p class="muted">
        {t("estimate.report.strataTotal", { n: report.strata.length })}: <En env={env}>{report.intervalMethod}</En>
      </p>
      <h2>{t("estimate.report.caveats")}</h2>
      <ProvenanceNotes env={env} p={run.provenance} />
      <Caveats env={env} caveats={report.caveats} />
      <h2>{t("estimate.report.plot")}</h2>
      <p>
        <img class="estimate-plot" src={`/workspace/estimates/${run.id}/plot.svg`} alt={t("estimate.report.plotAlt", { n: n0(lang, report.N) })} width={760} />
      </p>
      <h2>{t("estimate.report.strata")}</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">{t("estimate.report.stratum")}</th>
            <th scope="col">{t("estimate.report.observed")}</th>
            <th scope="col">N</th>
            <th scope="col">{t("estimate.report.interval")}</th>
            <th scope="col">{t("estimate.report.model")}</th>
          </tr>
        </thead>
        <tbody>
          {report.strata.map((s) => (
            <tr>
              <td>
                <bdi>{stratumLabel(run, s.stratum, lang)}</bdi>
              </td>
              <td>{n0(lang, s.report.observed)}</td>
              <td>{n0(lang, s.report.N)}</td>
              <td>{interval(env, s.report.interval[0], s.report.interval[1])}</td>
              <td>
                <code dir="ltr">{s.report.model}</code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {report.refused.length > 0 && (
        <section class="refused-models">
          <h3>{t("estimate.report.refusedStrata")}</h3>
          <ul>
            {report.refused.map((r) => (
              <li>
                <bdi>{stratumLabel(run, r.stratum, lang)}</bdi>: <En env={env}>{r.reason}</En>
              </li>
            ))}
          </ul>
        </section>
      )}
      {report.strata.map((s) => (
        <details>
          <summary>
            {t("estimate.report.details")}: <bdi>{stratumLabel(run, s.stratum, lang)}</bdi>
          </summary>
          <ModelsTable env={env} report={s.report} />
          <SensitivityTable env={env} rows={s.report.sensitivity} />
          <RefusedModels env={env} report={s.report} />
          <DiagnosticsView env={env} report={s.report} />
          <Caveats env={env} caveats={s.report.caveats.filter((c) => !["assumptions", "dependence", "heterogeneity", "linkage"].includes(c.kind))} />
        </details>
      ))}
    </>
  );
}

function Inputs({ env, run }: { env: PageEnv; run: EstimateRun }) {
  const { t, lang } = env;
  const i = run.input;
  const settings: [string, string][] = [[t("estimate.col.method"), t(`estimate.method.${i.method}`)]];
  if (i.method === "loglinear") settings.push(i.model ? [t("estimate.form.model"), i.model] : [t("estimate.form.select"), i.select.toUpperCase()]);
  if (i.method === "bma") settings.push(["delta", i.delta === null ? `2^-${run.tables.lists.length}` : String(i.delta)]);
  if (i.method === "lcmcr")
    settings.push(
      [t("estimate.form.seed"), String(i.lcmcr.seed)],
      [t("estimate.form.burnIn"), String(i.lcmcr.burnIn)],
      [t("estimate.form.iterations"), String(i.lcmcr.iterations)],
      [t("estimate.form.thin"), String(i.lcmcr.thin)],
      [t("estimate.form.chains"), String(i.lcmcr.chains)],
      [t("estimate.form.classes"), String(i.lcmcr.classes)],
    );
  if (i.data.kind === "lists" && i.data.stratify) settings.push([t("estimate.form.stratify"), t(`estimate.stratify.${i.data.stratify}`)]);
  if (i.data.kind === "csv" && i.data.strataColumn) settings.push([t("estimate.form.stratify"), t("estimate.stratify.column", { column: i.data.strataColumn })]);
  return (
    <section class="panel">
      <h2>{t("estimate.report.inputs")}</h2>
      <p>{t("estimate.report.createdAt", { at: digits(lang, run.createdAt.slice(0, 16).replace("T", " ")) })}</p>
      {run.reproduces && (
        <p>
          {t("estimate.report.reproduces")}{" "}
          <a href={`/workspace/estimates/${run.reproduces}`}>{run.reproduces}</a>
        </p>
      )}
      <ListsLegend env={env} run={run} />
      <dl class="facts">
        {settings.map(([k, v]) => (
          <>
            <dt>{k}</dt>
            <dd>
              <bdi>{digits(lang, v)}</bdi>
            </dd>
          </>
        ))}
      </dl>
      <PatternsTable env={env} run={run} />
      <p>{t("estimate.report.command")}</p>
      <pre class="payload" dir="ltr" lang="en">
        {commandLine(i, run.stratified)}
      </pre>
      <p class="row">
        <a class="button secondary" href={`/workspace/estimates/${run.id}/export.json`}>
          {t("estimate.report.exportJson")}
        </a>
        <a class="button secondary" href={`/workspace/estimates/${run.id}/export.csv`}>
          {t("estimate.report.exportCsv")}
        </a>
      </p>
      {can(env.actor, "estimate.run") && (
        <form method="post" action={`/workspace/estimates/${run.id}/rerun`} class="row">
          <Csrf env={env} />
          <button type="submit" name="mode" value="same-table" class="secondary">
            {t("estimate.report.rerunSame")}
          </button>
          {i.data.kind === "lists" && (
            <button type="submit" name="mode" value="current-data" class="secondary">
              {t("estimate.report.rerunNow")}
            </button>
          )}
        </form>
      )}
    </section>
  );
}

function RunPage({ env, run }: { env: PageEnv; run: EstimateRun }) {
  const { t } = env;
  const pct = run.progress.total > 0 ? Math.floor((100 * run.progress.done) / run.progress.total) : 0;
  const title = titleOf({ title: run.title, method: run.input.method, lists: run.provenance.lists }, t, env.lang);
  return (
    <StaffLayout env={env} title={title} section="estimates">
      <p>
        <a href="/workspace/estimates">{t("estimate.title")}</a>
      </p>
      <h1>
        <bdi>{title}</bdi> <StatusBadge env={env} status={run.status} />
        {run.provenance.synthetic > 0 && <span class="badge synthetic">{t("workspace.synthetic")}</span>}
      </h1>
      {(run.status === "queued" || run.status === "running") && (
        <div class="notice" role="status">
          <p>{run.status === "queued" ? t("estimate.report.queued") : t("estimate.report.running", { pct })}</p>
          <progress max={100} value={pct}>
            {pct} %
          </progress>{" "}
          <a href={`/workspace/estimates/${run.id}`}>{t("estimate.report.reload")}</a>
        </div>
      )}
      {run.status === "refused" && run.error && (
        <div class="notice error refusal" role="alert">
          <h2>{t("estimate.report.refused")}</h2>
          <p>{t("estimate.report.refusedText")}</p>
          <p class="reason">
            <En env={env}>{run.error.message}</En>
          </p>
        </div>
      )}
      {run.status === "failed" && run.error && (
        <div class="notice error" role="alert">
          <h2>{t("estimate.report.failed")}</h2>
          <p>
            <En env={env}>{run.error.message}</En>
          </p>
        </div>
      )}
      {run.status === "refused" && (
        <>
          <h2>{t("estimate.report.caveats")}</h2>
          <ProvenanceNotes env={env} p={run.provenance} />
        </>
      )}
      {run.report && ("strata" in run.report ? <StratifiedView env={env} run={run} report={run.report} /> : <SingleReport env={env} run={run} report={run.report} />)}
      <Inputs env={env} run={run} />
    </StaffLayout>
  );
}

// ---------------------------------------------------------------------------
// The form

interface FormValues {
  sources: string[];
  stratify: string;
  csv: string;
  strataColumn: string;
  method: string;
  select: string;
  model: string;
  delta: string;
  seed: string;
  burnIn: string;
  iterations: string;
  thin: string;
  chains: string;
  classes: string;
  title: string;
  sensitivity: boolean;
}

const DEFAULTS: FormValues = {
  sources: [],
  stratify: "",
  csv: "",
  strataColumn: "",
  method: "loglinear",
  select: "bic",
  model: "",
  delta: "",
  seed: String(LCMCR_DEFAULTS.seed),
  burnIn: String(LCMCR_DEFAULTS.burnIn),
  iterations: String(LCMCR_DEFAULTS.iterations),
  thin: String(LCMCR_DEFAULTS.thin),
  chains: String(LCMCR_DEFAULTS.chains),
  classes: String(LCMCR_DEFAULTS.K),
  title: "",
  sensitivity: true,
};

function NewForm({ env, lists, values, errors }: { env: PageEnv; lists: ListChoice[]; values: FormValues; errors?: FieldErrors | undefined }) {
  const { t, lang } = env;
  const listErrors = errors?.sources ?? [];
  const radio = (value: string, label: string) => (
    <label class="choice">
      <input type="radio" name="method" value={value} checked={values.method === value} /> {label}
    </label>
  );
  return (
    <StaffLayout env={env} title={t("estimate.form.title")} section="estimates">
      <h1>{t("estimate.form.title")}</h1>
      <ErrorSummary env={env} errors={errors} />
      <form method="post" action="/workspace/estimates" enctype="multipart/form-data">
        <Csrf env={env} />
        <fieldset>
          <legend>{t("estimate.form.data")}</legend>
          <div class={`field${listErrors.length ? " invalid" : ""}`} id="f-sources">
            <p>
              <strong>{t("estimate.form.lists")}</strong>
            </p>
            <span class="hint">{t("estimate.form.listsHint")}</span>
            {lists.length === 0 && <p class="notice">{t("estimate.form.noLists")}</p>}
            {lists.map((l) => (
              <label class="choice">
                <input type="checkbox" name="sources" value={l.sourceId} checked={values.sources.includes(l.sourceId)} aria-invalid={listErrors.length ? "true" : undefined} /> <code dir="ltr">{l.name}</code> — <bdi>{listLabel(l, lang)}</bdi> <span class="muted">({t("estimate.form.listPeople", { people: l.people })}{l.entries !== null ? `; ${t("estimate.form.listEntries", { entries: l.entries })}` : ""})</span>{" "}
                {l.synthetic && <span class="badge synthetic">{t("workspace.synthetic")}</span>}
              </label>
            ))}
            {listErrors.length > 0 && <span class="error-text">{listErrors.join(" ")}</span>}
          </div>
          <SelectField
            name="stratify"
            label={t("estimate.form.stratify")}
            hint={t("estimate.form.stratifyHint")}
            value={values.stratify}
            blank={t("estimate.form.noStrata")}
            options={STRATIFY_FIELDS.map((f) => ({ value: f, label: t(`estimate.stratify.${f}`) }))}
            errors={errors}
          />
          <fieldset>
            <legend>{t("estimate.form.csvOr")}</legend>
            <p class="hint">{t("estimate.form.csvHint")}</p>
            <div class="field">
              <label for="f-csvFile">{t("estimate.form.csvFile")}</label>
              <input type="file" id="f-csvFile" name="csvFile" accept=".csv,text/csv,text/plain" />
            </div>
            <TextArea name="csv" label={t("estimate.form.csv")} value={values.csv} rows={6} errors={errors} />
            <TextField name="strataColumn" label={t("estimate.form.strataColumn")} value={values.strataColumn} errors={errors} dir="ltr" />
          </fieldset>
        </fieldset>
        <fieldset>
          <legend>{t("estimate.form.method")}</legend>
          <div class={`field${errors?.method ? " invalid" : ""}`} id="f-method">
            {radio("loglinear", t("estimate.form.methodLoglinear"))}
            {radio("bma", t("estimate.form.methodBma"))}
            {radio("lcmcr", t("estimate.form.methodLcmcr"))}
            {errors?.method && <span class="error-text">{errors.method.join(" ")}</span>}
          </div>
          <fieldset>
            <legend>{t("estimate.form.loglinear")}</legend>
            <SelectField name="select" label={t("estimate.form.select")} value={values.select} options={(["bic", "aic", "pvalue"] as const).map((s) => ({ value: s, label: t(`estimate.form.select.${s}`) }))} errors={errors} />
            <TextField name="model" label={t("estimate.form.model")} hint={t("estimate.form.modelHint")} value={values.model} errors={errors} dir="ltr" />
          </fieldset>
          <fieldset>
            <legend>{t("estimate.form.bma")}</legend>
            <TextField name="delta" label={t("estimate.form.delta")} value={values.delta} errors={errors} dir="ltr" inputmode="decimal" />
          </fieldset>
          <fieldset>
            <legend>{t("estimate.form.lcmcr")}</legend>
            <div class="grid three">
              {(["seed", "burnIn", "iterations", "thin", "chains", "classes"] as const).map((f) => (
                <TextField name={f} label={t(`estimate.form.${f}`)} value={values[f]} errors={errors} dir="ltr" inputmode="numeric" />
              ))}
            </div>
          </fieldset>
        </fieldset>
        <fieldset>
          <legend>{t("estimate.form.options")}</legend>
          <TextField name="title" label={t("estimate.form.runTitle")} value={values.title} errors={errors} />
          <input type="hidden" name="sensitivity" value="false" />
          <label class="choice">
            <input type="checkbox" name="sensitivity" value="true" checked={values.sensitivity} /> {t("estimate.form.sensitivity")}
          </label>
        </fieldset>
        <p>
          <button type="submit">{t("estimate.form.submit")}</button>
        </p>
      </form>
    </StaffLayout>
  );
}

function valuesOf(body: Record<string, unknown>, csv: string): FormValues {
  const v: FormValues = { ...DEFAULTS, sources: strs(body, "sources"), csv, sensitivity: strs(body, "sensitivity").includes("true") };
  for (const k of ["stratify", "strataColumn", "method", "select", "model", "delta", "seed", "burnIn", "iterations", "thin", "chains", "classes", "title"] as const) v[k] = str(body, k);
  return v;
}

/** Errors at the form's fields; a problem in the CSV (row, column) is shown at the CSV box. */
function fieldErrors(err: VigilError): FieldErrors {
  const problems: FieldProblem[] = err.problems.length ? err.problems : [{ ...(err.where ?? {}), message: err.message }];
  const out: FieldErrors = {};
  for (const p of problems) {
    const field = p.field ?? (p.row !== undefined || p.line !== undefined || p.file !== undefined ? "csv" : "_form");
    // A table's problems say where: row and column.
    const message = p.field === undefined && (p.row !== undefined || p.line !== undefined) ? new VigilError(err.code, p.message, { where: p }).describe() : p.message;
    (out[field] ??= []).push(message);
  }
  return out;
}

// ---------------------------------------------------------------------------
// Routes

/** The uploaded CSV file's name, per request (multipart parts arrive before the handler). */
const uploadedNames = new WeakMap<FastifyRequest, string>();

const ID = /^est_[0-9a-f]{20}$/;

export const estimatePages = withStaff(async (app: FastifyInstance) => {
  await app.register(multipart, {
    attachFieldsToBody: "keyValues",
    limits: { fileSize: 1_000_000, files: 1, fields: 60, parts: 80, fieldSize: 1_100_000 },
    async onFile(this: FastifyRequest, part: MultipartFile) {
      const buf = await part.toBuffer();
      if (buf.length) uploadedNames.set(this, part.filename);
      (part as unknown as { value: string }).value = buf.toString("utf8").replace(/^\uFEFF/, "");
    },
  });

  app.get("/workspace/estimates", async (req, reply) => {
    const env = await pageEnv(req, reply);
    const { ctx } = await authenticate(req);
    const before = (req.query as Record<string, string | undefined>).before;
    const page = await listRuns(ctx, { limit: 50, ...(before ? { before } : {}) });
    const { t, lang } = env;
    const row = (r: RunSummary) => (
      <tr>
        <td>
          <a href={`/workspace/estimates/${r.id}`}>
            <bdi>{titleOf(r, t, lang)}</bdi>
          </a>
        </td>
        <td>{t(`estimate.method.${r.method}`)}</td>
        <td>
          {r.N !== null && r.N !== undefined ? n0(lang, r.N) : "—"} {r.interval ? `(${interval(env, r.interval[0], r.interval[1])})` : ""}
        </td>
        <td>
          <StatusBadge env={env} status={r.status} />
        </td>
        <td>{digits(lang, r.createdAt.slice(0, 10))}</td>
      </tr>
    );
    return sendPage(
      reply,
      <StaffLayout env={env} title={t("estimate.title")} section="estimates">
        <div class="row spread">
          <h1>{t("estimate.title")}</h1>
          {can(ctx.actor, "estimate.run") && (
            <a class="button" href="/workspace/estimates/new">
              {t("estimate.new")}
            </a>
          )}
        </div>
        <p>{t("estimate.intro")}</p>
        {page.items.length === 0 ? (
          <p>{t("estimate.none")}</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">{t("estimate.col.title")}</th>
                <th scope="col">{t("estimate.col.method")}</th>
                <th scope="col">{t("estimate.col.total")}</th>
                <th scope="col">{t("estimate.col.status")}</th>
                <th scope="col">{t("estimate.col.when")}</th>
              </tr>
            </thead>
            <tbody>{page.items.map(row)}</tbody>
          </table>
        )}
        {page.next && (
          <p class="pagination">
            <a href={`/workspace/estimates?before=${encodeURIComponent(page.next)}`}>{t("workspace.next")}</a>
          </p>
        )}
      </StaffLayout>,
    );
  });

  app.get("/workspace/estimates/new", async (req, reply) => {
    const { ctx } = await authenticate(req);
    if (!can(ctx.actor, "estimate.run")) throw new VigilError("forbidden", "not permitted: estimate.run");
    const env = await pageEnv(req, reply);
    const lists = await availableLists(ctx);
    const q = req.query as Record<string, string | string[] | undefined>;
    const preset = { ...DEFAULTS, sources: strs(q, "sources").filter((s) => lists.some((l) => l.sourceId === s)) };
    return sendPage(reply, <NewForm env={env} lists={lists} values={preset} />);
  });

  app.post("/workspace/estimates", async (req, reply) => {
    const { ctx } = await authenticate(req);
    if (!can(ctx.actor, "estimate.run")) throw new VigilError("forbidden", "not permitted: estimate.run");
    const body = (req.body ?? {}) as Record<string, unknown>;
    const file = typeof body.csvFile === "string" ? body.csvFile : "";
    const pasted = str(body, "csv");
    const csv = file.trim() ? file : pasted;
    const fileName = file.trim() ? (uploadedNames.get(req) ?? null) : null;
    try {
      const run = await startRun(ctx, { ...body, csv, ...(fileName ? { fileName } : {}), sources: strs(body, "sources"), sensitivity: strs(body, "sensitivity").includes("true") ? "true" : "false" });
      return reply.redirect(`/workspace/estimates/${run.id}`, 303);
    } catch (err) {
      if (!(err instanceof VigilError) || err.code !== "validation") throw err;
      const env = await pageEnv(req, reply);
      const lists = await availableLists(ctx);
      return sendPage(reply, <NewForm env={env} lists={lists} values={valuesOf(body, csv)} errors={fieldErrors(err)} />, 400);
    }
  });

  const load = async (req: FastifyRequest): Promise<EstimateRun> => {
    const { id } = req.params as { id: string };
    if (!ID.test(id)) throw new VigilError("not_found", `estimate ${id} not found`);
    return getRun((await authenticate(req)).ctx, id);
  };

  app.get("/workspace/estimates/:id", async (req, reply) => {
    const run = await load(req);
    const env = await pageEnv(req, reply);
    // Without JavaScript the page follows a long run by reloading itself.
    if (run.status === "queued" || run.status === "running") reply.header("refresh", "3");
    return sendPage(reply, <RunPage env={env} run={run} />);
  });

  app.get("/workspace/estimates/:id/plot.svg", async (req, reply) => {
    const run = await load(req);
    const { lang } = await authenticate(req);
    const env = await pageEnv(req, reply);
    if (!run.report) throw new VigilError("not_found", "this run has no report to plot");
    const text = svgText(env.t);
    const dg = (s: string) => digits(lang, s);
    const rtl = lang === "fa";
    const svg = "strata" in run.report ? renderStratifiedSvg(run.report, { text, digits: dg, rtl, label: (k) => stratumLabel(run, k, lang) }) : renderSvg(run.report, { text, digits: dg, rtl });
    return reply.type("image/svg+xml; charset=utf-8").send(svg);
  });

  app.get("/workspace/estimates/:id/export.json", async (req, reply) => {
    const run = await exportedRun((await authenticate(req)).ctx, (await load(req)).id, "json");
    return reply
      .type("application/json; charset=utf-8")
      .header("content-disposition", `attachment; filename="${run.id}.json"`)
      .send(`${JSON.stringify(exportRun(run), null, 2)}\n`);
  });

  app.get("/workspace/estimates/:id/export.csv", async (req, reply) => {
    const run = await exportedRun((await authenticate(req)).ctx, (await load(req)).id, "csv");
    return reply.type("text/csv; charset=utf-8").header("content-disposition", `attachment; filename="${run.id}.csv"`).send(reportCsv(run));
  });

  app.post("/workspace/estimates/:id/rerun", async (req, reply) => {
    const { ctx } = await authenticate(req);
    if (!can(ctx.actor, "estimate.run")) throw new VigilError("forbidden", "not permitted: estimate.run");
    const run = await load(req);
    const mode = str(req.body, "mode") === "current-data" ? "current-data" : "same-table";
    const next = await rerun(ctx, run.id, mode);
    return reply.redirect(`/workspace/estimates/${next.id}`, 303);
  });
});
