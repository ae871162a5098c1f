// The demo page (index.html): boot Pyodide, load a dataset with loadOpenML, show it, and
// fit a scikit-learn model on it in the browser.
//
// A load starts with its memory plan (planOpenML), shown at once. A dataset that cannot
// fit gets a message with its ways out as buttons; a big one shows its first rows (a load
// of PREVIEW_ROWS rows, read page by page) before the whole load. document.body.dataset
// records the seconds from the click to each step: planSeconds, firstRowsSeconds,
// loadedSeconds (and stage: plan, first-rows, too-big, loaded, error).
//
// Configuration, first found wins:
//   1. query parameters: ?openml=URL ?pyodide=URL ?wheel=URL ?dataset=ID_OR_NAME &version=N
//      ?maxMemory=BYTES (what the tab may hold, as if it were smaller: loadOpenML's maxMemory)
//   2. config.json beside the page, written by `python -m openml_lite.serve` (or by a site
//      that ships the page: docs/conf.py): {openmlUrl, mirror, pyodideUrl, wheelUrl,
//      datasets: [{id, name, version, rows, status, format, byName}], source}; URLs may be
//      relative to the page; `source` says where the datasets come from, in words.
//   3. defaults: https://www.openml.org, ./web/pyodide/, "openml-lite" from PyPI.
// Everything the page shows (status, errors, results) is in the page; the console only
// gets Pyodide's own messages.

import { getPyodide, loadOpenML, planOpenML } from "./openml-lite.js";

const $ = (id) => document.getElementById(id);

// Offered when no configuration lists datasets (the real OpenML).
const WELL_KNOWN = [
  { id: 61, name: "iris", version: 1 },
  { id: 40945, name: "Titanic", version: 1 },
  { id: 31, name: "credit-g", version: 1 },
  { id: 42585, name: "penguins", version: 1 },
  { id: 1590, name: "adult", version: 2 },
  { id: 561, name: "cpu", version: 1 },
  { id: 42165, name: "house_prices", version: 1 },
  { id: 554, name: "mnist_784", version: 1 },
];

const ENGINE_LABELS = {
  js: "hyparquet (the JavaScript parquet decoder shipped in the wheel)",
  pyarrow: "pyarrow",
  fastparquet: "fastparquet",
  polars: "polars",
  arff: "scikit-learn's ARFF parser (no parquet for this dataset)",
};

const state = { config: null, pyodide: null, bunch: null, result: null, busy: false };

// ---------------------------------------------------------------- formatting helpers
function formatBytes(n) {
  if (n === null || n === undefined) return "?";
  if (n < 1000) return `${n} B`;
  if (n < 1e6) return `${(n / 1e3).toFixed(1)} kB`;
  if (n < 1e9) return `${(n / 1e6).toFixed(1)} MB`;
  return `${(n / 1e9).toFixed(2)} GB`;
}

function formatRange([low, high]) {
  return high <= low * 1.1 ? formatBytes(high) : `${formatBytes(low)} to ${formatBytes(high)}`;
}

function formatSeconds(s) {
  if (s === undefined || s === null) return "–";
  return s < 1 ? `${(s * 1000).toFixed(s < 0.01 ? 1 : 0)} ms` : `${s.toFixed(2)} s`;
}

function formatCell(value, dtype = "") {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") {
    if (Number.isInteger(value)) return dtype.startsWith("float") ? value.toFixed(1) : String(value);
    return String(Number(value.toPrecision(8)));
  }
  return String(value);
}

function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else node.setAttribute(key, value);
  }
  for (const child of children) node.append(child);
  return node;
}

function setStatus(text, { busy = false } = {}) {
  const status = $("status");
  status.textContent = text;
  status.classList.toggle("busy", busy);
}

function showError(message, title = "Could not load the dataset") {
  $("error-title").textContent = title;
  $("error-message").textContent = message;
  $("error").hidden = false;
}

function clearError() {
  $("error").hidden = true;
  $("error-message").textContent = "";
}

const nextPaint = () => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));

