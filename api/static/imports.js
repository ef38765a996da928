// Wellspring page: the Import view (#/import). Uploads with FormData; the report is built with
// el() (text nodes only), never as HTML.
import { ApiError, api, byId, el, getKey, problemText, setLoading, showAlert } from "./dom.js";
import { formatNumber, t, term } from "./i18n.js";

// API field -> [input id, the catalogue's label, the error's id]
const FIELD_IDS = {
  file: ["i-file", "import.files", "file-error"], format: ["i-format", "import.format", "format-error"],
  map: ["i-map", "import.map", "colmap-error"], users: ["i-users", "import.users", "users-error"],
  create_members: ["i-create", "import.create", "create_members-error"],
  country: ["i-country", "import.country", "country_import-error"],
  member: ["i-member", "import.member", "import-member-error"],
  default_space: ["i-default-space", "import.space", "import-space-error"],
};
const score = (value) => formatNumber(value, { minimumFractionDigits: 1, maximumFractionDigits: 1 });

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
  note.textContent = t("form.fieldError", { field: t(label), message });
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
  // a problem said from its code names the spreadsheet's column apart (the English says it)
  const column = e.code && e.params && e.params.column
    ? ` (${t("import.column", { column: e.params.column })})` : "";
  return `${e.record || e.source || t("import.file")}${line}${id}: ${e.field}${column}: ${problemText(e)}`;
}

function renderReport(report) {
  const left = report.state === "partial" ? ` ${t("import.leftOut", { n: report.invalid })}` : "";
  byId("import-summary").textContent = t(report.dry_run ? "import.wouldImport" : "import.imported", {
    format: report.format, inserted: report.inserted, updated: report.updated,
    unchanged: report.unchanged, skipped: report.skipped.count, invalid: report.invalid,
  }) + (report.dry_run ? ` ${t("import.nothingWritten")}` : left);
  const linked = report.matches.filter((m) => m.outcome === "linked");
  const near = report.matches.filter((m) => m.outcome === "candidate" || m.outcome === "ambiguous");
  const created = report.matches.filter((m) => m.outcome === "created");
  const records = Object.entries(report.records || {}).flatMap(([kind, outcomes]) =>
    Object.entries(outcomes).filter(([, ids]) => ids.length)
      .map(([outcome, ids]) => t("import.recordLine", { kind: term("importKind", kind),
        outcome: term("importRecord", outcome), ids: ids.join(", ") })));
  byId("import-report").replaceChildren(...[
    section(t("import.records"), records, "import-records"),
    section(t("import.matched"), linked.map((m) => t("import.matchedOne", { name: m.name,
      candidate: m.candidate_name, id: m.member_id, method: term("importMethod", m.method),
      score: score(m.score) })),
    "import-matches"),
    section(t("import.near"), near.map((m) => t("import.nearOne", { name: m.name,
      candidate: m.candidate_name, id: m.candidate_id, score: score(m.score),
      outcome: term("importOutcome", m.outcome) })), "import-near"),
    section(t("import.unmatched"), report.unmatched.count
      ? [`${formatNumber(report.unmatched.count)}: ${report.unmatched.first.join(", ")}`] : [],
    "import-unmatched"),
    section(t("import.skipped"), report.skipped.entries.map((s) =>
      `${s.where}: ${s.title} (${s.code ? term("importSkip", s.code) : s.reason})`),
    "import-skipped"),
    section(t("import.created"), created.map((m) => `${m.name} → ${m.member_id}`
      + (m.candidate_id ? t("import.nearest", { candidate: m.candidate_name, id: m.candidate_id,
        score: score(m.score) }) : "")), "import-created"),
    section(t("import.corporate"), report.corporate_authors, "import-corporate"),
    section(t("import.merged"), report.merged, "import-merged"),
    section(t("import.invalid"), report.errors.map((e) => where({ ...e, record: e.source })),
      "import-errors"),
    section(t("import.causes"), report.root_causes.map((c) => c.message), "import-causes"),
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
    markField("file", t("import.chooseFiles"));
    byId("i-file").focus();
    showAlert(alertBox, t("form.correct", { lines: byId("file-error").textContent }));
    return;
  }
  if (!getKey()) {
    showAlert(alertBox, t("import.needsKey"));
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
      showAlert(alertBox, t("error.page", { error: String(err) }));
      return;
    }
    const errors = err.errors.length ? err.errors : err.field ? [{ field: err.field, message: err.message }] : [];
    const isOption = (e) => ["options", "request", undefined, null].includes(e.record)
      && FIELD_IDS[String(e.field || "").split(".")[0]];
    const fileErrors = errors.filter((e) => !isOption(e));
    for (const e of errors.filter(isOption)) markField(e.field, problemText(e));
    showAlert(alertBox, err.status === 422 && fileErrors.length
      ? t("import.nothingImported", { n: fileErrors.length })
      : err.message);
    if (fileErrors.length) {
      byId("import-report").replaceChildren(section(t("import.problems"), fileErrors.map(where),
        "import-errors"));
    }
  } finally {
    setLoading(byId("import-loading"), byId("import-report"), false, byId("import-submit"));
  }
}

export function initImports() {
  byId("import-form").addEventListener("submit", onImportSubmit);
}
