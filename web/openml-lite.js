/**
 * openml-lite.js: load OpenML datasets in a web page, with openml-lite running in Pyodide.
 *
 * An ES module, no dependencies, no build step. A documentation page needs three lines:
 *
 *   <script type="module">
 *     import { loadOpenML } from "./web/openml-lite.js";
 *     const titanic = await loadOpenML(40945, { onProgress: (got, total) => console.log(got, total) });
 *     console.log(titanic.shape, titanic.targetNames, titanic.preview.rows[0], titanic.report.engine);
 *   </script>
 *
 * loadOpenML(idOrName, options) -> Promise<result>
 *   idOrName   a data id (number, or a string of digits) or a dataset name ("iris").
 *   options (all optional):
 *     version      dataset version, for names only (default "active", as fetch_openml)
 *     onProgress   (received, total) => void: bytes of the data file while it downloads
 *                  (total is null when the server does not say; a last call has
 *                  received === total). Not called when the file comes from the cache.
 *     onStatus     (stage, text) => void: "boot", "install", "plan" (planOpenML),
 *                  "metadata", "download", "decode", "done"; text is a human sentence for a
 *                  status line.
 *     baseUrl      OpenML server root (default https://www.openml.org; e.g. a local mirror
 *                  from `python -m openml_lite.serve` or `python -m openml_lite.mirror serve`,
 *                  or a static one from `python -m openml_lite.mirror export`), or an array
 *                  of them in order: each request goes to the first that answers
 *     engine       parquet reader: "auto" (default), "js", "pyarrow", ...
 *     targetColumn "default-target" (default), a column name, an array of names, or null
 *     asFrame      "auto" (default), true or false, as fetch_openml
 *     nrows        load only the first nrows rows (the file is read page by page, by HTTP
 *                  range requests), as fetch_openml's nrows=
 *     skiprows     ... after the first skiprows rows (skiprows=)
 *     columns      the feature columns to load, an array of names (columns=)
 *     dtypes       "sklearn" (default: sklearn's dtypes) or "openml" (the file's compact
 *                  ones, e.g. uint8 pixels stay uint8) (dtypes=)
 *     maxMemory    "auto" (default: refuse a load this tab surely cannot hold, before its
 *                  data file is downloaded), a number of bytes, or null (no check)
 *                  (max_memory=)
 *     cache        keep downloads in the browser's Cache Storage (default true)
 *     previewRows  rows in result.preview (default 10)
 *     maxCategories  categories listed per column (default 50; nCategories has the count)
 *     returnBunch  also give result.bunch: the PyProxy of the Bunch itself (for
 *                  code that goes on in Python); the caller owns it: bunch.destroy()
 *     pyodide      a Pyodide instance to use (e.g. the page's own); else one is booted once
 *                  per page and reused by every call (with the page's global loadPyodide
 *                  if it has one, else by importing indexURL + "pyodide.mjs")
 *     indexURL     where Pyodide is (default: the "pyodide/" folder next to this file, i.e.
 *                  web/pyodide/ as build_wheels.sh makes it; or a CDN such as
 *                  "https://cdn.jsdelivr.net/pyodide/v0.27.7/full/")
 *     wheelURL     what micropip installs (default "openml-lite": from PyPI; locally the
 *                  wheel, e.g. "web/wheels/openml_lite-0.1.0-py3-none-any.whl"). Installed
 *                  once per Pyodide instance; skipped when openml_lite is importable.
 *
 * The result is a plain, JSON-able object (nothing to free):
 *   { id, name, version, url, description, details,
 *     shape: [rows, columns],            // of the frame (data + target), as pandas says
 *     targetNames: [...],
 *     columns: [{ name, dtype, kind: "categorical"|"numeric"|"boolean"|"string"|"other",
 *                 role: "feature"|"target", missing, categories: [...]|null, nCategories }],
 *     preview: { columns: [...], rows: [[...], ...], totalRows },   // missing values: null
 *     report: { engine, source, dataBytes, rangeRequests, fromCache, dataUrl,
 *               seconds: { metadata, engine, download, decode, convert, save, total },
 *               memory: estimate | null,           // the memory plan's (below)
 *               served: [{ what, url, server, cached }],  // which server gave what
 *               skipped: { server: why } },       // servers left out of the load  // LoadReport
 *     warnings: [{ category, message }],  // Python warnings of the load (ARFF fallback, ...)
 *     versions: { pyodide, openmlLite },
 *     wallSeconds,                        // the whole call as JS saw it
 *     bunch }                             // only with returnBunch: true
 *
 * planOpenML(idOrName, options) -> Promise<plan | null>: what loadOpenML(idOrName, options)
 * would take in memory, and whether it fits in this tab, without loading it (the metadata
 * only; the parquet file's footer, one range request, where only it can tell): Python's
 * openml_lite.memory_plan. Same options (onProgress, previewRows, returnBunch unused).
 *   { id, name, dataset,                 // dataset: "'iris' (id 61, version 1)"
 *     rows,                               // rows the load would hold
 *     verdict: "fits"|"tight"|"may not fit"|"too big",   // "too big": loadOpenML rejects
 *     message,                            // why, and the ways out ("" when it fits)
 *     estimate: { low, high, result: [low, high], text },  // bytes at the peak; the Bunch's
 *                                         // (result); text: "about 1.5 GB" or "1.2 to 3.0 GB"
 *     room: { total, perArray, where },   // what this tab can hold (bytes; null: no limit)
 *     ways: [way, ...] }                  // other options that would fit ([] when it fits)
 * A way: { arguments,                     // fetch_openml's keywords: { dtypes: "openml" }
 *          options,                       // the same as loadOpenML options: { dtypes: "openml" },
 *                                         // ready to spread: loadOpenML(id, {...mine, ...way.options})
 *          text,                          // "dtypes='openml' (about 916 MB)"
 *          fits,                          // surely (else only if the file stores its numbers compactly)
 *          estimate }
 * null where no plan is made: a sparse dataset (read from ARFF), no row count, maxMemory: null.
 *
 * Errors reject with an OpenMLLiteError (an Error): message "DatasetNotFoundError: Dataset
 * with data_id 999999 not found at ..." (the Python exception's type and text, no
 * traceback), .pythonType the exception's class name (null for JS-side failures such as
 * Pyodide not loading). A DatasetTooLargeError (the load surely cannot fit: rejected before
 * one byte of the data file is downloaded) also carries .estimate, .room and .ways, as a
 * plan's.
 *
 * Also exported: getPyodide(options) (boot + install, resolves to the Pyodide instance;
 * same options as above), OpenMLLiteError, and the mappings both calls use (pure, tested
 * in tests/js/): pythonArguments(idOrName, options) (fetch_openml's keywords),
 * optionsFromKeywords(keywords) (the way back, as a way's options are made) and
 * errorFromPython({type, message, estimate, room, ways}) (the error a call rejects with).
 *
 * Calls on one Pyodide instance run one after another (openml-lite's load report is per
 * interpreter), so concurrent calls are safe.
 */

