// The "Community map" view (#/map): topics from the community's texts, who holds them, where
// the knowledge is thin, how it moves, and the charter's scope against the knowledge held.
import { heatGrid, spreadChart } from "./charts.js";
import {
  ApiError, api, byId, countryName, el, humanise, memberHref, setLoading, showAlert,
} from "./dom.js";

const LEVELS = ["core", "active", "occasional", "peripheral", "transactional"];
const YEAR_FIELDS = { from_year: ["m-from-year", "From year"], to_year: ["m-to-year", "To year"] };
const REASONS = { few_primary_experts: "rests on one or two primary experts",
  one_organisation: "one organisation only", one_country: "one country only" };
let controller = null;

const searchHref = (topic, extra = {}) => `#/search?${new URLSearchParams({ q: topic.search_query, ...extra })}`;

function clearYearErrors() {
  for (const [name, [id]] of Object.entries(YEAR_FIELDS)) {
    byId(id).removeAttribute("aria-invalid");
    const note = byId(`${name}-error`);
    note.textContent = "";
    note.hidden = true;
  }
}

function showYearError(field, message) {
  const known = YEAR_FIELDS[String(field || "").split(".")[0]];
  if (!known) return false;
  const note = byId(`${field}-error`);
  byId(known[0]).setAttribute("aria-invalid", "true");
  note.textContent = `${known[1]}: ${message}`;
  note.hidden = false;
  byId(known[0]).focus();
  return true;
}

/** The year window from the form, as the address keeps it (#/map?from_year=…&to_year=…). */
export function onMapSubmit(event) {
  event.preventDefault();
  const params = new URLSearchParams();
  for (const [name, [id]] of Object.entries(YEAR_FIELDS)) {
    const value = byId(id).value.trim();
    if (value) params.set(name, value);
  }
  const hash = `#/map${params.size ? `?${params}` : ""}`;
  if (location.hash === hash) showMap(params);
  else location.hash = hash;
}

export async function showMap(params) {
  for (const [name, [id]] of Object.entries(YEAR_FIELDS)) byId(id).value = params.get(name) || "";
  clearYearErrors();
  const alertBox = byId("map-error");
  const result = byId("map-result");
  showAlert(alertBox, "");
  byId("map-summary").textContent = "";
  result.hidden = true;
  for (const name of Object.keys(YEAR_FIELDS)) {
    if (params.get(name) && !/^\d{4}$/.test(params.get(name))) {
      showYearError(name, "enter a year such as 2021");
      showAlert(alertBox, `Please correct: ${byId(`${name}-error`).textContent}`);
      return;
    }
  }
  if (controller) controller.abort();
  controller = new AbortController();
  setLoading(byId("map-loading"), result, true, byId("map-submit"));
  try {
    const query = new URLSearchParams([...params].filter(([k]) => k in YEAR_FIELDS));
    renderMap(await api(`/map${query.size ? `?${query}` : ""}`, { signal: controller.signal }));
  } catch (err) {
    if (err && err.name === "AbortError") return;
    const named = err instanceof ApiError && err.status < 500 && showYearError(err.field, err.message);
    showAlert(alertBox, named ? `Please correct: ${byId(`${err.field}-error`).textContent}`
      : String(err.message || err));
  } finally {
    setLoading(byId("map-loading"), result, false, byId("map-submit"));
  }
}

