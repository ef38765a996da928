// The page in five languages (#31): every interface string is data, one catalogue per language
// (api/static/i18n/<code>.json, fetched from this origin); the language is the picker's
// (remembered in this browser), else the signed-in member's, else the browser's, else English.
// Arabic turns the page right to left; dates and numbers the page formats follow the language.
// Content (needs, evidence, names, titles) is shown as written, never translated.

/** The five languages, each named in itself (the picker's options). */
export const LANGUAGES = { en: "English", fr: "Français", es: "Español", pt: "Português", ar: "العربية" };
const STORAGE = "wellspring.language";
const RTL = new Set(["ar"]);

let current = "en";
let strings = {};
let english = {};
const listeners = [];

async function fetchCatalogue(code) {
  const response = await fetch(`/static/i18n/${code}.json`, { headers: { Accept: "application/json" } });
  if (!response.ok) throw new Error(`no interface strings for ${code} (HTTP ${response.status})`);
  return response.json();
}

/** The page's language now: en, fr, es, pt or ar. */
export const language = () => current;

export function formatNumber(value, options) {
  return new Intl.NumberFormat(current, options).format(value);
}

/** The interface string ``key`` in the page's language (English where a catalogue lacks it),
 * with ``{name}`` filled from ``params`` (numbers in the locale's form); a string given as plural
 * forms ({one, other, ...}) takes the form Intl.PluralRules gives for ``params.n``. */
export function t(key, params = {}) {
  let text = key in strings ? strings[key] : english[key];
  if (text === undefined) return key;
  if (typeof text === "object") {
    const form = new Intl.PluralRules(current).select(Number(params.n ?? 0));
    text = text[form] ?? text.other;
  }
  // in a right-to-left sentence, each value keeps its own direction (a French need, an id); a
  // value that is itself a sentence of the page (it holds isolates: "field: problem") is right
  // to left, which its first strong letter, hidden inside its own isolates, would not tell
  const rtl = RTL.has(current);
  return text.replace(/\{(\w+)\}/g, (whole, name) => {
    if (!(name in params)) return whole;
    const value = params[name];
    if (typeof value === "number") return formatNumber(value);
    if (!rtl) return String(value);
    return `${String(value).includes("\u2068") ? "\u2067" : "\u2068"}${value}\u2069`;
  });
}

/** Whether the catalogues hold ``key`` (English holds every key). */
export const hasString = (key) => key in english;

/** A term of the interface's vocabulary (a level, a status, a role): ``group.value`` from the
 * catalogue, else the value as written with its underscores as spaces. */
export function term(group, value) {
  const key = `${group}.${value}`;
  return key in english ? t(key) : String(value ?? "").replace(/_/g, " ");
}

/** A score such as 0.87, in the locale's digits. */
export function formatScore(score) {
  return typeof score === "number"
    ? formatNumber(score, { minimumFractionDigits: 2, maximumFractionDigits: 2 }) : "–";
}

/** An ISO date (2021, 2021-05, 2021-05-17 or a full timestamp) in the locale's form; anything
 * else as written. */
export function formatDate(value, { time = false } = {}) {
  const text = String(value || "");
  const parts = text.match(/^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?/);
  if (!parts) return text;
  const options = { timeZone: "UTC", year: "numeric" };
  if (parts[2]) options.month = parts[3] ? "short" : "long";
  if (parts[3]) options.day = "numeric";
  let date = new Date(Date.UTC(Number(parts[1]), Number(parts[2] || 1) - 1, Number(parts[3] || 1)));
  if (time && /T\d{2}:\d{2}/.test(text)) {
    const instant = new Date(text);
    if (!Number.isNaN(instant.getTime())) {
      date = instant;
      Object.assign(options, { hour: "2-digit", minute: "2-digit" });
      delete options.timeZone;
    }
  }
  try {
    return new Intl.DateTimeFormat(current, options).format(date);
  } catch {
    return text;
  }
}

/** Fill the interface strings of ``root``: data-i18n (the text), data-i18n-placeholder,
 * data-i18n-aria-label and data-i18n-title (those attributes). */
export function translateDom(root = document) {
  for (const node of root.querySelectorAll("[data-i18n]")) node.textContent = t(node.dataset.i18n);
  for (const [attribute, data] of [["placeholder", "i18nPlaceholder"],
    ["aria-label", "i18nAriaLabel"], ["title", "i18nTitle"]]) {
    for (const node of root.querySelectorAll(`[data-i18n-${attribute}]`)) {
      node.setAttribute(attribute, t(node.dataset[data]));
    }
  }
}

/** Runs ``redraw`` after every change of language (the views redraw their own texts). */
export function onLanguageChange(redraw) {
  listeners.push(redraw);
}

/** The first of ``codes`` (BCP 47 tags, ISO codes) that is one of the page's languages. */
export function firstOfOurs(codes) {
  for (const code of codes || []) {
    const base = String(code || "").toLowerCase().split(/[-_]/)[0];
    if (base in LANGUAGES) return base;
  }
  return null;
}

function remembered() {
  try {
    return firstOfOurs([localStorage.getItem(STORAGE)]);
  } catch {
    return null;
  }
}

/** Speak ``code``: its catalogue, <html lang dir>, the static strings, then every redraw. */
export async function setLanguage(code, { remember = false } = {}) {
  const chosen = code in LANGUAGES ? code : "en";
  if (remember) {
    try {
      localStorage.setItem(STORAGE, chosen);
    } catch { /* not remembered: private browsing */ }
  }
  try {
    if (!Object.keys(english).length) english = await fetchCatalogue("en");
    strings = chosen === "en" ? english : await fetchCatalogue(chosen);
    current = chosen;
  } catch {
    strings = english;  // the page stays usable in English
    current = "en";
  }
  document.documentElement.lang = current;
  document.documentElement.dir = RTL.has(current) ? "rtl" : "ltr";
  const picker = document.getElementById("language-picker");
  if (picker) picker.value = current;
  translateDom(document);
  for (const redraw of listeners) redraw();
}

/** A signed-in member's languages (GET /me) choose the language, unless the picker has. */
export function preferLanguages(codes) {
  const code = firstOfOurs(codes);
  if (!remembered() && code && code !== current) setLanguage(code);
}

/** The first language (picker, else browser, else English) and the picker's wiring. */
export async function initLanguage() {
  const picker = document.getElementById("language-picker");
  picker.addEventListener("change", () => setLanguage(picker.value, { remember: true }));
  const browser = navigator.languages && navigator.languages.length
    ? navigator.languages : [navigator.language];
  await setLanguage(remembered() || firstOfOurs(browser) || "en");
}