// ---------------------------------------------------------------- configuration
async function readConfig() {
  const params = new URLSearchParams(location.search);
  let served = {};
  try {
    const answer = await fetch("config.json", { cache: "no-store" });
    if (answer.ok) served = await answer.json();
  } catch {
    // a plain static server has no config.json: defaults below
  }
  const openmlUrl = params.get("openml") || served.openmlUrl || "https://www.openml.org";
  const sameServer = !params.get("openml") || params.get("openml") === served.openmlUrl;
  return {
    // (Python's loader needs it whole: a site's copy of the data is given relative to the page)
    openmlUrl: new URL(openmlUrl, location.href).href.replace(/\/+$/, ""),
    mirror: Boolean(served.mirror && sameServer),
    source: sameServer ? served.source : undefined,
    pyodideUrl: params.get("pyodide") || served.pyodideUrl || "web/pyodide/",
    wheelUrl: params.get("wheel") || served.wheelUrl || "openml-lite",
    datasets: (sameServer && served.datasets) || WELL_KNOWN,
    dataset: params.get("dataset"),
    version: params.get("version"),
    maxMemory: params.get("maxMemory") ? Number(params.get("maxMemory")) : undefined,
  };
}

function showKnownDatasets(config) {
  const list = $("known");
  const names = $("dataset-names");
  $("known-where").textContent = config.source ? "(those it holds)" : config.mirror ? "(on the local mirror)" : "(on OpenML)";
  for (const d of config.datasets) {
    const label = `${d.name} (${d.id})`;
    const button = el("button", { type: "button", class: "chip", "data-id": String(d.id) }, label);
    const notes = [];
    if (d.rows) notes.push(`${d.rows.toLocaleString("en")} rows`);
    if (d.status && d.status !== "active") notes.push(d.status);
    if (d.format && /sparse/i.test(d.format)) notes.push("sparse");
    if (notes.length) button.append(el("span", { class: "chip-note" }, notes.join(", ")));
    button.title = `Load ${d.name}, data id ${d.id}, version ${d.version}`;
    button.addEventListener("click", () => {
      $("dataset").value = String(d.id);
      $("version").value = "";
      syncVersionField();
      loadDataset();
    });
    list.append(el("li", {}, button));
    names.append(el("option", { value: String(d.id), label }));
  }
  // names to type: those the server can look up (a mirror only has some lookups recorded)
  const seen = new Set();
  for (const d of config.datasets) {
    const key = d.name.toLowerCase();
    if (d.byName !== false && !seen.has(key)) names.append(el("option", { value: key }));
    seen.add(key);
  }
}

// A version only goes with a name (fetch_openml refuses data_id + version).
function syncVersionField() {
  const isId = /^\s*\d+\s*$/.test($("dataset").value);
  $("version").disabled = isId;
  if (isId) $("version").value = "";
}

// ---------------------------------------------------------------- boot
async function boot() {
  const config = (state.config = await readConfig());
  showKnownDatasets(config);
  $("server").textContent = config.source ? `Datasets come from ${config.source}.` : config.mirror
    ? `Datasets come from a local OpenML mirror at ${config.openmlUrl} (scikit-learn's recorded datasets).`
    : `Datasets come from ${config.openmlUrl}.`;
  setStatus("Starting Python (Pyodide)…", { busy: true });
  const started = performance.now();
  try {
    state.pyodide = await getPyodide({
      indexURL: config.pyodideUrl,
      wheelURL: config.wheelUrl,
      onStatus: (stage, text) => setStatus(text, { busy: true }),
    });
  } catch (error) {
    setStatus("Python could not be started.");
    showError(`${error.message}. Serve this page with \`python -m openml_lite.serve\` ` +
      "(after `bash build_wheels.sh`), or pass ?pyodide=URL.", "Could not start Python");
    return false;
  }
  const version = state.pyodide.runPython("import openml_lite; openml_lite.__version__");
  $("versions").textContent = `openml-lite ${version} · Pyodide ${state.pyodide.version} · ` +
    `started in ${formatSeconds((performance.now() - started) / 1000)}`;
  setStatus("Ready. Pick a dataset.");
  document.body.dataset.ready = "true";
  return true;
}

