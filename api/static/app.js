// Wellspring page: routes (#/search, #/members/<id>, #/project, #/map, ...), who knows X, one
// member, and the redraw when the language changes.
import {
  api, byId, countryName, el, getKey, humanise, languageName, memberCard, memberMeta, setLoading,
  showAlert,
} from "./dom.js";
import { initAccess, renderAccess } from "./access.js";
import {
  FIELDS, clearFieldErrors, fieldLabel, newController, reportError, showFieldErrors,
} from "./forms.js";
import {
  formatDate, formatNumber, formatScore, initLanguage, language, onLanguageChange, t, term,
} from "./i18n.js";
import { initImports } from "./imports.js";
import { onMapSubmit, showMap } from "./map.js";
import { initMe, showMe } from "./me.js";
import { initProjects, showProjects } from "./projects.js";
import { onProjectSubmit, redrawTeam } from "./team.js";

const LEVELS = ["core", "active", "occasional", "peripheral", "transactional"];
const SEARCH_FIELDS = ["q", "country", "organisation", "level", "type", "language", "top"];

// the answers on screen, kept so that a change of language redraws them without asking again
const state = { view: null, lastSearchHash: "#/search", session: null, search: null };

// ---- filter options (from /stats, /members, and whatever results show) -----------------------
function addOption(select, value, label) {
  if (!value || [...select.options].some((o) => o.value === value)) return;
  const option = el("option", { value }, label || value);
  const after = [...select.options].slice(1).find((o) => o.textContent.localeCompare(option.textContent) > 0);
  select.insertBefore(option, after || null);
}

/** The options' labels in the page's language (after a change of language). */
function relabelOptions() {
  const label = { "f-country": countryName, "f-level": (v) => term("level", v),
    "f-language": languageName, "f-type": humanise };
  for (const [id, name] of Object.entries(label)) {
    for (const option of [...byId(id).options].slice(1)) option.textContent = name(option.value);
  }
}

function harvestOptions(members) {
  for (const m of members) {
    addOption(byId("f-country"), m.country, countryName(m.country));
    addOption(byId("f-organisation"), m.organisation_id, m.organisation);
  }
}

async function loadFilterOptions() {
  for (const level of LEVELS) addOption(byId("f-level"), level, term("level", level));
  try {
    const stats = await api("/stats");
    const keys = (value) => (value && typeof value === "object" && !Array.isArray(value)
      ? Object.keys(value) : []);
    for (const c of keys(stats.countries)) addOption(byId("f-country"), c, countryName(c));
    for (const l of keys(stats.levels)) addOption(byId("f-level"), l, term("level", l));
    // the community's vocabulary (defaults + vocabulary.json), then any type in use
    const vocabulary = (stats.vocabulary && stats.vocabulary.contribution_types) || [];
    for (const type of [...vocabulary, ...keys(stats.contribution_types)]) {
      addOption(byId("f-type"), type, humanise(type));
    }
    for (const lang of keys(stats.languages)) {
      if (lang !== "unknown") addOption(byId("f-language"), lang, languageName(lang));
    }
  } catch { /* the filters still work with what results reveal */ }
  const limit = 100;
  for (let offset = 0; offset < 2000; offset += limit) {
    let page;
    try {
      page = await api(`/members?limit=${limit}&offset=${offset}`);
    } catch {
      break;
    }
    const members = (page && (page.results || page.members || page.items)) || [];
    harvestOptions(members);
    if (members.length < limit) break;
  }
}

// ---- who knows X -----------------------------------------------------------------------------
function searchParamsFromForm() {
  const form = byId("search-form");
  const params = new URLSearchParams();
  for (const name of SEARCH_FIELDS) {
    const value = String(new FormData(form).get(name) || "").trim();
    if (value) params.set(name, value);
  }
  return params;
}

function onSearchSubmit(event) {
  event.preventDefault();
  const form = byId("search-form");
  clearFieldErrors(form);
  const params = searchParamsFromForm();
  if (!params.get("q")) {
    const lines = showFieldErrors(form, [{ field: "q", message: t("search.needMissing") }]);
    showAlert(byId("search-error"), t("form.correct", { lines: lines.join("; ") }));
    return;
  }
  const hash = `#/search?${params}`;
  if (location.hash === hash) runSearch(params);
  else location.hash = hash;
}

function fillSearchForm(params) {
  for (const name of SEARCH_FIELDS) {
    const input = byId(FIELDS[name]);
    const value = params.get(name) || (name === "top" ? "10" : "");
    if (input.tagName === "SELECT") addOption(input, value, value);
    input.value = value;
  }
}

