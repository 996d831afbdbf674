/**
 * Vocabulary of the demo data set: places with real city-centre coordinates, catalogue,
 * Persian names and the phrases operators, agencies and technicians actually write.
 */

export interface BrandDef {
  code: string;
  nameFa: string;
  nameEn: string;
  /** model-code prefix */
  prefix: string;
  categories: string[];
}

export const BRANDS: BrandDef[] = [
  { code: "snowa", nameFa: "اسنوا", nameEn: "Snowa", prefix: "SN", categories: ["washing_machine", "refrigerator", "dishwasher", "air_conditioner", "microwave", "vacuum_cleaner"] },
  { code: "daewoo", nameFa: "دوو", nameEn: "Daewoo", prefix: "DW", categories: ["washing_machine", "refrigerator", "tv", "microwave", "vacuum_cleaner", "air_conditioner"] },
  { code: "pakshoma", nameFa: "پاکشوما", nameEn: "Pakshoma", prefix: "PK", categories: ["washing_machine", "refrigerator", "dishwasher", "vacuum_cleaner", "water_heater", "air_conditioner"] },
  { code: "emersun", nameFa: "امرسان", nameEn: "Emersun", prefix: "EM", categories: ["refrigerator", "tv", "washing_machine", "dishwasher", "air_conditioner", "water_heater"] },
  { code: "xvision", nameFa: "ایکس‌ویژن", nameEn: "X.Vision", prefix: "XV", categories: ["tv", "refrigerator", "washing_machine", "microwave", "vacuum_cleaner"] },
];

export interface CategoryDef {
  code: string;
  nameFa: string;
  nameEn: string;
  warrantyMonths: number;
  prefix: string;
  /** typical customer complaints */
  problems: string[];
  /** what the technician writes in the completion report */
  works: string[];
  /** [part code, name, has serial, min price, max price] in rials */
  parts: [string, string, boolean, number, number][];
}