// ---------------------------------------------------------------- big datasets
const PREVIEW_ROWS = 10;
// A big dataset shows its first rows before the whole load: more rows than this, or a
// load that takes more bytes than this...
const BIG_ROWS = 50_000;
const BIG_BYTES = 100e6;
// ...when they are cheap: each column's first page is read whole (pyarrow writes pages of
// up to 1 MB), so the first rows of a wide table (SVHN's 3,073 pixel columns, one page
// each) read most of its file, which the whole load then reads again.
const MOST_BYTES_PER_ROW = 2000; // in the Bunch: ~250 numeric columns

const VERDICTS = {
  fits: "fits",
  tight: "fits, but takes most of it",
  "may not fit": "may not fit",
  "too big": "does not fit",
};

function isBig(plan) {
  return plan.rows > BIG_ROWS || plan.estimate.high > BIG_BYTES;
}

function firstRowsAreCheap(plan) {
  return plan.estimate.result[1] / Math.max(plan.rows, 1) <= MOST_BYTES_PER_ROW;
}

function showPlan(plan) {
  const line = $("plan-text");
  if (plan) {
    const room = plan.room.total === null ? "no limit" : `${formatBytes(plan.room.total)} this tab can hold`;
    line.textContent = `Memory: ${plan.estimate.text} (the Bunch: ${formatRange(plan.estimate.result)}) ` +
      `of ${room}: ${VERDICTS[plan.verdict] ?? plan.verdict}.`;
    line.title = plan.room.where;
  } else {
    line.textContent = "Memory: no estimate for this dataset (no parquet file, or no row count).";
    line.title = "";
  }
  line.dataset.verdict = plan?.verdict ?? "none";
  $("plan").hidden = false;
}

/** The too-big message: why (a plan's verdict, or a load's DatasetTooLargeError), and
 * each way out as a button that loads with it. */
function showTooBig(what, found, asked, name = what) {
  $("too-big-why").textContent = `${name} needs ${found.estimate.text} to load as asked (the Bunch alone: ` +
    `${formatRange(found.estimate.result)}): more than this tab can hold (${found.room.where}).`;
  const ways = found.ways.map((way) => el("li", {}, wayButton(what, way, asked)));
  $("ways").replaceChildren(...(ways.length ? ways : [el("li", { class: "muted" }, "None found: try a smaller dataset.")]));
  $("too-big-message").textContent = found.message;
  $("too-big").hidden = false;
  setStatus("Too big for this tab: pick a way to load it below.");
  document.body.dataset.stage = "too-big";
}

function wayButton(what, way, asked) {
  const button = el("button", { type: "button", class: "way", "data-arguments": JSON.stringify(way.arguments) },
    `Load with ${way.text}`);
  button.addEventListener("click", () => {
    $("dataset").value = what;
    loadDataset(what, { ...asked, ...way.options });
  });
  return button;
}

// ---------------------------------------------------------------- loading
function resetProgress() {
  const bar = $("progress");
  bar.max = 1;
  bar.value = 0;
  bar.removeAttribute("data-received");
  bar.removeAttribute("data-total");
  $("progress-text").textContent = "Waiting for the data file…";
  $("download").hidden = false;
}

function showProgress(received, total) {
  const bar = $("progress");
  bar.dataset.received = String(received);
  if (total) {
    bar.dataset.total = String(total);
    bar.max = total;
    bar.value = Math.min(received, total);
    const percent = Math.floor((100 * Math.min(received, total)) / total);
    $("progress-text").textContent = `${formatBytes(received)} of ${formatBytes(total)} (${percent} %)`;
  } else {
    bar.removeAttribute("value"); // indeterminate: the server did not say how big
    $("progress-text").textContent = `${formatBytes(received)} so far`;
  }
}

const MILESTONES = [["plan", "estimate"], ["firstRows", "first rows"], ["loaded", "all rows"]];