async function runSearch(params) {
  const form = byId("search-form");
  const results = byId("search-results");
  const summary = byId("search-summary");
  const alertBox = byId("search-error");
  clearFieldErrors(form);
  showAlert(alertBox, "");
  results.replaceChildren();
  summary.textContent = "";
  state.search = null;
  setLoading(byId("search-loading"), results, true, byId("search-submit"));
  try {
    // this answer is shown to a person: it counts as exposure (fair_exposure setting)
    const request = new URLSearchParams(params);
    request.set("shown", "true");
    const data = await api(`/experts?${request}`, { signal: newController("search") });
    harvestOptions(data.results);
    state.search = { data, params };
    renderSearch(data, params);
  } catch (err) {
    reportError(err, form, alertBox);
  } finally {
    setLoading(byId("search-loading"), results, false, byId("search-submit"));
  }
}

function renderSearch(data, params) {
  const results = byId("search-results");
  const filters = SEARCH_FIELDS.filter((f) => !["q", "top"].includes(f) && params.get(f))
    .map((f) => t("search.filter", { field: fieldLabel(f).toLocaleLowerCase(language()),
      value: params.get(f) }));
  const within = filters.length ? t("search.within", { filters: filters.join(", ") }) : "";
  const notes = `${languageNote(data)}${placeNote(data)}${orderNote(data)}`;
  byId("search-summary").textContent = data.count
    ? t("search.summary", { n: data.count, need: data.need, within }) + notes
    : t("search.none", { need: data.need, within }) + notes;
  results.replaceChildren(...(data.count ? data.results.map((m) => memberCard(m))
    : [el("li", { class: "empty" }, t("search.nobody"))]));
  showHint(hintText(data));
}

// ---- one member ------------------------------------------------------------------------------
function detailList(rows) {
  return el("dl", { class: "details" }, rows.filter((r) => r && r[1] !== null && r[1] !== "")
    .map(([k, v]) => el("div", { class: "detail" }, el("dt", {}, k), el("dd", {}, v))));
}

async function showMember(id) {
  const detail = byId("member-detail");
  const similar = byId("similar-results");
  const alertBox = byId("member-error");
  byId("member-back").setAttribute("href", state.lastSearchHash);
  byId("member-title").textContent = id;
  detail.replaceChildren();
  similar.replaceChildren();
  byId("similar-summary").textContent = "";
  showAlert(alertBox, "");
  setLoading(byId("member-loading"), detail, true);
  const signal = newController("member");
  try {
    const [m, sim] = await Promise.all([
      api(`/members/${encodeURIComponent(id)}`, { signal }),
      api(`/members/${encodeURIComponent(id)}/similar?top=5`, { signal }).catch((e) => e),
    ]);
    byId("member-title").textContent = m.name;
    const count = m.contributions ?? m.contributions_count ?? m.contribution_count ?? null;
    const yesNo = (yes) => t(yes ? "common.yes" : "common.no");
    detail.append(memberMeta(m), detailList([
      [t("member.id"), m.member_id],
      [t("member.languages"), (m.languages || []).map(languageName).join(", ")],
      [t("member.topics"), (m.topics || []).map(humanise).join(", ")],
      [t("member.contributions"), typeof count === "number" ? t("common.number", { n: count }) : count],
      [t("member.open"), yesNo(m.open_to_invitations)],
      // the member's own say (#29), shown to keyed callers only
      m.busy_until ? [t("member.busyUntil"), formatDate(m.busy_until)] : null,
      m.consent ? [t("member.consent"), yesNo(m.consent === "in")] : null,
      [t("member.contact"), m.contact || t(getKey() ? "member.contactNotForKey" : "member.contactHidden")],
    ]), m.bio ? el("p", { class: "bio" }, m.bio) : null);
    if (sim instanceof Error) {
      byId("similar-summary").textContent = t("member.similarFailed", { error: sim.message });
    } else if (!sim.count) {
      byId("similar-summary").textContent = t("member.similarNone");
    } else {
      byId("similar-summary").textContent = t("member.similarCount", { n: sim.count });
      similar.append(...sim.results.map((s) => memberCard(s, { compact: true })));
    }
  } catch (err) {
    byId("member-title").textContent = t("member.notShown");
    reportError(err, null, alertBox);
  } finally {
    setLoading(byId("member-loading"), detail, false);
  }
}