export const CATEGORIES: CategoryDef[] = [
  {
    code: "washing_machine", nameFa: "ماشین لباسشویی", nameEn: "Washing machine", warrantyMonths: 24, prefix: "WM",
    problems: ["آب را تخلیه نمی‌کند", "هنگام خشک‌کن صدای زیادی می‌دهد و می‌لرزد", "درب دستگاه قفل شده و باز نمی‌شود", "خطای E21 روی نمایشگر نمایش داده می‌شود", "آب گرم نمی‌کند", "از زیر دستگاه آب نشت می‌کند", "دیگ نمی‌چرخد"],
    works: ["تعویض پمپ تخلیه و تست عملکرد دستگاه", "تعویض بلبرینگ و کاسه‌نمد دیگ", "تعویض قفل درب و تست برنامه کامل", "تعمیر برد الکترونیک و به‌روزرسانی نرم‌افزار", "تعویض المنت و تست گرمایش", "رفع نشتی شیلنگ داخلی و تعویض بست"],
    parts: [["WM-PMP-30", "پمپ تخلیه", false, 1_200_000, 3_500_000], ["WM-PCB-21", "برد الکترونیکی", true, 4_500_000, 12_000_000], ["WM-BRG-06", "بلبرینگ دیگ", false, 600_000, 1_800_000], ["WM-LCK-02", "قفل درب", false, 700_000, 1_600_000], ["WM-HTR-20", "المنت گرمکن", false, 1_100_000, 2_400_000], ["WM-VLV-01", "شیر برقی ورودی آب", false, 500_000, 1_200_000]],
  },
  {
    code: "refrigerator", nameFa: "یخچال و فریزر", nameEn: "Refrigerator", warrantyMonths: 24, prefix: "RF",
    problems: ["یخچال سرما ندارد", "فریزر برفک زیادی می‌زند", "کمپرسور مدام روشن و خاموش می‌شود", "زیر یخچال آب جمع می‌شود", "صدای غیرعادی از پشت دستگاه می‌آید", "نمایشگر دما خاموش است", "لاستیک درب پاره شده و درب کامل بسته نمی‌شود"],
    works: ["شارژ گاز و رفع نشتی لوله", "تعویض کمپرسور، وکیوم و شارژ گاز", "تعویض فن فریزر", "تعویض ترموستات و تنظیم دما", "باز کردن مسیر آب دیفراست", "تعویض لاستیک درب"],
    parts: [["RF-CMP-11", "کمپرسور", true, 8_000_000, 16_000_000], ["RF-THR-04", "ترموستات", false, 800_000, 1_900_000], ["RF-FAN-07", "فن فریزر", false, 900_000, 2_200_000], ["RF-GAS-60", "گاز مبرد R600a", false, 700_000, 1_500_000], ["RF-GSK-02", "لاستیک درب", false, 500_000, 1_300_000], ["RF-HTR-05", "هیتر دیفراست", false, 900_000, 2_100_000]],
  },
  {
    code: "tv", nameFa: "تلویزیون", nameEn: "Television", warrantyMonths: 18, prefix: "TV",
    problems: ["تصویر ندارد ولی صدا پخش می‌شود", "دستگاه روشن نمی‌شود", "روی صفحه خطوط عمودی افتاده است", "ریموت کار نمی‌کند", "دستگاه خودبه‌خود خاموش و روشن می‌شود", "وای‌فای وصل نمی‌شود"],
    works: ["تعویض بک‌لایت LED", "تعویض برد پاور", "تعمیر برد مین و به‌روزرسانی نرم‌افزار", "تعویض ریموت کنترل", "تنظیم و به‌روزرسانی نرم‌افزار دستگاه"],
    parts: [["TV-BL-43", "بک‌لایت LED", false, 2_500_000, 6_500_000], ["TV-PWR-12", "برد پاور", true, 3_000_000, 7_000_000], ["TV-MB-55", "برد مین", true, 5_500_000, 14_000_000], ["TV-RC-01", "ریموت کنترل", false, 400_000, 900_000]],
  },
  {
    code: "dishwasher", nameFa: "ماشین ظرفشویی", nameEn: "Dishwasher", warrantyMonths: 24, prefix: "DW",
    problems: ["ظرف‌ها را تمیز نمی‌شوید", "آب داخل دستگاه می‌ماند", "آب گرم نمی‌کند", "خطای E15 نمایش می‌دهد", "درب دستگاه نشتی دارد"],
    works: ["تعویض پمپ شستشو", "تعویض المنت گرمکن و تست", "تمیزکاری فیلتر و بازوی پاشنده", "تعویض سنسور آب و رفع نشتی کف"],
    parts: [["DW-PMP-10", "پمپ شستشو", false, 2_000_000, 4_800_000], ["DW-HTR-03", "المنت گرمکن", false, 1_500_000, 3_200_000], ["DW-ARM-02", "بازوی پاشنده", false, 500_000, 1_200_000], ["DW-SNS-04", "سنسور آب", false, 600_000, 1_400_000]],
  },
  {
    code: "air_conditioner", nameFa: "کولر گازی", nameEn: "Air conditioner", warrantyMonths: 18, prefix: "AC",
    problems: ["سرمایش ندارد", "از یونیت داخلی آب چکه می‌کند", "کمپرسور روشن نمی‌شود", "صدای زیادی از یونیت بیرونی می‌آید", "ریموت دستگاه کار نمی‌کند"],
    works: ["شارژ گاز R410a و رفع نشتی", "تعویض خازن کمپرسور", "باز کردن لوله تخلیه و سرویس کامل", "تعویض برد کنترل یونیت داخلی", "تعویض موتور فن یونیت بیرونی"],
    parts: [["AC-GAS-41", "گاز R410a", false, 1_500_000, 3_500_000], ["AC-CAP-35", "خازن کمپرسور", false, 500_000, 1_100_000], ["AC-PCB-09", "برد کنترل", true, 3_500_000, 8_000_000], ["AC-FAN-12", "موتور فن", false, 2_000_000, 4_500_000]],
  },
  {
    code: "microwave", nameFa: "مایکروویو", nameEn: "Microwave", warrantyMonths: 12, prefix: "MW",
    problems: ["غذا را گرم نمی‌کند", "صفحه گردان نمی‌چرخد", "هنگام کار جرقه می‌زند", "دستگاه روشن نمی‌شود"],
    works: ["تعویض مگنترون", "تعویض فیوز و میکروسوییچ درب", "تعویض موتور صفحه گردان", "تعویض طلق موج‌بر و تمیزکاری"],
    parts: [["MW-MAG-01", "مگنترون", true, 2_200_000, 4_500_000], ["MW-FUS-02", "فیوز", false, 150_000, 400_000], ["MW-MOT-03", "موتور صفحه گردان", false, 600_000, 1_300_000], ["MW-TRF-04", "ترانس ولتاژ بالا", false, 1_800_000, 3_600_000]],
  },
  {
    code: "vacuum_cleaner", nameFa: "جاروبرقی", nameEn: "Vacuum cleaner", warrantyMonths: 12, prefix: "VC",
    problems: ["مکش ندارد", "دستگاه داغ می‌کند و خاموش می‌شود", "بوی سوختگی می‌دهد", "کلید روشن و خاموش کار نمی‌کند"],
    works: ["تعویض موتور مکنده", "تعویض فیلتر HEPA و تمیزکاری مسیر مکش", "تعویض کلید و سیم‌کشی داخلی"],
    parts: [["VC-MOT-18", "موتور مکنده", true, 2_500_000, 5_500_000], ["VC-HEPA-2", "فیلتر HEPA", false, 400_000, 900_000], ["VC-HOS-01", "شیلنگ", false, 500_000, 1_000_000], ["VC-SWT-01", "کلید", false, 200_000, 500_000]],
  },
  {
    code: "water_heater", nameFa: "آبگرمکن", nameEn: "Water heater", warrantyMonths: 24, prefix: "WH",
    problems: ["شعله پیلوت خاموش می‌شود", "آب به اندازه کافی گرم نمی‌شود", "از زیر مخزن آب نشت می‌کند", "بوی گاز می‌آید"],
    works: ["تعویض ترموکوپل و تنظیم شعله", "تعویض شیر گاز", "تعویض آند منیزیم و شستشوی مخزن", "رفع نشتی اتصالات گاز و تست"],
    parts: [["WH-TC-01", "ترموکوپل", false, 400_000, 900_000], ["WH-GV-02", "شیر گاز", true, 2_500_000, 5_000_000], ["WH-AND-01", "آند منیزیم", false, 600_000, 1_200_000]],
  },
];