/** Seconds from the click to `milestone`, recorded on the body (the tests read them) and shown. */
function reached(milestone, clicked) {
  const data = document.body.dataset;
  if (data[`${milestone}Seconds`] === undefined) {
    data[`${milestone}Seconds`] = ((performance.now() - clicked) / 1000).toFixed(3);
  }
  const said = MILESTONES.filter(([key]) => data[`${key}Seconds`] !== undefined)
    .map(([key, label]) => `${label} ${formatSeconds(Number(data[`${key}Seconds`]))}`);
  $("timeline").textContent = `After the click: ${said.join(" · ")}`;
  $("timeline").hidden = false;
}

function clearLoad() {
  clearError();
  $("too-big").hidden = true;
  $("plan").hidden = true;
  $("timeline").hidden = true;
  $("result").hidden = true;
  $("model").hidden = true;
  $("download").hidden = true;
  const data = document.body.dataset;
  data.loaded = "false";
  for (const [key] of MILESTONES) delete data[`${key}Seconds`];
  if (state.bunch) {
    state.bunch.destroy();
    state.bunch = null;
  }
}

const busyStatus = (stage, text) => setStatus(text, { busy: stage !== "done" });

/** Load `what` with the page's options and `way` (a way out's options): the plan first,
 * then the first rows of a big dataset, then the whole of it. */
async function loadDataset(what = $("dataset").value.trim(), way = {}) {
  if (state.busy) return;
  if (!what) {
    showError("Type a dataset id (e.g. 40945) or a name (e.g. iris), or pick a known one.");
    $("dataset").focus();
    return;
  }
  const clicked = performance.now();
  state.busy = true;
  $("load").disabled = true;
  clearLoad();
  try {
    if (!state.pyodide && !(await bootFinished)) throw new Error("Python is not running (see above).");
    const options = {
      pyodide: state.pyodide,
      version: $("version").value || undefined,
      engine: $("engine").value,
      baseUrl: state.config.openmlUrl,
      maxMemory: state.config.maxMemory,
      ...way,
    };
    document.body.dataset.stage = "plan";
    const plan = await planOpenML(what, { ...options, onStatus: busyStatus });
    showPlan(plan);
    reached("plan", clicked);
    if (plan?.verdict === "too big") {
      showTooBig(what, plan, way, plan.name ?? what);
      if (firstRowsAreCheap(plan)) await showFirstRows(what, options, plan, clicked);
      return;
    }
    if (plan && isBig(plan) && options.nrows === undefined && firstRowsAreCheap(plan)) {
      await showFirstRows(what, options, plan, clicked);
    }
    await loadAll(what, options, way, clicked);
  } catch (error) {
    showFailure(what, error, way);
  } finally {
    state.busy = false;
    $("load").disabled = false;
  }
}

function showFailure(what, error, way) {
  $("download").hidden = true;
  if (error.ways) { // DatasetTooLargeError: the plan said it fits, the load found otherwise
    showPlan({ estimate: error.estimate, room: error.room, verdict: "too big" });
    showTooBig(what, error, way);
    return;
  }
  setStatus("Loading failed.");
  showError(error.message, `Could not load “${what}”`);
  document.body.dataset.stage = "error";
}

/** The first PREVIEW_ROWS rows, shown before the whole load (which replaces them). */
async function showFirstRows(what, options, plan, clicked) {
  setStatus(`Reading the first ${PREVIEW_ROWS} of ${plan.rows.toLocaleString("en")} rows…`, { busy: true });
  const first = await loadOpenML(what, { ...options, nrows: PREVIEW_ROWS, previewRows: PREVIEW_ROWS });
  const whole = plan.verdict === "too big" ? "the whole does not fit in this tab" : "loading all…";
  showSummary(first, plan.rows);
  const report = first.report ?? {};
  $("fact-source").textContent = `${report.source ?? "?"}: the first ${PREVIEW_ROWS} rows read ` +
    `${formatBytes(report.dataBytes)}` + (report.rangeRequests ? ` in ${report.rangeRequests} range requests` : "");
  $("warnings").hidden = true;
  showPreview(first, { totalRows: plan.rows, whole });
  $("result").dataset.stage = "first-rows";
  $("result").hidden = false;
  reached("firstRows", clicked);
  if (plan.verdict === "too big") {
    setStatus("Too big for this tab: its first rows are below; pick a way to load it all.");
  } else {
    document.body.dataset.stage = "first-rows";
    setStatus(`First rows shown; loading all ${plan.rows.toLocaleString("en")} rows…`, { busy: true });
  }
  await nextPaint(); // on screen before the whole load keeps Python (and this thread) busy
}