const DEFAULT_INDEX_URL = new URL("./pyodide/", import.meta.url).href;
const DEFAULT_WHEEL = "openml-lite";

export class OpenMLLiteError extends Error {
  constructor(message, { pythonType = null, cause } = {}) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = "OpenMLLiteError";
    this.pythonType = pythonType;
  }
}

/** The OpenMLLiteError of a Python error as the helper reports it ({type, message}; a
 * DatasetTooLargeError's estimate, room and ways too). */
export function errorFromPython(error) {
  const rejected = new OpenMLLiteError(`${error.type}: ${error.message}`, { pythonType: error.type });
  if (error.ways) {
    rejected.estimate = error.estimate;
    rejected.room = error.room;
    rejected.ways = error.ways.map(wayFromPython);
  }
  return rejected;
}

function wayFromPython(way) {
  return { ...way, options: optionsFromKeywords(way.arguments) };
}

let bootedPyodide = null; // Promise of the instance this module boots (one per page)
const helpers = new WeakMap(); // Pyodide instance -> Promise of its helpers {load, plan} (PyProxies)

function absolute(url) {
  const base = typeof location !== "undefined" ? location.href : import.meta.url;
  return new URL(url, base).href;
}

/** The readable part of a Pyodide PythonError ("Type: text"), else the error's message. */
function cleanMessage(error) {
  const message = String(error?.message ?? error);
  const type = error?.type;
  if (type) {
    const at = message.lastIndexOf(`\n${type}: `);
    if (at >= 0) return message.slice(at + 1).trim();
    const lines = message.trim().split("\n");
    return lines[lines.length - 1];
  }
  return message;
}

