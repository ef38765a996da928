// Wellspring page: DOM building (text nodes only, never HTML strings), the API client, the cards.
"use strict";

const KEY_STORAGE = "wellspring.apiKey";

const regionNames = safeDisplayNames("region");
const languageNames = safeDisplayNames("language");

function safeDisplayNames(type) {
  try {
    return new Intl.DisplayNames(["en"], { type });
  } catch {
    return null;
  }
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
    const name = regionNames && regionNames.of(code);
    return name && name !== code ? `${name} (${code})` : code;
  } catch {
    return code;
  }
}

export function languageName(code) {
  if (!code) return "";
  try {
    const name = languageNames && languageNames.of(code);
    return name && name !== code ? name : code;
  } catch {
    return code;
  }
}

const capitalise = (text) => text.charAt(0).toUpperCase() + text.slice(1);
export const humanise = (value) => String(value || "").replace(/_/g, " ");
export const formatScore = (score) => (typeof score === "number" ? score.toFixed(2) : "–");
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

function describeFailure(status, data) {
  const detail = data && typeof data.detail === "string" ? data.detail : "";
  if (status === 401) {
    return `The API key was not accepted${detail ? `: ${detail}` : "."} Forget the key to use`
      + " the public view.";
  }
  if (status === 403) return `This API key may not do that${detail ? `: ${detail}` : "."}`;
  if (status === 404 && (!detail || detail === "Not Found")) {
    return "This server does not offer that (HTTP 404).";
  }
  if (status === 413) return "The request is too large. Shorten the text and try again.";
  if (status === 503) {
    return `The service is not ready yet${detail ? ` (${detail})` : ""}. Try again in a moment.`;
  }
  if (status >= 500) {
    return `The server had a problem (HTTP ${status}). Try again; if it goes on, tell the`
      + " administrator.";
  }
  return detail || `The request failed (HTTP ${status}).`;
}

export const UNREACHABLE = "The Wellspring server cannot be reached. Check that it is running"
  + " and your connection, then try again.";

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
    throw new ApiError(UNREACHABLE, { status: 0 });
  }
  const text = await response.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (response.status === 502 || response.status === 504) {
    throw new ApiError(UNREACHABLE, { status: response.status });
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
    labelled("Organisation", m.organisation || m.organisation_id || ""),
    labelled("Country", countryName(m.country)),
    labelled("Level", el("span", { class: `level level-${m.level}` }, humanise(m.level))));
}

function evidenceItem(e) {
  const isPrivate = e.space && e.space !== "public";
  return el("li", { class: "evidence-item", "data-contribution-id": e.contribution_id },
    el("p", { class: "evidence-title" }, e.kind === "profile" ? "From the profile" : e.title),
    el("p", { class: "evidence-meta" },
      e.kind === "profile" ? chip("profile", "chip-profile") : chip(humanise(e.type), "chip-type"),
      e.date ? el("time", { datetime: e.date }, e.date) : null,
      e.language ? el("span", { class: "lang" }, languageName(e.language)) : null,
      isPrivate ? chip(`private: ${e.space}`, "chip-private") : null,
      e.need ? chip(`for: ${e.need}`, "chip-need") : null,
      el("span", { class: "evidence-score" }, `score ${formatScore(e.score)}`)),
    e.snippet ? el("p", { class: "snippet" }, e.snippet) : null);
}

/** A member card: name (link to their view), organisation, country, level, score, evidence. */
/** How an invitation reason reads on the page. */
export const REASON_LABELS = {
  fills_gap: "Fills a gap", adds_depth: "Adds depth", new_perspective: "New perspective",
  grow_newcomer: "Grows a newcomer",
};

export function memberCard(m, { covers, reason, reasons, compact = false } = {}) {
  const headingId = `card-${m.member_id}-${Math.random().toString(36).slice(2, 8)}`;
  const evidence = Array.isArray(m.evidence) ? m.evidence : [];
  return el("li", { class: "card", "data-member-id": m.member_id },
    el("article", { "aria-labelledby": headingId },
      el("div", { class: "card-head" },
        el("h3", { id: headingId, class: "card-name" },
          el("a", { href: memberHref(m.member_id) }, m.name)),
        typeof m.score === "number"
          ? el("span", { class: "score", title: "Match score (higher is better)" },
            el("span", { class: "visually-hidden" }, "score "), formatScore(m.score))
          : null),
      memberMeta(m),
      m.contact ? el("p", { class: "contact" }, "Contact: ", m.contact) : null,
      m.open_to_invitations === false
        ? el("p", { class: "note" }, "Not open to invitations") : null,
      covers && covers.length
        ? el("p", { class: "covers" }, "Covers: ", covers.map((n) => chip(n, "chip-need")))
        : null,
      reasons && reasons.length
        ? el("ul", { class: "reasons" }, reasons.map((r) => el("li", { "data-reason": r.type },
          el("span", { class: "reason-type" }, REASON_LABELS[r.type] || humanise(r.type)), " ",
          r.detail)))
        : reason ? el("p", { class: "reason" }, reason) : null,
      !compact && m.topics && m.topics.length
        ? el("p", { class: "topics" }, el("span", { class: "visually-hidden" }, "Topics: "),
          m.topics.map((t) => chip(humanise(t))))
        : null,
      !compact && evidence.length
        ? [el("h4", { class: "evidence-head" }, "Evidence"),
          el("ul", { class: "evidence" }, evidence.map(evidenceItem))]
        : null,
      !compact && !evidence.some((e) => e.kind !== "profile") && Array.isArray(m.evidence)
        ? el("p", { class: "note" }, "Matched on profile only (no contribution evidence).")
        : null));
}

/** A bar chart that is also a table: one row per label, count and a proportional bar. */
export function barTable(caption, counts, className) {
  const entries = Object.entries(counts || {}).sort((a, b) => b[1] - a[1]
    || a[0].localeCompare(b[0]));
  const max = Math.max(1, ...entries.map(([, n]) => n));
  const body = el("tbody", {}, entries.map(([label, n]) => {
    const bar = el("span", { class: "bar", "aria-hidden": "true" });
    bar.style.width = `${Math.round((n / max) * 100)}%`;
    return el("tr", {},
      el("th", { scope: "row" }, label),
      el("td", { class: "bar-cell" }, el("span", { class: "bar-track" }, bar)),
      el("td", { class: "count" }, String(n)));
  }));
  return el("table", { class: `bars ${className || ""}` },
    el("caption", {}, caption),
    el("thead", {}, el("tr", {}, el("th", { scope: "col" }, capitalise(caption.replace(/^Team by /, ""))),
      el("th", { scope: "col" }, el("span", { class: "visually-hidden" }, "Share")),
      el("th", { scope: "col" }, "Members"))),
    body);
}
