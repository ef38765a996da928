// My profile (issue #29): what Wellspring knows about the member the page speaks as (a member
// signed in, or a member key), and their say: confirm or reject inferred topics, add their own,
// switch contributions off for matching, availability and consent, export, erase.
import { api, byId, el, humanise, memberMeta, showAlert, setLoading } from "./dom.js";

const STATUS = { inferred: "inferred", confirmed: "confirmed by you", rejected: "rejected by you",
  pending: "pending: no contribution of yours supports it yet" };
const POLICY = { opt_out: "suggested unless you say no", opt_in: "only if you say yes" };

let profile = null;

function say(message) {
  byId("me-status").textContent = message;
}

function topicCard(t) {
  const buttons = t.topic_id === null ? [] : [
    el("button", { type: "button", "data-topic": t.topic_id, "data-status": "confirmed",
      "aria-pressed": String(t.status === "confirmed") }, "Confirm"),
    el("button", { type: "button", "data-topic": t.topic_id, "data-status": "rejected",
      "aria-pressed": String(t.status === "rejected") }, "Reject")];
  return el("li", { class: `card topic-${t.status}`, "data-topic-id": t.topic_id || "" },
    el("h3", {}, t.label),
    el("p", { class: "meta" }, `Status: ${STATUS[t.status] || t.status}`,
      t.evidence.length ? ` · ${t.evidence.length} contribution${t.evidence.length === 1 ? "" : "s"}` : ""),
    t.evidence.length ? el("ul", { class: "evidence" },
      ...t.evidence.slice(0, 5).map((e) => el("li", {}, e.title))) : null,
    buttons.length ? el("p", { class: "actions" }, ...buttons) : null);
}

function contributionRow(c) {
  const box = el("input", { type: "checkbox", "data-contribution": c.contribution_id,
    "aria-label": `Use “${c.title}” for matching` });
  box.checked = c.used_for_matching;
  return el("tr", {},
    el("td", {}, c.title), el("td", {}, humanise(c.type)), el("td", {}, c.space),
    el("td", {}, c.date), el("td", {}, box));
}

function render(p) {
  profile = p;
  const m = p.member;
  byId("me-title").textContent = `My profile: ${m.name}`;
  byId("me-who").replaceChildren(memberMeta({ ...m, organisation: m.organisation_id }));
  byId("me-topics").replaceChildren(...(p.topics.length ? p.topics.map(topicCard)
    : [el("li", { class: "empty" }, "No topics yet: none of your contributions is in the "
      + "community map, so Wellspring knows you from your profile only.")]));
  byId("me-contributions").querySelector("tbody").replaceChildren(...p.contributions.map(contributionRow));
  byId("me-policy").textContent = POLICY[p.consent.policy] || p.consent.policy;
  for (const radio of document.querySelectorAll("#me-choices input[name=consent]")) {
    radio.checked = radio.value === (p.consent.choice || "");
  }
  byId("me-open").checked = p.availability.open_to_invitations;
  byId("me-busy").value = p.availability.busy_until || "";
  byId("me-max").value = p.availability.max_invitations_per_month ?? "";
  const x = p.exposure;
  byId("me-exposure").textContent = `In the last ${x.days} days: named in ${x.suggested} `
    + `answer${x.suggested === 1 ? "" : "s"}, shown to a person ${x.shown} time${x.shown === 1 ? "" : "s"}, `
    + `marked contacted ${x.contacted} time${x.contacted === 1 ? "" : "s"}. `
    + (p.consent.suggested_to_others ? "You may be suggested to others."
      : "You are not suggested to anyone else.")
    + topicCounts(p);
  byId("me-content").hidden = false;
}

/** " Named for: leak detection (3), ..." from the exposure's counts by topic. */
function topicCounts(p) {
  const labels = Object.fromEntries(p.topics.map((t) => [t.topic_id, t.label]));
  const parts = Object.entries(p.exposure.by_topic || {})
    .sort((a, b) => b[1] - a[1])
    .map(([id, n]) => `${labels[id] || id} (${n})`);
  return parts.length ? ` Named for: ${parts.join("; ")}.` : "";
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
    byId("me-title").textContent = "My profile";
    showAlert(box, err.status === 401 || err.status === 403
      ? "My profile is for members: sign in, or use the member key a coordinator gave you."
      : err.message);
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
    status === "rejected" ? "Topic rejected: you are no longer suggested for needs in it."
      : "Topic confirmed.");
}

function onContributionChange(event) {
  const box = event.target.closest("input[data-contribution]");
  if (!box) return;
  act(() => api(`/me/contributions/${encodeURIComponent(box.dataset.contribution)}/matching`,
    { method: "PUT", body: { used: box.checked } }),
  box.checked ? "The contribution counts for matching again." : "The contribution no longer counts for matching.");
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
  act(() => api("/me/topics", { method: "POST", body: { label } }), `Topic “${label}” added.`)
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
  act(() => api("/me", { method: "PATCH", body }), "Your choices are saved.");
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
    say("Your data was downloaded.");
  } catch (err) {
    showAlert(byId("me-error"), err.message);
  }
}

async function onErase() {
  if (!window.confirm("Erase your profile and everything Wellspring stores about you? "
    + "Contributions you wrote alone go too. This cannot be undone.")) return;
  try {
    await api("/me", { method: "DELETE" });
    byId("me-content").hidden = true;
    say("You were erased from Wellspring.");
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