function wrap(prefix, error) {
  if (error instanceof OpenMLLiteError) return error;
  return new OpenMLLiteError(`${prefix}${cleanMessage(error)}`, { pythonType: error?.type ?? null, cause: error });
}

async function boot(indexURL, onStatus) {
  onStatus?.("boot", "Starting Python (Pyodide)…");
  let loadPyodide = globalThis.loadPyodide;
  if (typeof loadPyodide !== "function") {
    ({ loadPyodide } = await import(new URL("pyodide.mjs", indexURL).href));
  }
  return await loadPyodide({ indexURL });
}

/** Boot Pyodide (once per page, unless options.pyodide is given) and install openml-lite
 * (once per instance). Resolves to the Pyodide instance. */
export async function getPyodide({ pyodide, indexURL = DEFAULT_INDEX_URL, wheelURL = DEFAULT_WHEEL, onStatus } = {}) {
  if (!pyodide) {
    if (!bootedPyodide) {
      const folder = absolute(indexURL.endsWith("/") ? indexURL : indexURL + "/");
      bootedPyodide = boot(folder, onStatus).catch((error) => {
        bootedPyodide = null; // let a later call try again
        throw wrap(`could not start Pyodide from ${folder}: `, error);
      });
    }
    pyodide = await bootedPyodide;
  }
  await helper(pyodide, wheelURL, onStatus);
  return pyodide;
}

function helper(pyodide, wheelURL, onStatus) {
  if (!helpers.has(pyodide)) {
    const ready = install(pyodide, wheelURL, onStatus).catch((error) => {
      helpers.delete(pyodide);
      throw error;
    });
    helpers.set(pyodide, ready);
  }
  return helpers.get(pyodide);
}

async function install(pyodide, wheelURL, onStatus) {
  const present = pyodide.runPython("import importlib.util\nimportlib.util.find_spec('openml_lite') is not None");
  if (!present) {
    const what = /[/:]/.test(wheelURL) ? absolute(wheelURL) : wheelURL;
    onStatus?.("install", "Installing openml-lite (with numpy and pandas)…");
    try {
      await pyodide.loadPackage("micropip", { messageCallback: () => {} });
      const micropip = pyodide.pyimport("micropip");
      try {
        await micropip.install(what);
      } finally {
        micropip.destroy();
      }
    } catch (error) {
      throw wrap(`could not install openml-lite from ${what}: `, error);
    }
  }
  // the Python side: openml_lite/browser_api.py (a module of the package: linted, tested on CPython)
  let api;
  try {
    api = pyodide.pyimport("openml_lite.browser_api");
    return { load: api.load.copy(), plan: api.plan.copy() }; // (copies outlive the module's proxy)
  } catch (error) {
    throw wrap("could not import openml_lite: ", error);
  } finally {
    api?.destroy();
  }
}

// fetch_openml's keywords whose loadOpenML option has another name (the others keep
// theirs): how a DatasetTooLargeError's ways become options
const OPTION_OF_KEYWORD = {
  base_url: "baseUrl", target_column: "targetColumn", as_frame: "asFrame", max_memory: "maxMemory",
};

const given = (value) => value !== undefined && value !== null;

