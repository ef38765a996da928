// Wellspring page: a team for a project (#/project): the needs and who covers them, the gaps,
// the suggested team and its spread, alternates, and occasional experts to invite.
import {
  api, barTable, byId, countryName, el, formatScore, languageName, memberCard, memberHref,
  setLoading, showAlert,
} from "./dom.js";
import { clearFieldErrors, newController, reportError, showFieldErrors } from "./forms.js";
import { t, term } from "./i18n.js";

// the answers on screen, kept so that a change of language redraws them without asking again
const onScreen = { team: null, invitations: null };

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
  onScreen.team = data;
  const names = Object.fromEntries(data.team.map((m) => [m.member_id, m.name]));
  const derived = Object.fromEntries((data.needs || []).map((n) => [n.need, n.derived]));
  const langs = Object.fromEntries((data.needs || []).map((n) => [n.need, n.detected_language]));
  const sources = Object.fromEntries((data.needs || []).map((n) => [n.need, n.source]));
  const parts = Object.fromEntries((data.needs || []).map((n) => [n.need, Boolean(n.part_of)]));
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
        sources[c.need] ? el("span", { class: "need-source" },
          t(parts[c.need] ? "project.partOf" : "project.from", { source: sources[c.need] })) : null),
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
  if (data.shortfall) notes.push(el("p", { class: "shortfall" }, `${t("project.shortfall")} `, shortfallText(data.shortfall)));
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

/** Why the team is smaller than asked, in the page's language, from the answer's figures. */
function shortfallText(s) {
  if (s.kind === "held_back") {
    return t("shortfall.held_back", { chosen: s.chosen, asked: s.asked, member: s.next_member_id,
      gain: formatScore(s.next_gain), cap: term("cap", s.cap) });
  }
  if (s.kind === "nobody_adds") {
    const text = t("shortfall.nobody_adds", { n: s.chosen, threshold: formatScore(s.threshold) });
    return s.next_member_id
      ? `${text} ${t("shortfall.next", { member: s.next_member_id, gain: formatScore(s.next_gain) })}`
      : text;
  }
  return s.reason;
}

/** Why nobody is invited, in the page's language, from the answer's figures. */
function nobodyText(data) {
  const n = data.nobody;
  if (!n) return data.explanation || t("project.inviteNobodyWhy");
  if (n.kind === "none_open") return t("nobody.none_open");
  return t(`nobody.${n.kind}`, { floor: formatScore(n.floor), name: n.name, member: n.member_id,
    score: formatScore(n.score), need: n.need });
}

function renderInvitations(data) {
  onScreen.invitations = data;
  byId("invitations-summary").textContent = data.count ? t("project.invite", { n: data.count })
    : t("project.inviteNobody", { why: nobodyText(data) });
  byId("invitations-results").replaceChildren(...data.invitations.map((m) => memberCard(m,
    { covers: m.covers, reasons: m.reasons })));
}

/** "Suggest a team": the team, then the invitations, for the brief in the form. */
export async function onProjectSubmit(event) {
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
  onScreen.team = null;
  onScreen.invitations = null;
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

/** The team and invitations on screen, redrawn in the page's language. */
export function redrawTeam() {
  if (onScreen.team) renderTeam(onScreen.team);
  if (onScreen.invitations) renderInvitations(onScreen.invitations);
}
