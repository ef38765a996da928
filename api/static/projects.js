// Projects as records in the page (issues #30, #31): the list, a new project from a brief, and
// one project's loop: its needs, its people with their status as buttons, notes and history,
// "suggest again", the CSV export, and an invitation draft in the invitee's language.
import { api, byId, el, getKey, languageName, memberHref, showAlert } from "./dom.js";
import { formatDate, t, term } from "./i18n.js";

const STATUSES = ["shortlisted", "contacted", "accepted", "declined_busy",
  "declined_not_my_field", "not_relevant", "withdrawn"];
let current = null;  // the project on screen
let missing = { project: null, people: [] };  // who the last "suggest again" left out, and why

function say(message) {
  byId("projects-status").textContent = message;
}

function fail(err) {
  showAlert(byId("projects-error"), err.status === 401 || err.status === 403
    ? t("projects.forCoordinators") : err.message);
}

async function showList() {
  byId("projects-list-block").hidden = false;
  byId("project-record").hidden = true;
  const data = await api("/projects?limit=100");
  byId("projects-list").replaceChildren(...(data.results.length ? data.results.map((p) =>
    el("li", { class: "card" },
      el("h3", {}, el("a", { href: `#/projects/${encodeURIComponent(p.project_id)}` }, p.title)),
      el("p", { class: "meta" }, [term("projectStatus", p.status),
        t("projects.needCount", { n: p.needs.length }),
        t("projects.updated", { date: formatDate(p.updated_at) })].join(" · "))))
    : [el("li", { class: "empty" }, t("projects.none"))]));
}

function personCard(p) {
  const buttons = STATUSES.map((s) => el("button", {
    type: "button", "data-member": p.member_id, "data-status": s,
    "aria-pressed": String(p.status === s) }, term("status", s)));
  const note = el("input", { id: `note-${p.member_id}`, value: p.note || "", maxlength: "2000",
    "aria-label": t("projects.noteOn", { id: p.member_id }) });
  return el("li", { class: `card person-${p.status}`, "data-member-id": p.member_id },
    el("h4", {}, el("a", { href: memberHref(p.member_id) }, p.name || p.member_id)),
    el("p", { class: "meta" }, `${term("personRole", p.role)} · `
      + t("projects.statusIs", { status: term("status", p.status) }),
      p.covers.length ? ` · ${t("projects.covers", { needs: p.covers.join("; ") })}` : ""),
    el("p", { class: "actions", role: "group", "aria-label": t("projects.statusOf", { id: p.member_id }) },
      ...buttons),
    el("p", { class: "actions" }, note,
      el("button", { type: "button", "data-note": p.member_id }, t("projects.saveNote")),
      el("button", { type: "button", "data-draft": p.member_id }, t("projects.draft"))),
    p.history && p.history.length ? el("details", {}, el("summary", {}, t("projects.history")),
      el("ol", {}, ...p.history.map((h) => el("li", {},
        el("time", { datetime: h.at }, formatDate(h.at, { time: true })),
        ` ${t("projects.historyEntry", { status: term("status", h.status), by: h.by })}`
        + (h.note ? `: ${h.note}` : ""))))) : null);
}

async function showRecord(id) {
  byId("projects-list-block").hidden = true;
  byId("project-record").hidden = false;
  byId("draft-box").hidden = true;
  const p = await api(`/projects/${encodeURIComponent(id)}`);
  current = p;
  byId("record-title").textContent = p.title;
  byId("record-meta").textContent = [term("projectStatus", p.status),
    t("projects.owner", { owner: p.owner || "–" }),
    t("projects.spaces", { spaces: p.spaces.length ? p.spaces.join(", ") : t("projects.ownerOnly") }),
  ].join(" · ");
  byId("record-needs").replaceChildren(...p.needs.map((n) => el("li", {}, el("bdi", {}, n.need),
    n.language && n.language !== "en" ? el("span", { class: "lang" }, ` (${n.language})`) : null,
    n.source ? el("span", { class: "meta" },
      ` — ${t(n.part_of ? "project.partOf" : "project.from", { source: n.source })}`) : null)));
  const names = await peopleNames(p.people.map((x) => x.member_id));
  byId("record-people").replaceChildren(...(p.people.length
    ? p.people.map((x) => personCard({ ...x, name: names[x.member_id] }))
    : [el("li", { class: "empty" }, t("projects.nobody"))]));
  showMissing();
}

function missingLine(m) {
  const why = t(`missing.${m.reason}`, { status: term("status", m.status),
    date: m.until ? formatDate(m.until) : "" });
  return el("li", {}, el("a", { href: memberHref(m.member_id) }, el("bdi", {}, m.name || m.member_id)),
    ` — ${why}`);
}

