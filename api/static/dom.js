// Wellspring page: DOM building (text nodes only, never HTML strings), the API client, the cards.
"use strict";
import { formatDate, formatNumber, formatScore, hasString, language, t, term } from "./i18n.js";

export { formatScore };

const KEY_STORAGE = "wellspring.apiKey";
const displayNames = {};

/** Country and language names in the page's language (Intl.DisplayNames), made once each. */
function namesOf(type) {
  const key = `${language()}:${type}`;
  if (!(key in displayNames)) {
    try {
      displayNames[key] = new Intl.DisplayNames([language()], { type });
    } catch {
      displayNames[key] = null;
    }
  }
  return displayNames[key];
}

/** Build an element; strings become text nodes, so data is never parsed as HTML. */
export function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "class") node.className = value;
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export const byId = (id) => document.getElementById(id);

export function countryName(code) {
  if (!code) return "";
  try {
    const regionNames = namesOf("region");
    const name = regionNames && regionNames.of(code);
    return name && name !== code ? `${name} (${code})` : code;
  } catch {
    return code;
  }
}

export function languageName(code) {
  if (!code) return "";
  try {
    const languageNames = namesOf("language");
    const name = languageNames && languageNames.of(code);
    return name && name !== code ? name : code;
  } catch {
    return code;
  }
}

export const humanise = (value) => String(value || "").replace(/_/g, " ");
export const memberHref = (id) => `#/members/${encodeURIComponent(id)}`;

// ---- API key (kept for the browser tab only) -------------------------------------------------
export function getKey() {
  try {
    return sessionStorage.getItem(KEY_STORAGE) || "";
  } catch {
    return "";
  }
}

export function setKey(key) {
  if (key) sessionStorage.setItem(KEY_STORAGE, key);
  else sessionStorage.removeItem(KEY_STORAGE);
}

// ---- API client ------------------------------------------------------------------------------
export class ApiError extends Error {
  constructor(message, { status = 0, field = null, errors = [] } = {}) {
    super(message);
    this.status = status;
    this.field = field;
    this.errors = errors;
  }
}

/** One problem of an error body in the page's language: the sentence its ``code`` names in the
 * catalogue (error.code.<code>, filled with its ``params``: a list of values joined as "a, b or
 * c"), else the server's own words (English). */
export function problemText(e) {
  const key = `error.code.${e.code}`;
  if (!e.code || !hasString(key)) return String(e.message ?? "");
  const either = new Intl.ListFormat([language()], { style: "long", type: "disjunction" });
  // numbers as figures (a year is no "2,018"); the first one chooses a plural form
  const params = Object.fromEntries(Object.entries(e.params || {}).map(([k, v]) => [k,
    Array.isArray(v) ? either.format(v.map(String))
      : typeof v === "number" ? formatNumber(v, { useGrouping: false }) : v]));
  const first = Object.values(e.params || {}).find((v) => typeof v === "number");
  return t(key, { n: first ?? 0, ...params });
}

/** "Field: problem" for each problem of an error body, in the page's language. */
export function problemLines(errors) {
  return errors.map((e) => {
    const name = String(e.field || "").split(".")[0];
    const label = hasString(`field.${name}`) ? t(`field.${name}`) : String(e.field || "");
    return t("form.fieldError", { field: label, message: problemText(e) });
  });
}

function describeFailure(status, data) {
  // the server's detail is its own words (English); the page's sentence around it is translated
  const detail = data && typeof data.detail === "string" ? data.detail : "";
  const errors = data && Array.isArray(data.errors) ? data.errors : [];
  if (status === 422 && errors.length && errors.every((e) => e && e.code)) {
    return problemLines(errors.slice(0, 3)).join("; "); // each said by its code
  }
  if ([404, 409, 429].includes(status) && errors.length && errors[0].code) {
    const said = problemText(errors[0]); // an unknown id, a closed project, too many wrong keys
    return said.charAt(0).toLocaleUpperCase(language()) + said.slice(1); // a sentence alone
  }
  const code = String(status);
  const why = errors.length && errors[0].code ? problemText(errors[0]) : detail; // 401, 403
  if (status === 401) return t(why ? "error.keyRefusedDetail" : "error.keyRefused", { detail: why });
  if (status === 403) return t(why ? "error.forbiddenDetail" : "error.forbidden", { detail: why });
  if (status === 404 && (!detail || detail === "Not Found")) return t("error.notOffered");
  if (status === 413) return t("error.tooLarge");
  if (status === 503) { // why, in the page's words when the service says it as a code
    const reason = errors.length && errors[0].code === "not_ready" && errors[0].params
      ? `notReady.${errors[0].params.reason}` : "";
    const why = reason && hasString(reason) ? t(reason) : detail;
    return t(why ? "error.notReadyDetail" : "error.notReady", { detail: why });
  }
  if (status >= 500) return t("error.server", { status: code });
  return detail || t("error.failed", { status: code });
}