async function loadAll(what, options, way, clicked) {
  resetProgress();
  const result = await loadOpenML(what, { ...options, returnBunch: true, onStatus: busyStatus, onProgress: showProgress });
  state.bunch = result.bunch;
  delete result.bunch;
  state.result = result;
  showResult(result);
  reached("firstRows", clicked);
  reached("loaded", clicked);
  const how = Object.keys(way).length ? ` with ${describeOptions(way)}` : "";
  setStatus(`Loaded ${result.name} (id ${result.id})${how} in ${formatSeconds(result.wallSeconds)}.`);
  document.body.dataset.stage = "loaded";
  document.body.dataset.loaded = "true";
}

function describeOptions(options) {
  return Object.entries(options).map(([key, value]) =>
    `${key}=${Array.isArray(value) ? `[${value.length} columns]` : JSON.stringify(value)}`).join(", ");
}

// ---------------------------------------------------------------- showing a dataset
/** Heading and facts; `rows`: the dataset's (a first-rows result holds only some). */
function showSummary(r, rows = r.shape[0]) {
  const report = r.report ?? {};
  $("result-heading").textContent = `${r.name} (id ${r.id}, version ${r.version})`;
  $("openml-link").href = r.url || `https://www.openml.org/d/${r.id}`;
  $("fact-shape").textContent = `${rows.toLocaleString("en")} rows × ${r.shape[1]} columns`;
  $("fact-target").textContent = r.targetNames.length ? r.targetNames.join(", ") : "none (no default target)";
  $("fact-engine").textContent = ENGINE_LABELS[report.engine] ?? report.engine ?? "?";
  $("fact-engine").dataset.engine = report.engine ?? "";
}

function showResult(r) {
  const report = r.report ?? {};
  showSummary(r);
  $("fact-source").textContent = `${report.source ?? "?"}, ${formatBytes(report.dataBytes)}` +
    (report.fromCache ? " (from the browser cache)" : " (downloaded)");

  // the download bar: a cached file never streamed, so fill it from the report
  if (report.fromCache) {
    const bar = $("progress");
    bar.max = 1;
    bar.value = 1;
    bar.dataset.received = bar.dataset.total = String(report.dataBytes);
    $("progress-text").textContent = `${formatBytes(report.dataBytes)} from the browser cache (nothing downloaded)`;
  }

  const warnings = r.warnings ?? [];
  $("warnings").hidden = warnings.length === 0;
  $("warning-list").replaceChildren(...warnings.map((w) => el("li", {}, el("strong", {}, `${w.category}: `), w.message)));

  showTimings(report.seconds ?? {});
  showPreview(r);
  showColumns(r);
  $("description").textContent = r.description || "(none)";
  $("result").dataset.stage = "full";
  $("result").hidden = false;
  showModelPlan(r);
}

const STEPS = [
  ["metadata", "Metadata (OpenML JSON API)"],
  ["engine", "Engine (pick, or load its package)"],
  ["download", "Download"],
  ["decode", "Decode (parquet reader)"],
  ["convert", "Convert (to sklearn's Bunch)"],
  ["save", "Save (into the cache)"],
];