export interface CityDef {
  province: string;
  city: string;
  lat: number;
  lng: number;
  /** province code used in agency codes */
  prefix: string;
  areaCode: string;
  agencies: number;
  /** relative share of customers */
  customerWeight: number;
}

/** Real city-centre coordinates. */
export const CITIES: CityDef[] = [
  { province: "تهران", city: "تهران", lat: 35.6892, lng: 51.389, prefix: "THR", areaCode: "021", agencies: 7, customerWeight: 34 },
  { province: "تهران", city: "اسلامشهر", lat: 35.5446, lng: 51.2302, prefix: "THR", areaCode: "021", agencies: 1, customerWeight: 2 },
  { province: "تهران", city: "شهریار", lat: 35.6597, lng: 51.0592, prefix: "THR", areaCode: "021", agencies: 1, customerWeight: 2 },
  { province: "تهران", city: "ورامین", lat: 35.3242, lng: 51.6457, prefix: "THR", areaCode: "021", agencies: 1, customerWeight: 1 },
  { province: "اصفهان", city: "اصفهان", lat: 32.6539, lng: 51.666, prefix: "ISF", areaCode: "031", agencies: 4, customerWeight: 8 },
  { province: "اصفهان", city: "کاشان", lat: 33.9831, lng: 51.4364, prefix: "ISF", areaCode: "031", agencies: 1, customerWeight: 2 },
  { province: "اصفهان", city: "نجف‌آباد", lat: 32.6342, lng: 51.3667, prefix: "ISF", areaCode: "031", agencies: 1, customerWeight: 1 },
  { province: "خراسان رضوی", city: "مشهد", lat: 36.2605, lng: 59.6168, prefix: "KHR", areaCode: "051", agencies: 4, customerWeight: 8 },
  { province: "خراسان رضوی", city: "نیشابور", lat: 36.2133, lng: 58.7958, prefix: "KHR", areaCode: "051", agencies: 1, customerWeight: 2 },
  { province: "خراسان رضوی", city: "سبزوار", lat: 36.2126, lng: 57.6819, prefix: "KHR", areaCode: "051", agencies: 1, customerWeight: 1 },
  { province: "فارس", city: "شیراز", lat: 29.5918, lng: 52.5837, prefix: "FRS", areaCode: "071", agencies: 3, customerWeight: 6 },
  { province: "فارس", city: "مرودشت", lat: 29.8742, lng: 52.8025, prefix: "FRS", areaCode: "071", agencies: 1, customerWeight: 1 },
  { province: "فارس", city: "کازرون", lat: 29.6195, lng: 51.6541, prefix: "FRS", areaCode: "071", agencies: 1, customerWeight: 1 },
  { province: "آذربایجان شرقی", city: "تبریز", lat: 38.0962, lng: 46.2738, prefix: "AZS", areaCode: "041", agencies: 3, customerWeight: 6 },
  { province: "آذربایجان شرقی", city: "مراغه", lat: 37.3917, lng: 46.2394, prefix: "AZS", areaCode: "041", agencies: 1, customerWeight: 1 },
  { province: "آذربایجان شرقی", city: "مرند", lat: 38.4329, lng: 45.7749, prefix: "AZS", areaCode: "041", agencies: 1, customerWeight: 1 },
  { province: "البرز", city: "کرج", lat: 35.84, lng: 50.9391, prefix: "ALB", areaCode: "026", agencies: 2, customerWeight: 5 },
  { province: "خوزستان", city: "اهواز", lat: 31.3183, lng: 48.6706, prefix: "KHZ", areaCode: "061", agencies: 1, customerWeight: 3 },
  { province: "خوزستان", city: "دزفول", lat: 32.3811, lng: 48.4058, prefix: "KHZ", areaCode: "061", agencies: 1, customerWeight: 1 },
  { province: "مازندران", city: "ساری", lat: 36.5633, lng: 53.0601, prefix: "MZN", areaCode: "011", agencies: 1, customerWeight: 2 },
  { province: "مازندران", city: "بابل", lat: 36.5387, lng: 52.6765, prefix: "MZN", areaCode: "011", agencies: 1, customerWeight: 2 },
  { province: "کرمان", city: "کرمان", lat: 30.2839, lng: 57.0834, prefix: "KRM", areaCode: "034", agencies: 1, customerWeight: 2 },
  { province: "کرمان", city: "رفسنجان", lat: 30.4067, lng: 55.9939, prefix: "KRM", areaCode: "034", agencies: 1, customerWeight: 1 },
];