export const unreachable = () => t("error.unreachable");

/** Call the API as JSON (or, with ``form``, a multipart FormData upload) with the tab's key;
 * throws ApiError with a readable message. */
// The signed-in session's CSRF token (GET /session): every write the cookie signs carries it.
let csrfToken = "";

export function setCsrfToken(token) {
  csrfToken = token || "";
}

export async function api(path, { method = "GET", body, form, signal } = {}) {
  const headers = { Accept: "application/json" };
  const key = getKey();
  if (key) headers["X-API-Key"] = key;
  else if (csrfToken && method !== "GET") headers["X-CSRF-Token"] = csrfToken;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let response;
  try {
    response = await fetch(path, {
      method, headers, signal,
      body: form !== undefined ? form : body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (err) {
    if (err && err.name === "AbortError") throw err;
    throw new ApiError(unreachable(), { status: 0 });
  }
  const text = await response.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (response.status === 502 || response.status === 504) {
    throw new ApiError(unreachable(), { status: response.status });
  }
  if (!response.ok) {
    const errors = data && Array.isArray(data.errors) ? data.errors : [];
    const field = data && typeof data.field === "string" ? data.field : null;
    throw new ApiError(describeFailure(response.status, data),
      { status: response.status, field, errors });
  }
  return data;
}

// ---- Small pieces ----------------------------------------------------------------------------
export function showAlert(box, message) {
  box.replaceChildren(el("p", {}, message));
  box.hidden = !message;
}

export function setLoading(indicator, busyRegion, busy, button) {
  indicator.hidden = !busy;
  if (busyRegion) busyRegion.setAttribute("aria-busy", busy ? "true" : "false");
  if (button) button.disabled = busy;
}

function chip(text, extra) {
  return el("span", { class: `chip${extra ? ` ${extra}` : ""}` }, text);
}

function labelled(label, value) {
  return el("span", { class: "meta-item" }, el("span", { class: "visually-hidden" }, `${label}: `),
    value);
}

export function memberMeta(m) {
  return el("p", { class: "meta" },
    labelled(t("field.organisation"), m.organisation || m.organisation_id || ""),
    labelled(t("field.country"), countryName(m.country)),
    labelled(t("field.level"), el("span", { class: `level level-${m.level}` }, term("level", m.level))));
}

function evidenceItem(e) {
  const isPrivate = e.space && e.space !== "public";
  return el("li", { class: "evidence-item", "data-contribution-id": e.contribution_id },
    el("p", { class: "evidence-title" }, e.kind === "profile" ? t("card.fromProfile") : e.title),
    el("p", { class: "evidence-meta" },
      e.kind === "profile" ? chip(t("card.profile"), "chip-profile") : chip(humanise(e.type), "chip-type"),
      e.date ? el("time", { datetime: e.date }, formatDate(e.date)) : null,
      e.language ? el("span", { class: "lang" }, languageName(e.language)) : null,
      isPrivate ? chip(t("card.private", { space: e.space }), "chip-private") : null,
      e.need ? chip(t("card.forNeed", { need: e.need }), "chip-need") : null,
      el("span", { class: "evidence-score" }, t("card.score", { score: formatScore(e.score) }))),
    e.snippet ? el("p", { class: "snippet" }, e.snippet) : null);
}

/** An invitation's reason in the page's language, from the figures it states (the API's
 * `detail` is English); a reason of an older answer without them shows its detail. */
export function reasonText(r, name) {
  if (typeof r.score !== "number") return r.detail;
  const base = { name, need: r.need, score: formatScore(r.score) };
  if (r.type === "fills_gap") {
    return t("reasonText.fills_gap", { ...base, core: formatScore(r.core_best),
      threshold: formatScore(r.limit) });
  }
  if (r.type === "adds_depth") {
    return t(r.score > r.core_best ? "reasonText.adds_depth_above" : "reasonText.adds_depth",
      { ...base, core: formatScore(r.core_best), margin: formatScore(r.limit) });
  }
  if (r.type === "new_perspective") {
    const said = Object.entries(r.brings || {}).map(([kind, value]) => t(`reasonBrings.${kind}`,
      { value: kind === "country" ? countryName(value)
        : kind === "language" ? languageName(value) : term("orgKind", value) }));
    const list = new Intl.ListFormat([language()], { style: "long", type: "conjunction" });
    return t("reasonText.new_perspective", { ...base, brings: list.format(said) });
  }
  if (r.type === "grow_newcomer") {
    return t("reasonText.grow_newcomer", { ...base, n: r.contributions });
  }
  return r.detail;
}

/** A member card: name (link to their view), organisation, country, level, score, evidence. */
export function memberCard(m, { covers, reason, reasons, compact = false } = {}) {
  const headingId = `card-${m.member_id}-${Math.random().toString(36).slice(2, 8)}`;
  const evidence = Array.isArray(m.evidence) ? m.evidence : [];
  return el("li", { class: "card", "data-member-id": m.member_id },
    el("article", { "aria-labelledby": headingId },
      el("div", { class: "card-head" },
        el("h3", { id: headingId, class: "card-name" },
          el("a", { href: memberHref(m.member_id) }, m.name)),
        typeof m.score === "number"
          ? el("span", { class: "score", title: t("card.scoreTitle") },
            el("span", { class: "visually-hidden" }, `${t("card.scoreLabel")} `), formatScore(m.score))
          : null),
      memberMeta(m),
      m.contact ? el("p", { class: "contact" }, `${t("card.contact")} `, m.contact) : null,
      m.open_to_invitations === false
        ? el("p", { class: "note" }, t("card.notOpen")) : null,
      covers && covers.length
        ? el("p", { class: "covers" }, `${t("card.covers")} `, covers.map((n) => chip(n, "chip-need")))
        : null,
      reasons && reasons.length
        ? el("ul", { class: "reasons" }, reasons.map((r) => el("li", { "data-reason": r.type },
          el("span", { class: "reason-type" }, term("reason", r.type)), " ",
          reasonText(r, m.name))))
        : reason ? el("p", { class: "reason" }, reason) : null,
      !compact && m.topics && m.topics.length
        ? el("p", { class: "topics" }, el("span", { class: "visually-hidden" }, `${t("card.topics")} `),
          m.topics.map((t) => chip(humanise(t))))
        : null,
      !compact && evidence.length
        ? [el("h4", { class: "evidence-head" }, t("card.evidence")),
          el("ul", { class: "evidence" }, evidence.map(evidenceItem))]
        : null,
      !compact && !evidence.some((e) => e.kind !== "profile") && Array.isArray(m.evidence)
        ? el("p", { class: "note" }, t("card.profileOnly"))
        : null));
}

/** A bar chart that is also a table: one row per label, count and a proportional bar;
 * ``caption`` names the table, ``heading`` its first column. */
export function barTable(caption, heading, counts, className) {
  const entries = Object.entries(counts || {}).sort((a, b) => b[1] - a[1]
    || a[0].localeCompare(b[0]));
  const max = Math.max(1, ...entries.map(([, n]) => n));
  const body = el("tbody", {}, entries.map(([label, n]) => {
    const bar = el("span", { class: "bar", "aria-hidden": "true" });
    bar.style.width = `${Math.round((n / max) * 100)}%`;
    return el("tr", {},
      el("th", { scope: "row" }, label),
      el("td", { class: "bar-cell" }, el("span", { class: "bar-track" }, bar)),
      el("td", { class: "count" }, formatNumber(n)));
  }));
  return el("table", { class: `bars ${className || ""}` },
    el("caption", {}, caption),
    el("thead", {}, el("tr", {}, el("th", { scope: "col" }, heading),
      el("th", { scope: "col" }, el("span", { class: "visually-hidden" }, t("chart.share"))),
      el("th", { scope: "col" }, t("chart.members")))),
    body);
}
