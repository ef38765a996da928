// The "Community map" view (#/map): topics from the community's texts, who holds them, where
// the knowledge is thin, how it moves, and the charter's scope against the knowledge held.
import { heatGrid, spreadChart } from "./charts.js";
import {
  ApiError, api, byId, countryName, el, memberHref, problemText, setLoading, showAlert,
} from "./dom.js";
import { formatDate, t, term } from "./i18n.js";

const LEVELS = ["core", "active", "occasional", "peripheral", "transactional"];
// API field -> [input id, the catalogue's label]
const YEAR_FIELDS = { from_year: ["m-from-year", "map.fromYear"], to_year: ["m-to-year", "map.toYear"] };
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
  note.textContent = t("form.fieldError", { field: t(known[1]), message });
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
      showYearError(name, t("map.yearFormat"));
      showAlert(alertBox, t("form.correct", { lines: byId(`${name}-error`).textContent }));
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
    const named = err instanceof ApiError && err.status < 500
      && showYearError(err.field, err.errors.length ? problemText(err.errors[0]) : err.message);
    showAlert(alertBox, named ? t("form.correct", { lines: byId(`${err.field}-error`).textContent })
      : String(err.message || err));
  } finally {
    setLoading(byId("map-loading"), result, false, byId("map-submit"));
  }
}

function renderMap(data) {
  const topics = data.topics;
  const byTopic = Object.fromEntries(topics.map((topic) => [topic.id, topic]));
  const seen = data.visibility === "public" ? t("map.seenPublic")
    : t("map.seenIn", { spaces: data.visibility });
  const inYears = data.from_year || data.to_year ? t("map.inYears") : "";
  byId("map-summary").textContent = topics.length
    ? t("map.summary", { n: topics.length, contributions: data.contributions, seen })
      + (data.as_of ? t("map.asOf", { date: formatDate(data.as_of) }) : "")
      + t("map.summaryThin", { n: data.thin_spots.length })
    : t("map.none", { seen, years: inYears });
  const rows = topics.map((topic) => ({ id: topic.id, label: topic.label, thin: topic.thin.length > 0,
    search_query: topic.search_query, values: topic.members_by_level }));
  const rowHref = (r) => searchHref(r);
  byId("map-levels").replaceChildren(heatGrid({
    id: "heat-levels", title: t("map.levelsChart"), rows, rowHref,
    cols: LEVELS.map((l) => ({ key: l, label: term("level", l) })),
    href: (r, c) => searchHref(r, { level: c.key }),
    describe: (r, c, n) => t("map.levelsCell", { topic: r.label, n, level: c.label }),
  }));
  const years = [...new Set(topics.flatMap((topic) => Object.keys(topic.per_year)))].sort();
  byId("map-years").replaceChildren(heatGrid({
    id: "heat-years", title: t("map.yearsChart"), rowHref,
    rows: topics.map((topic) => ({ ...rows.find((r) => r.id === topic.id), values: topic.per_year })),
    cols: years.map((y) => ({ key: y, label: y })), href: (r) => searchHref(r),
    describe: (r, c, n) => t("map.yearsCell", { topic: r.label, n, year: c.label }),
  }));
  byId("map-spread").replaceChildren(spreadChart({
    id: "spread-topics", title: t("map.spreadChart"), href: (r) => searchHref(r),
    rows: topics.map((topic) => ({ id: topic.id, label: topic.label, search_query: topic.search_query,
      countries: Object.keys(topic.countries).length, organisations: topic.organisations,
      countryList: Object.keys(topic.countries).map(countryName).join(", ") })),
  }));
  const topicLink = (id) => (byTopic[id] ? el("a", { href: searchHref(byTopic[id]) }, byTopic[id].label) : id);
  const areaLink = (s) => (s.taxonomy
    ? el("a", { href: `#/search?${new URLSearchParams({ q: s.taxonomy.subtopic_label || s.taxonomy.topic_label })}` }, s.label)
    : topicLink(s.topic_id));
  list("map-thin", data.thin_spots, (s) => [areaLink(s), t("map.thinSpot", {
    reasons: s.reasons.map((r) => term("thin", r)).join("; "),
    experts: t("map.primaryExperts", { n: s.primary_experts }),
    contributions: t("map.contributions", { n: s.contributions }) })],
  t("map.noThin"));
  const trend = (id) => {
    const change = byTopic[id].trend;
    return [topicLink(id), t("map.trend", { recent: change.last_24_months, before: change.before })];
  };
  list("map-rising", data.rising, trend, t("map.noRising"));
  list("map-fading", data.fading, trend, t("map.noFading"));
  list("map-bridges", data.bridges.slice(0, 10), (b) => [el("a", { href: memberHref(b.member_id) }, b.name),
    t("map.connects", { level: term("level", b.level) }),
    b.pairs.map(([a, c], i) => [i ? "; " : "", topicLink(a), t("map.and"), topicLink(c)])],
  t("map.noBridges"));
  list("map-periphery", data.periphery.slice(0, 12), (p) => [el("a", { href: memberHref(p.member_id) }, p.name),
    t("map.rankIn", { level: term("level", p.level), rank: p.rank }), topicLink(p.topic_id)], t("map.noneItem"));
  byId("map-gaps-block").hidden = !data.taxonomy_gaps.length;
  byId("map-gaps-summary").textContent = t("map.gapsSummary", { n: data.taxonomy_gaps.length });
  list("map-gaps", data.taxonomy_gaps, (g) => el("a", {
    href: `#/search?${new URLSearchParams({ q: g.subtopic_label || g.topic_label })}`,
  }, g.subtopic_label || g.topic_label), t("map.noneItem"));
  renderScope(data, byTopic);
  byId("map-result").hidden = false;
}

function renderScope(data, byTopic) {
  const block = byId("map-scope-block");
  block.hidden = !data.charter;
  if (!data.charter) return;
  byId("map-charter").textContent = `${data.charter.name}: ${data.charter.purpose}`;
  byId("map-scope").tBodies[0].replaceChildren(...data.scope.map((s) => el("tr",
    { class: `scope-${s.status}`, "data-scope": s.id },
    el("th", { scope: "row" }, el("a", { href: `#/search?${new URLSearchParams({ q: s.title })}` }, s.title)),
    el("td", {}, el("span", { class: `tag tag-${s.status}` }, term("scope", s.status))),
    el("td", { class: "num" }, t("common.number", { n: s.members_covering })),
    el("td", {}, s.nearest_topic && byTopic[s.nearest_topic] ? byTopic[s.nearest_topic].label : "–"))));
}

function list(id, items, render, empty) {
  byId(id).replaceChildren(...(items.length ? items.map((x) => el("li", {}, render(x)))
    : [el("li", { class: "empty" }, empty)]));
}
