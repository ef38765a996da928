// My profile (issue #29): what Wellspring knows about the member the page speaks as (a member
// signed in, or a member key), and their say: confirm or reject inferred topics, add their own,
// switch contributions off for matching, availability and consent, export, erase.
import { api, byId, el, humanise, memberMeta, showAlert, setLoading } from "./dom.js";
import { formatDate, t, term } from "./i18n.js";

let profile = null;

function say(message) {
  byId("me-status").textContent = message;
}

function topicCard(topic) {
  const buttons = topic.topic_id === null ? [] : [
    el("button", { type: "button", "data-topic": topic.topic_id, "data-status": "confirmed",
      "aria-pressed": String(topic.status === "confirmed") }, t("me.confirm")),
    el("button", { type: "button", "data-topic": topic.topic_id, "data-status": "rejected",
      "aria-pressed": String(topic.status === "rejected") }, t("me.reject"))];
  const evidence = topic.evidence;
  return el("li", { class: `card topic-${topic.status}`, "data-topic-id": topic.topic_id || "" },
    el("h3", {}, topic.label),
    el("p", { class: "meta" }, t("me.status", { status: term("topicStatus", topic.status) }),
      evidence.length ? ` · ${t("me.contributionCount", { n: evidence.length })}` : ""),
    evidence.length ? el("ul", { class: "evidence" },
      ...evidence.slice(0, 5).map((e) => el("li", {}, e.title))) : null,
    buttons.length ? el("p", { class: "actions" }, ...buttons) : null);
}

function contributionRow(c) {
  const box = el("input", { type: "checkbox", "data-contribution": c.contribution_id,
    "aria-label": t("me.useFor", { title: c.title }) });
  box.checked = c.used_for_matching;
  return el("tr", {},
    el("td", {}, c.title), el("td", {}, humanise(c.type)), el("td", {}, c.space),
    el("td", {}, c.date ? el("time", { datetime: c.date }, formatDate(c.date)) : ""), el("td", {}, box));
}

function render(p) {
  profile = p;
  const m = p.member;
  byId("me-title").textContent = t("me.titleOf", { name: m.name });
  byId("me-who").replaceChildren(memberMeta({ ...m, organisation: m.organisation_id }));
  byId("me-topics").replaceChildren(...(p.topics.length ? p.topics.map(topicCard)
    : [el("li", { class: "empty" }, t("me.noTopics"))]));
  byId("me-contributions").querySelector("tbody").replaceChildren(...p.contributions.map(contributionRow));
  byId("me-policy").textContent = term("policy", p.consent.policy);
  for (const radio of document.querySelectorAll("#me-choices input[name=consent]")) {
    radio.checked = radio.value === (p.consent.choice || "");
  }
  byId("me-open").checked = p.availability.open_to_invitations;
  byId("me-busy").value = p.availability.busy_until || "";
  byId("me-max").value = p.availability.max_invitations_per_month ?? "";
  const x = p.exposure;
  byId("me-exposure").textContent = [
    t("me.exposureDays", { n: x.days }), t("me.exposureNamed", { n: x.suggested }),
    t("me.exposureShown", { n: x.shown }), t("me.exposureContacted", { n: x.contacted }),
    t(p.consent.suggested_to_others ? "me.suggested" : "me.notSuggested"),
  ].join(" ") + topicCounts(p);
  byId("me-content").hidden = false;
}

/** " Named for: leak detection (3), ..." from the exposure's counts by topic. */
function topicCounts(p) {
  const labels = Object.fromEntries(p.topics.map((topic) => [topic.topic_id, topic.label]));
  const parts = Object.entries(p.exposure.by_topic || {})
    .sort((a, b) => b[1] - a[1])
    .map(([id, n]) => t("me.namedForOne", { topic: labels[id] || id, n }));
  return parts.length ? ` ${t("me.namedFor", { topics: parts.join("; ") })}` : "";
}

/** Load the profile; a caller who is not a member is told how to become one. */
export async function showMe() {
  const box = byId("me-error");
  showAlert(box, "");
  say("");
  setLoading(byId("me-loading"), byId("me-content"), true);
  try {
    render(await api("/me"));
  } catch (err) {
    byId("me-content").hidden = true;
    byId("me-title").textContent = t("me.title");
    showAlert(box, err.status === 401 || err.status === 403 ? t("me.forMembers") : err.message);
  } finally {
    setLoading(byId("me-loading"), byId("me-content"), false);
  }
}

async function act(call, done) {
  showAlert(byId("me-error"), "");
  try {
    await call();
    await showMe();
    say(done);
  } catch (err) {
    showAlert(byId("me-error"), err.message);
  }
}

function onTopicClick(event) {
  const button = event.target.closest("button[data-topic]");
  if (!button) return;
  const { topic, status } = button.dataset;
  act(() => api(`/me/topics/${encodeURIComponent(topic)}`, { method: "PUT", body: { status } }),
    t(status === "rejected" ? "me.topicRejected" : "me.topicConfirmed"));
}

function onContributionChange(event) {
  const box = event.target.closest("input[data-contribution]");
  if (!box) return;
  act(() => api(`/me/contributions/${encodeURIComponent(box.dataset.contribution)}/matching`,
    { method: "PUT", body: { used: box.checked } }),
  t(box.checked ? "me.contributionOn" : "me.contributionOff"));
}

function onTopicSubmit(event) {
  event.preventDefault();
  const input = byId("me-topic-label");
  const label = input.value.trim();
  if (!label) {
    input.setAttribute("aria-invalid", "true");
    input.focus();
    return;
  }
  input.removeAttribute("aria-invalid");
  act(() => api("/me/topics", { method: "POST", body: { label } }), t("me.topicAdded", { label }))
    .then(() => { input.value = ""; });
}

function onChoicesSubmit(event) {
  event.preventDefault();
  const form = byId("me-choices");
  const consent = form.querySelector("input[name=consent]:checked");
  const max = byId("me-max").value;
  const body = {
    consent: consent && consent.value ? consent.value : null,
    open_to_invitations: byId("me-open").checked,
    busy_until: byId("me-busy").value || null,
    max_invitations_per_month: max === "" ? null : Number(max),
  };
  act(() => api("/me", { method: "PATCH", body }), t("me.saved"));
}

async function onExport() {
  try {
    const data = await api("/me/export");
    const blob = new Blob([JSON.stringify(data, null, 2)], { type: "application/json" });
    const link = el("a", { href: URL.createObjectURL(blob),
      download: `wellspring-${profile ? profile.member.member_id : "me"}.json` });
    document.body.append(link);
    link.click();
    link.remove();
    say(t("me.downloaded"));
  } catch (err) {
    showAlert(byId("me-error"), err.message);
  }
}

async function onErase() {
  if (!window.confirm(t("me.eraseConfirm"))) return;
  try {
    await api("/me", { method: "DELETE" });
    byId("me-content").hidden = true;
    say(t("me.erased"));
  } catch (err) {
    showAlert(byId("me-error"), err.message);
  }
}

export function initMe() {
  byId("me-topics").addEventListener("click", onTopicClick);
  byId("me-contributions").addEventListener("change", onContributionChange);
  byId("me-topic-form").addEventListener("submit", onTopicSubmit);
  byId("me-choices").addEventListener("submit", onChoicesSubmit);
  byId("me-export").addEventListener("click", onExport);
  byId("me-erase").addEventListener("click", onErase);
}
