/**
 * Controlled vocabularies, seeded into `vocab_terms` on every start (new terms
 * added, labels of existing terms left as an organisation may have edited them).
 * Where a vocabulary follows a HURIDOCS Events Standard Formats micro-thesaurus,
 * `esf` names it; codes are ours, readable and stable.
 */
export interface SeedTerm {
  code: string;
  en: string;
  fa: string;
  parent?: string;
}

export interface SeedVocabulary {
  name: string;
  esf?: string;
  description: string;
  terms: SeedTerm[];
}

export const VOCABULARIES: SeedVocabulary[] = [
  {
    name: "act_type",
    esf: "Types of Acts",
    description: "What was done to one victim in an act.",
    terms: [
      { code: "arrest", en: "arrest", fa: "بازداشت" },
      { code: "detention", en: "detention", fa: "حبس" },
      { code: "interrogation", en: "interrogation", fa: "بازجویی" },
      { code: "torture", en: "torture", fa: "شکنجه" },
      { code: "forced_confession", en: "forced confession", fa: "اعتراف اجباری" },
      { code: "trial", en: "trial", fa: "محاکمه" },
      { code: "death_sentence", en: "death sentence", fa: "حکم اعدام" },
      { code: "prison_sentence", en: "prison sentence", fa: "حکم زندان" },
      { code: "sentence_upheld", en: "sentence upheld", fa: "تأیید حکم" },
      { code: "transfer_solitary", en: "transfer to solitary confinement", fa: "انتقال به سلول انفرادی" },
      { code: "execution", en: "execution", fa: "اعدام" },
      { code: "death_in_custody", en: "death in custody", fa: "مرگ در بازداشت" },
      { code: "enforced_disappearance", en: "enforced disappearance", fa: "ناپدیدسازی قهری" },
      { code: "secret_burial", en: "secret burial", fa: "دفن مخفیانه" },
      { code: "mass_grave_burial", en: "burial in a mass grave", fa: "دفن در گور جمعی" },
      { code: "denial_of_burial_information", en: "denial of burial information to the family", fa: "خودداری از دادن اطلاعات محل دفن به خانواده" },
      { code: "harassment_of_family", en: "harassment of the family", fa: "آزار خانواده" },
      { code: "grave_destruction", en: "destruction of a grave", fa: "تخریب گور" },
      { code: "commutation", en: "sentence commuted", fa: "تخفیف حکم" },
      { code: "release", en: "release", fa: "آزادی" },
      { code: "flogging", en: "flogging", fa: "شلاق" },
    ],
  },
  {
    name: "involvement_degree",
    esf: "Degrees of Involvement",
    description: "A person's or organisation's part in an act.",
    terms: [
      { code: "ordered", en: "ordered", fa: "دستور داد" },
      { code: "planned", en: "planned", fa: "برنامه‌ریزی کرد" },
      { code: "carried_out", en: "carried out", fa: "اجرا کرد" },
      { code: "sentenced", en: "sentenced", fa: "حکم داد" },
      { code: "prosecuted", en: "prosecuted", fa: "اقامه دعوا کرد" },
      { code: "participated", en: "participated", fa: "مشارکت داشت" },
      { code: "failed_to_prevent", en: "failed to prevent", fa: "از جلوگیری خودداری کرد" },
      { code: "concealed", en: "concealed", fa: "پنهان کرد" },
      { code: "incited", en: "incited", fa: "تحریک کرد" },
    ],
  },
  {
    name: "confidence",
    description: "How sure we are that a claim is true.",
    terms: [
      { code: "confirmed", en: "confirmed", fa: "تأییدشده" },
      { code: "probable", en: "probable", fa: "محتمل" },
      { code: "possible", en: "possible", fa: "ممکن" },
      { code: "disputed", en: "disputed", fa: "مورد اختلاف" },
    ],
  },
  {
    name: "confidentiality",
    description: "Who may see a record or a claim.",
    terms: [
      { code: "public", en: "public", fa: "عمومی" },
      { code: "staff", en: "staff only", fa: "فقط کارکنان" },
      { code: "restricted", en: "restricted", fa: "محرمانه" },
    ],
  },
  {
    name: "date_precision",
    description: "How precise a date is.",
    terms: [
      { code: "day", en: "day", fa: "روز" },
      { code: "month", en: "month", fa: "ماه" },
      { code: "season", en: "season", fa: "فصل" },
      { code: "year", en: "year", fa: "سال" },
      { code: "approximate", en: "approximate", fa: "تقریبی" },
      { code: "range", en: "range", fa: "بازه" },
      { code: "unknown", en: "unknown", fa: "نامعلوم" },
    ],
  },
  {
    name: "source_reliability",
    esf: "Reliability",
    description: "How reliable a source is in general (separate from each claim's confidence).",
    terms: [
      { code: "high", en: "high", fa: "بالا" },
      { code: "medium", en: "medium", fa: "متوسط" },
      { code: "low", en: "low", fa: "پایین" },
      { code: "unknown", en: "unknown", fa: "نامعلوم" },
    ],
  },
  {
    name: "source_connection",
    esf: "Source's Connection to Information",
    description: "How the source came to know what it says.",
    terms: [
      { code: "victim", en: "victim", fa: "قربانی" },
      { code: "witness", en: "eyewitness", fa: "شاهد عینی" },
      { code: "relative", en: "relative", fa: "خویشاوند" },
      { code: "fellow_prisoner", en: "fellow prisoner", fa: "هم‌بند" },
      { code: "lawyer", en: "lawyer", fa: "وکیل" },
      { code: "official_record", en: "official record", fa: "سند رسمی" },
      { code: "perpetrator", en: "perpetrator or official", fa: "عامل یا مقام رسمی" },
      { code: "media", en: "media report", fa: "گزارش رسانه‌ای" },
      { code: "third_party", en: "third party", fa: "شخص ثالث" },
    ],
  },
  {
    name: "source_type",
    description: "What kind of thing a source is.",
    terms: [
      { code: "article", en: "news article", fa: "مقاله خبری" },
      { code: "report", en: "report", fa: "گزارش" },
      { code: "document", en: "document", fa: "سند" },
      { code: "web_capture", en: "web capture", fa: "بایگانی وب" },
      { code: "testimony", en: "testimony", fa: "شهادت" },
      { code: "interview", en: "interview", fa: "مصاحبه" },
      { code: "published_list", en: "published list", fa: "فهرست منتشرشده" },
      { code: "court_record", en: "court record", fa: "سند دادگاه" },
      { code: "media_file", en: "photo, audio or video", fa: "عکس، صدا یا ویدیو" },
      { code: "statement", en: "official statement", fa: "بیانیه رسمی" },
      { code: "book", en: "book", fa: "کتاب" },
      { code: "dataset", en: "dataset", fa: "مجموعه داده" },
    ],
  },
  {
    name: "victim_status",
    esf: "Status at End of Act",
    description: "The victim's status at the end of an act.",
    terms: [
      { code: "alive", en: "alive", fa: "زنده" },
      { code: "in_custody", en: "in custody", fa: "در بازداشت" },
      { code: "dead", en: "dead", fa: "جان‌باخته" },
      { code: "disappeared", en: "disappeared", fa: "ناپدید" },
      { code: "released", en: "released", fa: "آزادشده" },
      { code: "unknown", en: "unknown", fa: "نامعلوم" },
    ],
  },
  {
    name: "charge",
    description: "Charges as written in Iranian courts.",
    terms: [
      { code: "moharebeh", en: "moharebeh (enmity against God)", fa: "محاربه" },
      { code: "efsad_fel_arz", en: "efsad-e fel-arz (corruption on earth)", fa: "افساد فی‌الارض" },
      { code: "baghi", en: "baghi (armed rebellion)", fa: "بغی" },
      { code: "ertedad", en: "ertedad (apostasy)", fa: "ارتداد" },
      { code: "membership_opposition", en: "membership of an opposition group", fa: "عضویت در گروه‌های مخالف" },
      { code: "propaganda_against_state", en: "propaganda against the state", fa: "تبلیغ علیه نظام" },
      { code: "acting_against_national_security", en: "acting against national security", fa: "اقدام علیه امنیت ملی" },
      { code: "espionage", en: "espionage", fa: "جاسوسی" },
      { code: "drug_offence", en: "drug offence", fa: "جرائم مواد مخدر" },
      { code: "murder", en: "murder (qisas)", fa: "قتل (قصاص)" },
    ],
  },
  {
    name: "event_type",
    description: "What kind of event.",
    terms: [
      { code: "mass_execution", en: "mass execution", fa: "اعدام جمعی" },
      { code: "execution_wave", en: "wave of executions", fa: "موج اعدام‌ها" },
      { code: "arrest_wave", en: "wave of arrests", fa: "موج بازداشت‌ها" },
      { code: "trial", en: "trial", fa: "محاکمه" },
      { code: "public_statement", en: "public statement", fa: "اظهارات علنی" },
      { code: "grave_site_destruction", en: "destruction of a grave site", fa: "تخریب محل دفن" },
      { code: "conference", en: "conference", fa: "کنفرانس" },
      { code: "commemoration", en: "commemoration", fa: "مراسم یادبود" },
      { code: "protest", en: "protest", fa: "اعتراض" },
      { code: "other", en: "other", fa: "دیگر" },
    ],
  },
  {
    name: "event_relation",
    description: "How events chain.",
    terms: [
      { code: "part_of", en: "part of", fa: "بخشی از" },
      { code: "precedes", en: "precedes", fa: "پیش از" },
      { code: "consequence_of", en: "consequence of", fa: "پیامد" },
    ],
  },
  {
    name: "place_type",
    description: "What kind of place.",
    terms: [
      { code: "country", en: "country", fa: "کشور" },
      { code: "province", en: "province", fa: "استان" },
      { code: "city", en: "city", fa: "شهر" },
      { code: "prison", en: "prison", fa: "زندان" },
      { code: "detention_centre", en: "detention centre", fa: "بازداشتگاه" },
      { code: "court", en: "court", fa: "دادگاه" },
      { code: "cemetery", en: "cemetery", fa: "گورستان" },
      { code: "grave_section", en: "grave section", fa: "قطعه" },
      { code: "grave", en: "grave", fa: "گور" },
      { code: "mass_grave", en: "mass grave", fa: "گور جمعی" },
      { code: "venue", en: "venue", fa: "محل برگزاری" },
      { code: "other", en: "other", fa: "دیگر" },
    ],
  },
  {
    name: "organisation_type",
    description: "What kind of organisation.",
    terms: [
      { code: "judiciary", en: "judiciary", fa: "قوه قضاییه" },
      { code: "court", en: "court", fa: "دادگاه" },
      { code: "prosecutor_office", en: "prosecutor's office", fa: "دادستانی" },
      { code: "prison_authority", en: "prison authority", fa: "سازمان زندان‌ها" },
      { code: "intelligence", en: "intelligence service", fa: "نهاد اطلاعاتی" },
      { code: "security_force", en: "security or armed force", fa: "نیروی امنیتی یا نظامی" },
      { code: "commission", en: "commission", fa: "هیئت" },
      { code: "government", en: "government body", fa: "نهاد دولتی" },
      { code: "municipality", en: "municipality", fa: "شهرداری" },
      { code: "media", en: "media outlet", fa: "رسانه" },
      { code: "political_organisation", en: "political organisation", fa: "سازمان سیاسی" },
      { code: "ngo", en: "non-governmental organisation", fa: "سازمان غیردولتی" },
      { code: "other", en: "other", fa: "دیگر" },
    ],
  },
  {
    name: "post_role",
    description: "Roles officials hold in posts.",
    terms: [
      { code: "judge", en: "judge", fa: "قاضی" },
      { code: "religious_judge", en: "religious judge", fa: "حاکم شرع" },
      { code: "prosecutor", en: "prosecutor", fa: "دادستان" },
      { code: "deputy_prosecutor", en: "deputy prosecutor", fa: "معاون دادستان" },
      { code: "prison_governor", en: "prison governor", fa: "رئیس زندان" },
      { code: "prison_official", en: "prison official", fa: "مسئول زندان" },
      { code: "intelligence_representative", en: "intelligence representative", fa: "نماینده اطلاعات" },
      { code: "commission_member", en: "member of a commission", fa: "عضو هیئت" },
      { code: "interrogator", en: "interrogator", fa: "بازجو" },
      { code: "head", en: "head", fa: "رئیس" },
      { code: "deputy", en: "deputy", fa: "معاون" },
      { code: "minister", en: "minister", fa: "وزیر" },
      { code: "spokesperson", en: "spokesperson", fa: "سخنگو" },
      { code: "member", en: "member", fa: "عضو" },
      { code: "other", en: "other", fa: "دیگر" },
    ],
  },
  {
    name: "sex",
    description: "Sex as recorded by sources.",
    terms: [
      { code: "male", en: "male", fa: "مرد" },
      { code: "female", en: "female", fa: "زن" },
      { code: "other", en: "other", fa: "دیگر" },
      { code: "unknown", en: "unknown", fa: "نامعلوم" },
    ],
  },
];

export const VOCABULARY_NAMES = VOCABULARIES.map((v) => v.name);
