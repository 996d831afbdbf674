import { en } from "./en";
import { fa, type MessageKey } from "./fa";

export type Locale = "fa" | "en";
export type { MessageKey };
export const LOCALES: readonly Locale[] = ["fa", "en"];
export const DEFAULT_LOCALE: Locale = "fa";

const catalogues: Record<Locale, Record<MessageKey, string>> = { fa, en };

export function isLocale(value: unknown): value is Locale {
  return value === "fa" || value === "en";
}

export function direction(locale: Locale): "rtl" | "ltr" {
  return locale === "fa" ? "rtl" : "ltr";
}

export type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

const translators = new Map<Locale, Translate>();

/** A translator for one locale; `{name}` placeholders are filled from params (numbers localised). Made once per locale. */
export function translator(locale: Locale): Translate {
  let t = translators.get(locale);
  if (!t) {
    t = makeTranslator(locale);
    translators.set(locale, t);
  }
  return t;
}

function makeTranslator(locale: Locale): Translate {
  const messages = catalogues[locale];
  const nf = new Intl.NumberFormat(locale === "fa" ? "fa-IR" : "en-US");
  return (key, params) => {
    const text = messages[key] ?? key;
    if (!params) return text;
    return text.replace(/\{(\w+)\}/g, (_, name: string) => {
      const v = params[name];
      return v === undefined ? `{${name}}` : typeof v === "number" ? nf.format(v) : v;
    });
  };
}