function showTimings(seconds) {
  const total = seconds.total || STEPS.reduce((sum, [key]) => sum + (seconds[key] || 0), 0) || 1;
  const bar = $("timing-bar");
  bar.replaceChildren();
  const rows = [];
  for (const [key, label] of STEPS) {
    const value = seconds[key];
    if (value === undefined) continue;
    const share = Math.max(0.5, (100 * value) / total);
    bar.append(el("span", { class: `seg seg-${key}`, style: `flex-basis:${share}%`, title: `${label}: ${formatSeconds(value)}` }));
    rows.push(el("tr", { "data-step": key },
      el("th", { scope: "row" }, el("span", { class: `swatch seg-${key}` }), label),
      el("td", {}, formatSeconds(value))));
  }
  // not the status line's "all rows": that counts from the click, with the memory plan and
  // the first rows before this load, and drawing after it
  rows.push(el("tr", { class: "total", "data-step": "total" },
    el("th", { scope: "row" }, "Total of this load (in Python; the status line counts from the click)"),
    el("td", {}, formatSeconds(seconds.total))));
  $("timing-rows").replaceChildren(...rows);
}

/** The first rows as a table; `whole`: what is said of the other rows ("loading all…"). */
function showPreview(r, { totalRows = r.preview.totalRows, whole = "" } = {}) {
  const { columns, rows } = r.preview;
  const targets = new Set(r.targetNames);
  const dtypes = Object.fromEntries(r.columns.map((c) => [c.name, c.dtype]));
  const table = $("preview");
  const caption = el("caption", {}, `First ${rows.length} of ${totalRows.toLocaleString("en")} rows`,
    ...(whole ? ["; ", el("span", { class: "loading-all" }, whole)] : []),
    targets.size ? " (target column highlighted)" : "");
  const head = el("thead", {}, el("tr", {}, el("th", { scope: "col", class: "index" }, "#"),
    ...columns.map((c) => el("th", { scope: "col", class: targets.has(c) ? "target" : "" }, c))));
  const body = el("tbody");
  rows.forEach((row, i) => {
    body.append(el("tr", {}, el("th", { scope: "row", class: "index" }, String(i)),
      ...row.map((value, j) => el("td", {
        class: [targets.has(columns[j]) ? "target" : "", value === null ? "missing" : "",
          typeof value === "number" ? "num" : ""].join(" ").trim(),
        "data-column": columns[j],
      }, value === null ? "NaN" : formatCell(value, dtypes[columns[j]] ?? "")))));
  });
  table.replaceChildren(caption, head, body);
}

function showColumns(r) {
  const body = $("columns").tBodies[0];
  body.replaceChildren(...r.columns.map((c) => {
    let categories = "";
    if (c.categories) {
      const shown = c.categories.map((v) => el("span", { class: "cat" }, formatCell(v)));
      const more = c.nCategories > c.categories.length ? [el("span", { class: "muted" }, ` … ${c.nCategories} in all`)] : [];
      categories = el("span", { class: "cats" }, ...shown, ...more);
    }
    return el("tr", { "data-column": c.name, class: c.role === "target" ? "target" : "" },
      el("th", { scope: "row" }, c.name),
      el("td", {}, c.role),
      el("td", { class: "dtype" }, el("code", {}, c.dtype)),
      el("td", { class: "num" }, c.missing === null ? "?" : String(c.missing)),
      el("td", { class: "categories" }, categories));
  }));
}

// ---------------------------------------------------------------- fitting a model
// openml_lite.demo_fit.fit (src/openml_lite/demo_fit.py): a cross-validated scikit-learn
// pipeline on the loaded Bunch, as JSON.
let fitFunction = null;

function showModelPlan(r) {
  const target = r.columns.find((c) => c.role === "target");
  $("fit-result").replaceChildren();
  $("model").hidden = false;
  if (!target || r.targetNames.length !== 1) {
    $("model-plan").textContent = r.targetNames.length
      ? `This dataset has ${r.targetNames.length} target columns; the demo fits datasets with one.`
      : "This dataset has no default target, so there is nothing to predict.";
    $("fit").disabled = true;
    return;
  }
  const classification = ["categorical", "string", "boolean"].includes(target.kind);
  $("model-plan").textContent = classification
    ? `Predict “${target.name}” (classification): one-hot encoding for categorical columns, ` +
      "imputation and scaling for numeric ones, then LogisticRegression; 5-fold cross-validated accuracy."
    : `Predict “${target.name}” (regression): one-hot encoding for categorical columns, ` +
      "imputation and scaling for numeric ones, then Ridge; 5-fold cross-validated R².";
  // Titanic's boat and body are known only after the fact: they give the answer away
  const leaks = Number(r.id) === 40945 ? r.columns.filter((c) => ["boat", "body"].includes(c.name)).map((c) => c.name) : [];
  $("model-plan").append(el("span", { class: "muted" }, " Every feature column is used as it is, so a column " +
    "that gives the answer away" + (leaks.length ? ` (here ${leaks.join(" and ")}, known only afterwards)` : "") +
    " makes the score look better than a real model would be."));
  $("fit").disabled = false;
}

