// Wellspring page: the Import view (#/import). Uploads with FormData; the report is built with
// el() (text nodes only), never as HTML.
import { ApiError, api, byId, el, getKey, setLoading, showAlert } from "./dom.js";

const FIELD_IDS = {
  file: ["i-file", "Files", "file-error"], format: ["i-format", "Format", "format-error"],
  map: ["i-map", "Column mapping", "colmap-error"], users: ["i-users", "Forum user map", "users-error"],
  create_members: ["i-create", "Create unmatched people as", "create_members-error"],
  country: ["i-country", "Their country", "country_import-error"],
  member: ["i-member", "Member whose works these are", "import-member-error"],
  default_space: ["i-default-space", "Space of topics without a category",
    "import-space-error"],
};

function clearErrors(form) {
  for (const input of form.querySelectorAll("[aria-invalid]")) input.removeAttribute("aria-invalid");
  for (const p of form.querySelectorAll(".field-error")) {
    p.textContent = "";
    p.hidden = true;
  }
}

function markField(field, message) {
  const known = FIELD_IDS[String(field || "").split(".")[0]];
  if (!known) return false;
  const [inputId, label, noteId] = known;
  byId(inputId).setAttribute("aria-invalid", "true");
  const note = byId(noteId);
  note.textContent = `${label}: ${message}`;
  note.hidden = false;
  return true;
}

function section(title, items, className) {
  if (!items.length) return null;
  return el("section", { class: `import-part ${className}` }, el("h2", {}, title),
    el("ul", {}, items.map((item) => el("li", {}, item))));
}

function where(e) {
  const line = e.line !== null && e.line !== undefined ? `:${e.line}` : "";
  const id = e.id ? ` (${e.id})` : "";
  return `${e.record || e.source || "file"}${line}${id}: ${e.field}: ${e.message}`;
}

function renderReport(report) {
  const verb = report.dry_run ? "Would import" : "Imported";
  const left = report.state === "partial"
    ? ` The ${report.invalid} invalid entries were left out.` : "";
  byId("import-summary").textContent = `${verb} ${report.format}: ${report.inserted} inserted,`
    + ` ${report.updated} updated, ${report.unchanged} unchanged, ${report.skipped.count}`
    + ` skipped, ${report.invalid} invalid.${report.dry_run ? " Nothing was written." : left}`;
  const linked = report.matches.filter((m) => m.outcome === "linked");
  const near = report.matches.filter((m) => m.outcome === "candidate" || m.outcome === "ambiguous");
  const created = report.matches.filter((m) => m.outcome === "created");
  const records = Object.entries(report.records || {}).flatMap(([kind, outcomes]) =>
    Object.entries(outcomes).filter(([, ids]) => ids.length)
      .map(([outcome, ids]) => `${kind} ${outcome}: ${ids.join(", ")}`));
  byId("import-report").replaceChildren(...[
    section("Records", records, "import-records"),
    section("Matched people", linked.map((m) => `${m.name} → ${m.candidate_name} (${m.member_id}),`
      + ` by ${m.method}, score ${m.score.toFixed(1)}`), "import-matches"),
    section("Close but not linked", near.map((m) => `${m.name}: ${m.candidate_name}`
      + ` (${m.candidate_id}) scores ${m.score.toFixed(1)} — ${m.outcome.replace("_", " ")}`),
    "import-near"),
    section("People with no member", report.unmatched.count
      ? [`${report.unmatched.count}: ${report.unmatched.first.join(", ")}`] : [], "import-unmatched"),
    section("Skipped", report.skipped.entries.map((s) =>
      `${s.where}: ${s.title} (${s.reason})`), "import-skipped"),
    section("Created members (to review)", created.map((m) => `${m.name} → ${m.member_id}`
      + (m.candidate_id ? `; nearest member ${m.candidate_name} (${m.candidate_id}),`
        + ` score ${m.score.toFixed(1)}` : "")), "import-created"),
    section("Organisations among the authors (not people)", report.corporate_authors,
      "import-corporate"),
    section("Merged", report.merged, "import-merged"),
    section("Invalid records", report.errors.map((e) => where({ ...e, record: e.source })),
      "import-errors"),
    section("Rejected because of another record", report.root_causes.map((c) => c.message),
      "import-causes"),
  ].filter(Boolean));
}

async function onImportSubmit(event) {
  event.preventDefault();
  const form = byId("import-form");
  const alertBox = byId("import-error");
  clearErrors(form);
  showAlert(alertBox, "");
  byId("import-summary").textContent = "";
  byId("import-report").replaceChildren();
  const files = [...byId("i-file").files];
  if (!files.length) {
    markField("file", "choose the exported file(s)");
    byId("i-file").focus();
    showAlert(alertBox, "Please correct: Files: choose the exported file(s)");
    return;
  }
  if (!getKey()) {
    showAlert(alertBox, "Importing needs an editor or admin API key: paste it above.");
    return;
  }
  const data = new FormData();
  for (const f of files) data.append("file", f, f.name);
  for (const line of byId("i-map").value.split("\n").map((s) => s.trim()).filter(Boolean)) {
    data.append("map", line);
  }
  const users = byId("i-users").files[0];
  if (users) data.append("users", users, users.name);
  if (byId("i-create").value) data.append("create_members", byId("i-create").value);
  if (byId("i-country").value.trim()) data.append("country", byId("i-country").value.trim());
  if (byId("i-member").value.trim()) data.append("member", byId("i-member").value.trim());
  if (byId("i-default-space").value.trim()) {
    data.append("default_space", byId("i-default-space").value.trim());
  }
  data.append("dry_run", byId("i-dry-run").checked ? "true" : "false");
  data.append("skip_invalid", byId("i-skip-invalid").checked ? "true" : "false");
  const format = byId("i-format").value;
  setLoading(byId("import-loading"), byId("import-report"), true, byId("import-submit"));
  try {
    renderReport(await api(`/imports/${encodeURIComponent(format)}`, { method: "POST", form: data }));
  } catch (err) {
    if (!(err instanceof ApiError)) {
      showAlert(alertBox, `Something went wrong in the page: ${err}`);
      return;
    }
    const errors = err.errors.length ? err.errors : err.field ? [{ field: err.field, message: err.message }] : [];
    const isOption = (e) => ["options", "request", undefined, null].includes(e.record)
      && FIELD_IDS[String(e.field || "").split(".")[0]];
    const fileErrors = errors.filter((e) => !isOption(e));
    for (const e of errors.filter(isOption)) markField(e.field, e.message);
    showAlert(alertBox, err.status === 422 && fileErrors.length
      ? `Nothing was imported: ${fileErrors.length} problem${fileErrors.length === 1 ? "" : "s"} in the file.`
      : err.message);
    if (fileErrors.length) {
      byId("import-report").replaceChildren(section("Problems", fileErrors.map(where), "import-errors"));
    }
  } finally {
    setLoading(byId("import-loading"), byId("import-report"), false, byId("import-submit"));
  }
}

export function initImports() {
  byId("import-form").addEventListener("submit", onImportSubmit);
}
