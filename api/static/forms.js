// Wellspring page: the search and team forms' fields, their errors next to each field and in
// the alert, in the page's language; one abortable request per form.
import { ApiError, byId, problemLines, showAlert } from "./dom.js";
import { t } from "./i18n.js";

// API field name -> input id (the label a person reads is the catalogue's field.<name>)
export const FIELDS = {
  q: "q", top: "top", country: "f-country", organisation: "f-organisation", level: "f-level",
  type: "f-type", language: "f-language", title: "p-title", description: "p-description",
  needs: "p-needs", size: "p-size", exclude_members: "p-ex-members",
  exclude_organisations: "p-ex-organisations", exclude_countries: "p-ex-countries",
};
export const fieldLabel = (name) => t(`field.${name}`);

// ---- field errors ----------------------------------------------------------------------------
export function clearFieldErrors(form) {
  for (const input of form.querySelectorAll("[aria-invalid]")) input.removeAttribute("aria-invalid");
  for (const p of form.querySelectorAll(".field-error")) {
    p.textContent = "";
    p.hidden = true;
  }
}

/** Mark the named fields invalid; returns "Label: message" lines for the alert. */
export function showFieldErrors(form, errors) {
  const lines = [];
  let first = null;
  for (const e of errors) {
    const name = String(e.field || "").split(".")[0];
    const known = FIELDS[name];
    const input = known && form.querySelector(`#${known}`);
    if (!input) continue;
    const note = byId(`${name}-error`);
    const [line] = problemLines([e]); // "Label: problem", as the alert says it
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

export function reportError(err, form, alertBox) {
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

const controllers = {};

/** A fresh AbortController's signal for ``name``; the previous request of that name is aborted. */
export function newController(name) {
  if (controllers[name]) controllers[name].abort();
  controllers[name] = new AbortController();
  return controllers[name].signal;
}