/** Neighbourhoods named in the Tehran agencies' names, in code order. */
export const TEHRAN_DISTRICTS = ["نارمک", "ونک", "تهرانپارس", "صادقیه", "پونک", "شهرک غرب", "نازی‌آباد"];

export const AGENCY_BRANDS = [
  "آریا", "پارس", "البرز", "سپهر", "نیک", "مهر", "پیشرو", "دانا", "کیان", "ستاره", "آسیا", "رایان", "بهین",
  "نوین", "پویا", "سینا", "آرمان", "تک", "ایمن", "فن‌آوران", "امید", "کاوه", "آفتاب", "زاگرس", "دماوند",
];

export const MALE_NAMES = [
  "محمد", "علی", "حسین", "رضا", "مهدی", "امیر", "حسن", "مصطفی", "سعید", "مجید", "حمید", "جواد", "احمد", "محسن",
  "وحید", "کامران", "بهروز", "فرهاد", "داریوش", "سجاد", "یاسر", "میلاد", "آرش", "بابک", "پویا", "کیوان",
  "ابوالفضل", "عباس", "مرتضی", "اکبر", "یوسف", "ناصر",
];

export const FEMALE_NAMES = [
  "فاطمه", "زهرا", "مریم", "معصومه", "سارا", "نرگس", "لیلا", "الهام", "مهسا", "نازنین", "سمیه", "فرشته",
  "شیرین", "پریسا", "مینا", "نسرین", "طاهره", "آزاده", "رویا", "هانیه", "ستاره", "سحر", "زینب", "کبری",
];

export const LAST_NAMES = [
  "محمدی", "حسینی", "احمدی", "رضایی", "موسوی", "کریمی", "جعفری", "صادقی", "رحیمی", "قاسمی", "حیدری", "اکبری",
  "کاظمی", "نوری", "عباسی", "یوسفی", "ابراهیمی", "مرادی", "شریفی", "طاهری", "نجفی", "سلطانی", "فرهادی",
  "امینی", "بهرامی", "زارعی", "قربانی", "تهرانی", "اصفهانی", "شیرازی", "تبریزی", "میرزایی", "کرمانی",
  "رستمی", "نظری", "علیزاده", "حسن‌زاده", "رحمانی", "جلالی", "توکلی", "باقری", "صفری", "اسدی", "خسروی",
  "نیک‌نام", "پورمحمدی", "سبحانی", "یزدانی",
];

