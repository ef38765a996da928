// Wellspring page: routes (#/search, #/members/<id>, #/project, #/map), forms and results.
import {
  ApiError, api, barTable, byId, countryName, el, formatScore, getKey, humanise, languageName,
  memberCard, memberHref, memberMeta, setLoading, showAlert,
} from "./dom.js";
import { initAccess, renderAccess } from "./access.js";
import { formatDate, initLanguage, language, onLanguageChange, t, term } from "./i18n.js";
import { initImports } from "./imports.js";
import { onMapSubmit, showMap } from "./map.js";
import { initMe, showMe } from "./me.js";
import { initProjects, showProjects } from "./projects.js";

const LEVELS = ["core", "active", "occasional", "peripheral", "transactional"];
const SEARCH_FIELDS = ["q", "country", "organisation", "level", "type", "language", "top"];

// API field name -> input id (the label a person reads is the catalogue's field.<name>)
const FIELDS = {
  q: "q", top: "top", country: "f-country", organisation: "f-organisation", level: "f-level",
  type: "f-type", language: "f-language", title: "p-title", description: "p-description",
  needs: "p-needs", size: "p-size", exclude_members: "p-ex-members",
  exclude_organisations: "p-ex-organisations", exclude_countries: "p-ex-countries",
};
const fieldLabel = (name) => t(`field.${name}`);

// the answers on screen, kept so that a change of language redraws them without asking again
const state = { view: null, lastSearchHash: "#/search", controllers: {}, session: null,
  search: null, team: null, invitations: null };

// ---- field errors ----------------------------------------------------------------------------
function clearFieldErrors(form) {
  for (const input of form.querySelectorAll("[aria-invalid]")) input.removeAttribute("aria-invalid");
  for (const p of form.querySelectorAll(".field-error")) {
    p.textContent = "";
    p.hidden = true;
  }
}

/** Mark the named fields invalid; returns "Label: message" lines for the alert. */
function showFieldErrors(form, errors) {
  const lines = [];
  let first = null;
  for (const { field, message } of errors) {
    const name = String(field || "").split(".")[0];
    const known = FIELDS[name];
    const input = known && form.querySelector(`#${known}`);
    if (!input) continue;
    const note = byId(`${name}-error`);
    const line = t("form.fieldError", { field: fieldLabel(name), message });
    input.setAttribute("aria-invalid", "true");
    if (note) {
      note.textContent = line;
      note.hidden = false;
    }
    lines.push(line);
    first = first || input;
  }
  if (first) first.focus();
  return lines;
}

function reportError(err, form, alertBox) {
  if (err && err.name === "AbortError") return;
  if (!(err instanceof ApiError)) {
    showAlert(alertBox, t("error.page", { error: String(err) }));
    return;
  }
  const errors = err.errors.length ? err.errors
    : err.field ? [{ field: err.field, message: err.message }] : [];
  const lines = form && err.status >= 400 && err.status < 500 ? showFieldErrors(form, errors) : [];
  showAlert(alertBox, lines.length ? t("form.correct", { lines: lines.join("; ") }) : err.message);
}

function newController(name) {
  if (state.controllers[name]) state.controllers[name].abort();
  state.controllers[name] = new AbortController();
  return state.controllers[name].signal;
}

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
  const notes = `${languageNote(data)}${placeNote(data)}`;
  byId("search-summary").textContent = data.count
    ? t("search.summary", { n: data.count, need: data.need, within }) + notes
    : t("search.none", { need: data.need, within }) + notes;
  results.replaceChildren(...(data.count ? data.results.map((m) => memberCard(m))
    : [el("li", { class: "empty" }, t("search.nobody"))]));
  showHint(data.hint);
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

// ---- a team for a project --------------------------------------------------------------------
const splitList = (text, upper) => String(text || "").split(/[,\s]+/).map((s) => s.trim())
  .filter(Boolean).map((s) => (upper ? s.toUpperCase() : s));