/** fetch_openml's keywords for loadOpenML(idOrName, options) (and planOpenML). */
export function pythonArguments(idOrName, options = {}) {
  const args = {};
  const text = String(idOrName ?? "").trim();
  if (typeof idOrName === "number" || /^\d+$/.test(text)) {
    args.data_id = Number(text);
  } else if (text) {
    args.name = text;
    if (given(options.version) && options.version !== "") {
      args.version = options.version === "active" ? "active" : Number(options.version);
    }
  } else {
    throw new OpenMLLiteError("give a dataset id (e.g. 61) or a name (e.g. \"iris\")");
  }
  if (options.baseUrl) {
    args.base_url = Array.isArray(options.baseUrl) ? options.baseUrl.map(String) : String(options.baseUrl);
  }
  if (options.engine) args.engine = options.engine;
  if (options.targetColumn !== undefined) args.target_column = options.targetColumn; // null: no target
  if (options.asFrame !== undefined) args.as_frame = options.asFrame;
  if (options.cache !== undefined) args.cache = Boolean(options.cache);
  if (given(options.nrows)) args.nrows = options.nrows;
  if (given(options.skiprows)) args.skiprows = options.skiprows;
  if (given(options.columns)) args.columns = Array.from(options.columns, String);
  if (given(options.dtypes)) args.dtypes = options.dtypes;
  if (options.maxMemory !== undefined) args.max_memory = options.maxMemory; // null: no check
  return args;
}

/** loadOpenML's options for fetch_openml's keywords ({as_frame: false} -> {asFrame: false}). */
export function optionsFromKeywords(keywords) {
  return Object.fromEntries(Object.entries(keywords).map(([keyword, value]) => [OPTION_OF_KEYWORD[keyword] ?? keyword, value]));
}

function where(args) {
  return `${args.base_url ?? "OpenML"} about ${args.data_id ?? args.name}`;
}

/** The memory plan of loadOpenML(idOrName, options), without loading; see the file header. */
export async function planOpenML(idOrName, options = {}) {
  const { onStatus } = options;
  const args = pythonArguments(idOrName, options);
  const pyodide = await getPyodide(options);
  const { plan } = await helper(pyodide, options.wheelURL ?? DEFAULT_WHEEL, onStatus);
  onStatus?.("plan", `Asking ${where(args)} and estimating its memory…`);
  let answer;
  try {
    answer = JSON.parse(await plan(JSON.stringify(args)));
  } catch (error) {
    throw wrap("", error);
  }
  if (answer?.error) throw errorFromPython(answer.error);
  if (answer) answer.ways = answer.ways.map(wayFromPython);
  return answer;
}

/** Load one OpenML dataset; see the file header for options and the result. */
export async function loadOpenML(idOrName, options = {}) {
  const started = performance.now();
  const { onProgress, onStatus, returnBunch = false, previewRows = 10, maxCategories = 50 } = options;
  const args = pythonArguments(idOrName, options);
  const pyodide = await getPyodide(options);
  const { load } = await helper(pyodide, options.wheelURL ?? DEFAULT_WHEEL, onStatus);

  let downloading = false;
  const progress = (received, total) => {
    total = total ?? null;
    if (!downloading) {
      downloading = true;
      onStatus?.("download", "Downloading the data file…");
    }
    try {
      onProgress?.(received, total);
    } catch (error) {
      console.error("openml-lite: onProgress failed", error);
    }
    if (total !== null && received >= total) onStatus?.("decode", "Decoding parquet and building the DataFrame…");
  };

  // Loads may overlap (two in one page): each gets its own report, returned with its
  // result (openml_lite.browser_api.load: fetch_openml_async(..., with_report=True))
  onStatus?.("metadata", `Asking ${where(args)}…`);
  let answer;
  try {
    answer = await load(JSON.stringify(args), progress, returnBunch, previewRows, maxCategories);
  } catch (error) {
    throw wrap("", error);
  }
  try {
    const result = JSON.parse(answer.get(0));
    if (result.error) throw errorFromPython(result.error);
    result.versions.pyodide = pyodide.version;
    result.wallSeconds = (performance.now() - started) / 1000;
    if (returnBunch) result.bunch = answer.get(1);
    onStatus?.("done", `Loaded ${result.name} (id ${result.id}).`);
    return result;
  } finally {
    answer.destroy();
  }
}