export const STREETS = [
  "ولیعصر", "انقلاب", "آزادی", "شریعتی", "پاسداران", "جمهوری", "امام خمینی", "طالقانی", "مطهری", "بهشتی",
  "کارگر", "فردوسی", "حافظ", "سعدی", "نظامی", "مدرس", "شهید رجایی", "هفده شهریور", "کشاورز", "بهار",
  "فلسطین", "سعادت", "گلستان", "نارون", "لاله",
];

export const ALLEYS = ["گلستان", "یاس", "نسترن", "بهار", "شقایق", "اقاقیا", "صنوبر", "نیلوفر", "سرو", "ارغوان"];

export const FOLLOW_UP_PROBLEMS = [
  "پیگیری وضعیت درخواست قبلی",
  "استعلام مدت و شرایط گارانتی دستگاه",
  "سوال درباره نحوه نصب و راه‌اندازی",
  "درخواست نشانی نزدیک‌ترین نمایندگی مجاز",
  "استعلام هزینه تعمیر خارج از گارانتی",
  "ثبت کارت گارانتی و شماره سریال",
];

export const COMPLAINT_PROBLEMS = [
  "تأخیر در مراجعه تکنسین با وجود هماهنگی قبلی",
  "دریافت هزینه بیش از تعرفه از مشتری",
  "رفتار نامناسب سرویس‌کار",
  "مشکل دستگاه پس از تعمیر دوباره تکرار شد",
  "عدم پاسخگویی نمایندگی به تماس‌های مشتری",
];

export const REJECT_REASONS = [
  "ظرفیت تکنسین‌ها برای امروز تکمیل است",
  "نشانی مشتری خارج از محدوده خدمات ماست",
  "قطعه مورد نیاز برای این مدل موجود نیست",
  "تکنسین متخصص این دستگاه در مرخصی است",
  "مسیر طولانی است؛ لطفاً به نمایندگی نزدیک‌تر ارجاع شود",
];

export const HAND_BACK_REASONS = [
  "تکنسین بیمار شد و امکان مراجعه نداریم",
  "مشتری در زمان هماهنگ‌شده در دسترس نبود و نمایندگی پرونده را برگرداند",
  "تعمیر این مدل نیاز به تجهیزات ویژه دارد",
];

export const HOLD_REASONS = [
  "در انتظار رسیدن قطعه از انبار مرکزی",
  "قطعه سفارش داده شد؛ زمان تحویل سه روز کاری",
  "مشتری زمان مراجعه مجدد را به هفته بعد موکول کرد",
];

export const CANCEL_REASONS = [
  "انصراف مشتری؛ دستگاه را خودش تعمیر کرد",
  "مشکل با راهنمایی تلفنی برطرف شد",
  "ثبت تکراری؛ درخواست دیگری برای همین دستگاه باز است",
  "مشتری هزینه تعمیر خارج از گارانتی را نپذیرفت",
  "عدم پاسخگویی مشتری پس از سه بار تماس",
];

export const SURVEY_COMMENTS: Record<number, string[]> = {
  5: ["تکنسین بسیار مؤدب و دقیق بود", "سریع و تمیز کار کردند، ممنون", "کاملاً راضی هستم"],
  4: ["کار خوب بود ولی کمی دیر آمدند", "راضی هستم", "تعمیر خوب بود، هزینه کمی بالا بود"],
  3: ["تکنسین دو ساعت دیرتر از زمان هماهنگ‌شده آمد", "قابل قبول بود"],
  2: ["هزینه خیلی بالا بود و فاکتور رسمی ندادند", "باید دو بار مراجعه می‌کردند تا مشکل حل شود"],
  1: ["دستگاه هنوز همان مشکل را دارد", "تکنسین برخورد بسیار بدی داشت"],
};

/** Mobile prefixes used in the demo. The 099x range is left to the large synthetic data set. */
export const MOBILE_PREFIXES = ["912", "919", "935", "936", "901", "902", "910", "911", "913", "915", "917", "914", "921", "930", "933", "937", "938", "939", "920", "922"];

export const HOTLINE = "02191001570";
export const SMS_LINE = "30001570";