function projectBody(form) {
  const data = new FormData(form);
  const needs = String(data.get("needs") || "").split("\n").map((s) => s.trim()).filter(Boolean);
  const size = String(data.get("size") || "").trim();
  return {
    title: String(data.get("title") || "").trim(),
    description: String(data.get("description") || "").trim(),
    needs: needs.length ? needs : null,
    size: /^-?\d+$/.test(size) ? Number(size) : size,
    exclude_members: splitList(data.get("exclude_members")),
    exclude_organisations: splitList(data.get("exclude_organisations")),
    exclude_countries: splitList(data.get("exclude_countries"), true),
  };
}

function renderTeam(data) {
  state.team = data;
  const names = Object.fromEntries(data.team.map((m) => [m.member_id, m.name]));
  const derived = Object.fromEntries((data.needs || []).map((n) => [n.need, n.derived]));
  const langs = Object.fromEntries((data.needs || []).map((n) => [n.need, n.detected_language]));
  const sources = Object.fromEntries((data.needs || []).map((n) => [n.need, n.source]));
  fillDerivedNeeds(data.needs || []);
  const gaps = data.gaps || [];
  const covered = (data.coverage || []).filter((c) => c.covered_by && c.covered_by.length).length;
  byId("project-summary").textContent = t("project.summary", { count: data.count, title: data.title,
    covered, needs: (data.coverage || []).length, gaps: t("project.summaryGaps", { n: gaps.length }) });
  byId("coverage-table").tBodies[0].replaceChildren(...(data.coverage || []).map((c) => {
    const who = c.covered_by || [];
    return el("tr", { class: who.length ? "covered" : "gap", "data-need": c.need },
      el("th", { scope: "row" }, c.need, derived[c.need] ? el("span", { class: "tag" }, ` ${t("project.derived")}`) : null,
        langs[c.need] && langs[c.need] !== "en" ? el("span", { class: "tag" }, ` ${languageName(langs[c.need])}`) : null,
        sources[c.need] ? el("span", { class: "need-source" }, t("project.from", { source: sources[c.need] })) : null),
      el("td", {}, who.length
        ? who.map((id, i) => [i ? ", " : "", el("a", { href: memberHref(id) }, names[id] || id)])
        : el("strong", { class: "gap-label" }, t("project.gapNobody"))),
      el("td", { class: "num" }, formatScore(c.best_score)));
  }));
  byId("gaps").replaceChildren(gaps.length
    ? el("ul", { class: "gaps" }, gaps.map((g) => el("li", { "data-need": g.need },
      el("strong", {}, g.need), t("project.noStrongMatch"),
      g.best_member_id ? [t("project.closestOpen"), el("a", { href: memberHref(g.best_member_id) },
        names[g.best_member_id] || g.best_member_id),
      t("project.closestClose", { score: formatScore(g.best_score) })] : t("project.end"))))
    : el("p", { class: "ok" }, t("project.noGaps")));
  nameUnknownMembers(byId("gaps"));
  byId("team-results").replaceChildren(...(data.team.length ? data.team.map((m) => memberCard(m,
    { covers: m.covers })) : [el("li", { class: "empty" }, t("project.nobody"))]));
  byId("team-notes").replaceChildren(...teamNotes(data));
  const spread = data.spread || {};
  const countries = Object.fromEntries(Object.entries(spread.countries || {})
    .map(([code, n]) => [countryName(code), n]));
  byId("spread").replaceChildren(
    barTable(t("project.byCountry"), t("field.country"), countries, "bars-countries"),
    barTable(t("project.byOrganisation"), t("field.organisation"), spread.organisations || {},
      "bars-organisations"));
  byId("project-result").hidden = false;
}

/** Derived needs fill the (empty) needs list, so the coordinator can drop, edit or add lines
 * and ask again with the list as explicit needs. */
function fillDerivedNeeds(needs) {
  const box = byId("p-needs");
  const derived = needs.filter((n) => n.derived).map((n) => n.need);
  if (!derived.length || box.value.trim()) return;
  box.value = derived.join("\n");
  byId("needs-hint").textContent = t("project.derivedHint");
}