function showMissing() {
  const people = missing.project === current.project_id ? missing.people : [];
  byId("record-missing").hidden = people.length === 0;
  byId("record-missing-list").replaceChildren(...people.map(missingLine));
}

async function peopleNames(ids) {
  const out = {};
  await Promise.all(ids.map(async (id) => {
    try {
      out[id] = (await api(`/members/${encodeURIComponent(id)}`)).name;
    } catch {
      out[id] = id;
    }
  }));
  return out;
}

/** The list, or one project (``id``). */
export async function showProjects(id) {
  showAlert(byId("projects-error"), "");
  say("");
  try {
    if (id) await showRecord(id);
    else await showList();
  } catch (err) {
    fail(err);
  }
}

async function act(call, done) {
  showAlert(byId("projects-error"), "");
  try {
    await call();
    await showRecord(current.project_id);
    say(done);
  } catch (err) {
    fail(err);
  }
}

async function onCreate(event) {
  event.preventDefault();
  const title = byId("np-title").value.trim();
  if (!title) {
    byId("np-title").setAttribute("aria-invalid", "true");
    byId("np-title").focus();
    return;
  }
  byId("np-title").removeAttribute("aria-invalid");
  try {
    const p = await api("/projects", { method: "POST", body: {
      title, description: byId("np-description").value, size: Number(byId("np-size").value) || 4 } });
    location.hash = `#/projects/${encodeURIComponent(p.project_id)}`;
  } catch (err) {
    fail(err);
  }
}

async function onDraft(memberId) {
  try {
    const d = await api(`/projects/${encodeURIComponent(current.project_id)}/people/`
      + `${encodeURIComponent(memberId)}/draft`);
    byId("draft-subject").value = d.subject;
    byId("draft-body").value = d.body;
    byId("draft-body").setAttribute("lang", d.language);
    byId("draft-body").setAttribute("dir", d.language === "ar" ? "rtl" : "ltr");
    byId("draft-mailto").setAttribute("href", d.mailto);
    byId("draft-box").hidden = false;
    byId("draft-body").focus();
    say(t("projects.drafted", { id: memberId, language: languageName(d.language) }));
  } catch (err) {
    fail(err);
  }
}

function onPeopleClick(event) {
  const status = event.target.closest("button[data-status]");
  const note = event.target.closest("button[data-note]");
  const draft = event.target.closest("button[data-draft]");
  if (status) {
    const id = status.dataset.member;
    act(() => api(`/projects/${encodeURIComponent(current.project_id)}/people/${encodeURIComponent(id)}`,
      { method: "PUT", body: { status: status.dataset.status,
        note: byId(`note-${id}`).value } }),
    t("projects.statusSet", { id, status: term("status", status.dataset.status) }));
  } else if (note) {
    const id = note.dataset.note;
    const person = current.people.find((p) => p.member_id === id);
    act(() => api(`/projects/${encodeURIComponent(current.project_id)}/people/${encodeURIComponent(id)}`,
      { method: "PUT", body: { status: person.status, note: byId(`note-${id}`).value } }),
    t("projects.noteSaved", { id }));
  } else if (draft) {
    onDraft(draft.dataset.draft);
  }
}

async function onExport() {
  try {
    const headers = getKey() ? { "X-API-Key": getKey() } : {};
    const response = await fetch(`/projects/${encodeURIComponent(current.project_id)}/export.csv`,
      { headers });
    if (!response.ok) throw new Error(t("projects.exportFailed", { status: String(response.status) }));
    const link = el("a", { href: URL.createObjectURL(await response.blob()),
      download: `${current.project_id}.csv` });
    document.body.append(link);
    link.click();
    link.remove();
    say(t("projects.exported"));
  } catch (err) {
    fail(err);
  }
}

export function initProjects() {
  byId("new-project-form").addEventListener("submit", onCreate);
  byId("record-people").addEventListener("click", onPeopleClick);
  byId("record-suggest").addEventListener("click", () => act(async () => {
    const answer = await api(`/projects/${encodeURIComponent(current.project_id)}/suggest`,
      { method: "POST", body: { shown: true } });
    missing = { project: current.project_id, people: answer.missing || [] };
  }, t("projects.suggested")));
  byId("record-export").addEventListener("click", onExport);
  byId("draft-copy").addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(byId("draft-body").value);
      say(t("projects.copied"));
    } catch {
      byId("draft-body").select();
      say(t("projects.copyYourself"));
    }
  });
}