async function fitModel() {
  if (!state.bunch || state.busy) return;
  state.busy = true;
  $("fit").disabled = true;
  $("load").disabled = true;
  const out = $("fit-result");
  out.replaceChildren(el("p", { class: "busy" }, "Loading scikit-learn…"));
  try {
    if (!fitFunction) {
      setStatus("Loading scikit-learn (first time only)…", { busy: true });
      await state.pyodide.loadPackage(["scikit-learn"], { messageCallback: () => {} });
      const module = state.pyodide.pyimport("openml_lite.demo_fit"); // (its Python: src/openml_lite/demo_fit.py)
      fitFunction = module.fit.copy(); // (a copy outlives the module's proxy)
      module.destroy();
    }
    out.replaceChildren(el("p", { class: "busy" }, "Fitting (the page pauses while Python computes)…"));
    setStatus("Fitting a model…", { busy: true });
    await nextPaint();
    const fit = JSON.parse(fitFunction(state.bunch));
    showFit(fit);
    setStatus(`Model fitted in ${formatSeconds(fit.seconds)}.`);
  } catch (error) {
    const message = error.type ? cleanPython(error) : error.message;
    out.replaceChildren(el("p", { class: "error-inline", role: "alert" }, `Could not fit a model: ${message}`));
    setStatus("Fitting failed.");
  } finally {
    state.busy = false;
    $("fit").disabled = false;
    $("load").disabled = false;
  }
}

function cleanPython(error) {
  const at = error.message.lastIndexOf(`\n${error.type}: `);
  return at >= 0 ? error.message.slice(at + 1).trim() : error.message.trim().split("\n").pop();
}

function showFit(fit) {
  const label = fit.scoring === "accuracy" ? "accuracy" : "R²";
  const score = el("p", { class: "score" },
    el("span", { class: "score-label" }, `Cross-validated ${label}`),
    el("output", { id: "score", "data-score": String(fit.mean), for: "fit" }, fit.mean.toFixed(3)),
    el("span", { class: "score-std" }, `± ${fit.std.toFixed(3)} over ${fit.folds} folds`));
  const notes = el("ul", { class: "small fit-notes" },
    el("li", {}, `${fit.model} on ${fit.rows.toLocaleString("en")} rows` + (fit.sampled ? " (a random sample)" : "") +
      `, fitted ${fit.folds} times in ${formatSeconds(fit.seconds)}.`),
    el("li", {}, fit.task === "classification"
      ? `Baseline (always the most frequent class): ${fit.baseline.toFixed(3)}.`
      : "Baseline (always the mean): R² 0."),
    el("li", {}, `Features: ${fit.categorical.length} categorical (one-hot), ${fit.numeric.length} numeric` +
      (fit.dropped.length ? `; left out (free text): ${fit.dropped.join(", ")}` : "") + "."));
  for (const w of fit.warnings) notes.append(el("li", { class: "muted" }, `scikit-learn warned: ${w}`));
  $("fit-result").replaceChildren(score, notes);
}

// ---------------------------------------------------------------- wiring
$("pick").addEventListener("submit", (event) => {
  event.preventDefault();
  loadDataset($("dataset").value.trim());
});
$("dataset").addEventListener("input", syncVersionField);
$("fit").addEventListener("click", fitModel);

const bootFinished = boot();
bootFinished.then((ok) => {
  if (ok && state.config.dataset) {
    $("dataset").value = state.config.dataset;
    if (state.config.version) $("version").value = state.config.version;
    syncVersionField();
    loadDataset();
  }
});