/** Links that show a bare member id get the member's name (best effort, one call each). */
async function nameUnknownMembers(container) {
  for (const link of container.querySelectorAll("a[href^='#/members/']")) {
    const id = decodeURIComponent(link.getAttribute("href").slice("#/members/".length));
    if (link.textContent !== id) continue;
    try {
      const member = await api(`/members/${encodeURIComponent(id)}`);
      if (member && member.name) link.textContent = member.name;
    } catch { /* the id stays readable */ }
  }
}

/** Why the team is smaller than asked, and who outside it would widen its spread. */
function teamNotes(data) {
  const notes = [];
  if (data.shortfall) notes.push(el("p", { class: "shortfall" }, `${t("project.shortfall")} `, data.shortfall.reason));
  const alternates = data.alternates || [];
  if (alternates.length) {
    notes.push(el("h3", {}, t("project.alternates")),
      el("ul", { class: "alternates" }, alternates.map((a) => el("li", { "data-member-id": a.member_id },
        el("a", { href: memberHref(a.member_id) }, a.name), t("project.alternate", {
          organisation: a.organisation, country: countryName(a.country),
          widens: a.widens.map((w) => term("spread", w)).join(t("project.and")),
          covers: a.covers.join("; "), score: formatScore(a.score),
          below: a.cost > 0 ? t("project.below", { cost: formatScore(a.cost) }) : t("project.notBelow"),
        })))));
  }
  return notes;
}

function renderInvitations(data) {
  state.invitations = data;
  byId("invitations-summary").textContent = data.count ? t("project.invite", { n: data.count })
    : t("project.inviteNobody", { why: data.explanation || t("project.inviteNobodyWhy") });
  byId("invitations-results").replaceChildren(...data.invitations.map((m) => memberCard(m,
    { covers: m.covers, reasons: m.reasons })));
}

async function onProjectSubmit(event) {
  event.preventDefault();
  const form = byId("project-form");
  const alertBox = byId("project-error");
  clearFieldErrors(form);
  showAlert(alertBox, "");
  const body = projectBody(form);
  const missing = [];
  if (!body.title) missing.push({ field: "title", message: t("project.titleMissing") });
  if (!body.description && !body.needs) {
    missing.push({ field: "description", message: t("project.descriptionMissing") });
  }
  if (typeof body.size !== "number") missing.push({ field: "size", message: t("project.sizeWhole") });
  if (missing.length) {
    showAlert(alertBox, t("form.correct", { lines: showFieldErrors(form, missing).join("; ") }));
    return;
  }
  byId("project-result").hidden = true;
  byId("invitations-block").hidden = true;
  byId("project-summary").textContent = "";
  byId("invitations-results").replaceChildren();
  byId("invitations-summary").textContent = "";
  state.team = null;
  state.invitations = null;
  showAlert(byId("invitations-error"), "");
  const signal = newController("project");
  setLoading(byId("project-loading"), byId("project-result"), true, byId("project-submit"));
  setLoading(byId("invitations-loading"), byId("invitations-results"), true);
  const shown = { ...body, shown: true }; // shown to a person: counts as exposure
  const invitations = api("/projects/invitations", { method: "POST", body: { ...shown, top: 10 }, signal });
  invitations.catch(() => {}); // reported below, once the team is known
  try {
    renderTeam(await api("/projects/match", { method: "POST", body: shown, signal }));
  } catch (err) {
    reportError(err, form, alertBox);
    setLoading(byId("invitations-loading"), byId("invitations-results"), false);
    return;
  } finally {
    setLoading(byId("project-loading"), byId("project-result"), false, byId("project-submit"));
  }
  byId("invitations-block").hidden = false;
  try {
    renderInvitations(await invitations);
  } catch (err) {
    reportError(err, null, byId("invitations-error"));
  } finally {
    setLoading(byId("invitations-loading"), byId("invitations-results"), false);
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
    if (state.team) renderTeam(state.team);
    if (state.invitations) renderInvitations(state.invitations);
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