// ---- routing ---------------------------------------------------------------------------------
function showView(name) {
  const changed = state.view !== name;
  state.view = name;
  for (const view of ["search", "member", "project", "projects", "import", "map", "me"]) {
    byId(`view-${view}`).hidden = view !== name;
  }
  for (const link of document.querySelectorAll("nav a[data-view]")) {
    if (link.dataset.view === (name === "member" ? "search" : name)) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
  return changed;
}

function route() {
  const hash = location.hash.replace(/^#/, "") || "/search";
  const cut = hash.indexOf("?");
  const path = cut < 0 ? hash : hash.slice(0, cut);
  const params = new URLSearchParams(cut < 0 ? "" : hash.slice(cut + 1));
  const member = path.match(/^\/members\/(.+)$/);
  const record = path.match(/^\/projects(?:\/(.+))?$/);
  let view = "search";
  if (member) view = "member";
  else if (path === "/project") view = "project";
  else if (path === "/import") view = "import";
  else if (path === "/map") view = "map";
  else if (path === "/me") view = "me";
  else if (record) view = "projects";
  const first = state.view === null;  // the page's first view takes no focus: Tab starts at the top
  const changed = showView(view);
  if (view === "member") {
    showMember(decodeURIComponent(member[1]));
  } else if (view === "map") {
    showMap(params);
  } else if (view === "me") {
    showMe();
  } else if (view === "projects") {
    showProjects(record[1] ? decodeURIComponent(record[1]) : null);
  } else if (view === "search") {
    state.lastSearchHash = `#${hash}`;
    fillSearchForm(params);
    if (params.get("q")) runSearch(params);
  }
  if (changed && !first && document.readyState === "complete") byId(`${view}-title`).focus();
}

/** A change of language: the access line, the options, and the view on screen redrawn (the
 * answers of a search or a team from what is kept, the other views asked again). */
function redrawForLanguage() {
  renderAccess();
  relabelOptions();
  if (state.view === "search") {
    if (state.search) renderSearch(state.search.data, state.search.params);
  } else if (state.view === "project") {
    redrawTeam();
  } else if (state.view) {
    route();
  }
}

async function init() {
  await initLanguage();
  onLanguageChange(redrawForLanguage);
  initAccess(route);
  byId("search-form").addEventListener("submit", onSearchSubmit);
  byId("search-form").addEventListener("reset", () => {
    clearFieldErrors(byId("search-form"));
    showAlert(byId("search-error"), "");
    byId("search-results").replaceChildren();
    byId("search-summary").textContent = "";
    showHint(null);
    if (location.hash !== "#/search") location.hash = "#/search";
  });
  byId("project-form").addEventListener("submit", onProjectSubmit);
  initImports();
  initMe();
  initProjects();
  byId("map-form").addEventListener("submit", onMapSubmit);
  window.addEventListener("hashchange", route);
  loadFilterOptions();
  route();
}

init();

/** A far or broad need's advice in the page's language, from the figures the answer gives
 * (`hint_facts`; the English `hint` of an answer without them). */
function hintText(data) {
  const facts = data.hint_facts;
  if (!facts) return data.hint || "";
  if (facts.kind === "far") return t("hint.far", { best: formatScore(facts.best) });
  const share = formatNumber(facts.share, { style: "percent", maximumFractionDigits: 0 });
  return facts.example ? t("hint.broadExample", { share, example: facts.example })
    : t("hint.broad", { share });
}

/** A broad need's advice under the summary (hidden when the answer carries none). */
function showHint(text) {
  const hint = byId("search-hint");
  hint.textContent = text || "";
  hint.hidden = !text;
}

/** " Members working in West Africa (BJ, BF, …) preferred." (empty when the need names no place). */
function placeNote(data) {
  const hints = data.place_hints || [];
  if (!hints.length) return "";
  const parts = hints.map((h) => `${h.place} (${h.countries.join(", ")})`);
  return ` ${t("search.places", { places: [...new Set(parts)].join(" · ") })}`;
}

/** A note when a shown score stands above the one before it: the order is the ranking's, the
 * score each member's relevance (docs/QUALITY.md, "Scores against the order"). */
function orderNote(data) {
  const shown = (data.results || []).map((m) => Math.round(m.score * 100));
  return shown.some((s, i) => i > 0 && s > shown[i - 1]) ? ` ${t("search.orderNote")}` : "";
}

/** " Need in French, answered through the multilingual index." (empty for English needs). */
function languageNote(data) {
  const code = data.detected_language;
  if (!code || code === "en") return "";
  const route = t(data.language_route === "english" ? "search.routeEnglish"
    : data.language_route === "fused" ? "search.routeFused" : "search.routeMultilingual");
  const terms = [...new Set((data.glossary_reading || []).map((r) => r.english))];
  const reading = terms.length ? ` ${t("search.glossary", { terms: terms.join(" · ") })}` : "";
  return ` ${t("search.language", { language: languageName(code), route })}${reading}`;
}