function renderMap(data) {
  const topics = data.topics;
  const byTopic = Object.fromEntries(topics.map((t) => [t.id, t]));
  const seen = data.visibility === "public" ? "public contributions" : `contributions in ${data.visibility}`;
  byId("map-summary").textContent = topics.length
    ? `${topics.length} topics from ${data.contributions} ${seen}`
      + `${data.as_of ? `, as of ${data.as_of}` : ""}; ${data.thin_spots.length} thin.`
    : `No topics: there are no ${seen} to map${data.from_year || data.to_year ? " in these years" : ""}.`;
  const rows = topics.map((t) => ({ id: t.id, label: t.label, thin: t.thin.length > 0,
    search_query: t.search_query, values: t.members_by_level }));
  const rowHref = (r) => searchHref(r);
  byId("map-levels").replaceChildren(heatGrid({
    id: "heat-levels", title: "Members per topic and participation level", rows, rowHref,
    cols: LEVELS.map((l) => ({ key: l, label: humanise(l) })),
    href: (r, c) => searchHref(r, { level: c.key }),
    describe: (r, c, n) => `${r.label}: ${n} ${c.label} member${n === 1 ? "" : "s"}; search`,
  }));
  const years = [...new Set(topics.flatMap((t) => Object.keys(t.per_year)))].sort();
  byId("map-years").replaceChildren(heatGrid({
    id: "heat-years", title: "Contributions per topic and year", rowHref,
    rows: topics.map((t) => ({ ...rows.find((r) => r.id === t.id), values: t.per_year })),
    cols: years.map((y) => ({ key: y, label: y })), href: (r) => searchHref(r),
    describe: (r, c, n) => `${r.label}: ${n} contribution${n === 1 ? "" : "s"} in ${c.label}; search`,
  }));
  byId("map-spread").replaceChildren(spreadChart({
    id: "spread-topics", title: "Countries and organisations per topic", href: (r) => searchHref(r),
    rows: topics.map((t) => ({ id: t.id, label: t.label, search_query: t.search_query,
      countries: Object.keys(t.countries).length, organisations: t.organisations,
      countryList: Object.keys(t.countries).map(countryName).join(", ") })),
  }));
  const topicLink = (id) => (byTopic[id] ? el("a", { href: searchHref(byTopic[id]) }, byTopic[id].label) : id);
  const areaLink = (s) => (s.taxonomy
    ? el("a", { href: `#/search?${new URLSearchParams({ q: s.taxonomy.subtopic_label || s.taxonomy.topic_label })}` }, s.label)
    : topicLink(s.topic_id));
  list("map-thin", data.thin_spots, (s) => [areaLink(s), `: ${s.reasons.map((r) => REASONS[r] || r)
    .join("; ")} (${s.primary_experts} primary expert${s.primary_experts === 1 ? "" : "s"} for ${s.contributions} contribution${s.contributions === 1 ? "" : "s"})`],
  "No thin spots.");
  const trend = (id) => {
    const t = byTopic[id].trend;
    return [topicLink(id), ` — ${t.last_24_months} in the last 24 months, ${t.before} before`];
  };
  list("map-rising", data.rising, trend, "No rising topics.");
  list("map-fading", data.fading, trend, "No fading topics.");
  list("map-bridges", data.bridges.slice(0, 10), (b) => [el("a", { href: memberHref(b.member_id) }, b.name),
    ` (${humanise(b.level)}) connects `, b.pairs.map(([a, c], i) => [i ? "; " : "", topicLink(a), " and ", topicLink(c)])],
  "No bridges: no member connects topics that few others connect.");
  list("map-periphery", data.periphery.slice(0, 12), (p) => [el("a", { href: memberHref(p.member_id) }, p.name),
    ` (${humanise(p.level)}) is #${p.rank} in `, topicLink(p.topic_id)], "None.");
  byId("map-gaps-block").hidden = !data.taxonomy_gaps.length;
  const n = data.taxonomy_gaps.length;
  byId("map-gaps-summary").textContent = `${n} area${n === 1 ? "" : "s"} of the community's`
    + " taxonomy with too little evidence for a topic of its own";
  list("map-gaps", data.taxonomy_gaps, (g) => el("a", {
    href: `#/search?${new URLSearchParams({ q: g.subtopic_label || g.topic_label })}`,
  }, g.subtopic_label || g.topic_label), "None.");
  renderScope(data, byTopic);
  byId("map-result").hidden = false;
}

function renderScope(data, byTopic) {
  const block = byId("map-scope-block");
  block.hidden = !data.charter;
  if (!data.charter) return;
  byId("map-charter").textContent = `${data.charter.name}: ${data.charter.purpose}`;
  const status = { none: "No expertise", gap: "Gap: no topic of its own", thin: "Thin",
    covered: "Covered" };
  byId("map-scope").tBodies[0].replaceChildren(...data.scope.map((s) => el("tr",
    { class: `scope-${s.status}`, "data-scope": s.id },
    el("th", { scope: "row" }, el("a", { href: `#/search?${new URLSearchParams({ q: s.title })}` }, s.title)),
    el("td", {}, el("span", { class: `tag tag-${s.status}` }, status[s.status] || s.status)),
    el("td", { class: "num" }, String(s.members_covering)),
    el("td", {}, s.nearest_topic && byTopic[s.nearest_topic] ? byTopic[s.nearest_topic].label : "–"))));
}

function list(id, items, render, empty) {
  byId(id).replaceChildren(...(items.length ? items.map((x) => el("li", {}, render(x)))
    : [el("li", { class: "empty" }, empty)]));
}
