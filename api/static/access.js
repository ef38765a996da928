// Who the page speaks as: an API key kept in this tab, or a signed-in person (issue #28): the
// access badge, the key form, "Sign in" (the provider, when one is configured), the signed-in
// person's name and role, and "Sign out".
import { api, byId, getKey, setCsrfToken, setKey, showAlert } from "./dom.js";
import { preferLanguages, t, term } from "./i18n.js";

let session = null;  // GET /session (null: not asked yet, or a server without sessions)
let onChange = () => {};  // what the page redoes when who it speaks as changes

/** The badge, the key form and the signed-in person, in the page's language. */
export function renderAccess() {
  const key = getKey();
  const signedIn = session && session.signed_in ? session : null;
  const badge = byId("access-badge");
  badge.className = `badge ${key || signedIn ? "badge-key" : "badge-public"}`;
  badge.textContent = key ? t("access.keyInUse", { end: key.slice(-4) })
    : signedIn ? t(signedIn.role === "member" ? "access.signedInMember" : "access.signedInRole")
      : t("access.publicView");
  byId("key-forget").hidden = !key;
  byId("key-save").textContent = t(key ? "access.changeKey" : "access.useKey");
  // "Sign in" goes to the provider when one is configured; the key field stays as before
  byId("sign-in").hidden = Boolean(signedIn || key || !(session && session.provider));
  byId("signed-in").hidden = !signedIn;
  byId("sign-out").hidden = !signedIn;
  byId("key-form").hidden = Boolean(signedIn);
  byId("signed-in-name").textContent = signedIn ? signedIn.name : "";
  byId("signed-in-role").textContent = signedIn
    ? term("role", signedIn.role) : "";
  setCsrfToken(signedIn ? signedIn.csrf_token : "");
}

/** A member the page speaks as (signed in, or by a member key) chooses its language by their
 * own (GET /me), unless the picker has; other callers' /me is refused and changes nothing. */
async function followMemberLanguage() {
  const signedIn = session && session.signed_in ? session : null;
  if (!getKey() && !(signedIn && signedIn.role === "member")) return;
  try {
    const me = await api("/me");
    preferLanguages((me.availability && me.availability.languages) || me.member.languages);
  } catch { /* not a member: the language stays */ }
}

async function loadSession() {
  try {
    session = await api("/session");
  } catch {
    session = null;  // the key field, as before
  }
  renderAccess();
  followMemberLanguage();
}

async function onSignOut() {
  try {
    await api("/signout", { method: "POST" });
  } catch (err) {
    showAlert(byId("server-error"), err.message);
    return;
  }
  await loadSession();
  (byId("sign-in").hidden ? byId("api-key") : byId("sign-in")).focus();
  onChange();
}

function onKeySubmit(event) {
  event.preventDefault();
  const input = byId("api-key");
  const key = input.value.trim();
  if (!key) {
    input.setAttribute("aria-invalid", "true");
    input.focus();
    return;
  }
  input.removeAttribute("aria-invalid");
  setKey(key);
  input.value = "";
  renderAccess();
  followMemberLanguage();
  onChange();
}

function onKeyForget() {
  setKey("");
  renderAccess();
  byId("api-key").focus();
  onChange();
}

/** Show who the page speaks as, and wire the key form and sign-out; ``changed`` runs when
 * that changes (the page redraws its view). */
export function initAccess(changed) {
  onChange = changed;
  renderAccess();
  byId("key-form").addEventListener("submit", onKeySubmit);
  byId("key-forget").addEventListener("click", onKeyForget);
  byId("sign-out").addEventListener("click", onSignOut);
  loadSession();
}
