// One headless browser, driven for the Python tests (tests/browsers.py) with puppeteer-core:
// Chromium over CDP, Firefox over WebDriver BiDi (no geckodriver needed). One page.
//
// Protocol: one JSON object a line on stdin, {"id", "command", ...arguments}; one answer a
// line on stdout, {"id", "value"} or {"id", "error"}. Commands:
//   launch {browser: "chromium"|"firefox", executablePath, args, prefs, removeJspi,
//           acceptInsecureCerts, width, height}
//   get {url}               navigate and wait for the load event
//   evaluate {body, timeout} run `body` as an async function in the page; its return
//                           value, through JSON (undefined -> null)
//   refresh                 reload the page (new JS realm, same profile)
//   screenshot {path}       the page, as PNG
//   messages                console messages, page errors and failed requests since the last call
//   close
// The bridge ends when stdin closes, closing the browser first.
import readline from "node:readline";
import puppeteer from "puppeteer-core";

let browser = null;
let page = null;
let messages = [];

const commands = {
  async launch({ browser: name, executablePath, args = [], prefs = {}, removeJspi = null,
                  acceptInsecureCerts = false, width, height }) {
    browser = await puppeteer.launch({
      browser: name === "firefox" ? "firefox" : "chrome",
      executablePath,
      headless: true,
      args,
      extraPrefsFirefox: prefs,
      acceptInsecureCerts, // a throwaway certificate (Firefox; Chromium gets a flag instead)
      defaultViewport: { width, height },
      protocolTimeout: 30 * 60 * 1000, // evaluate has its own timeout; Pyodide boots are long
    });
    page = (await browser.pages())[0] ?? (await browser.newPage());
    await page.setViewport({ width, height }); // Firefox's first tab ignores defaultViewport
    // Chromium cannot switch JSPI off by flag: the page realm loses it before any script
    // runs (workers do the same themselves; see tests/browsers.py)
    if (removeJspi) await page.evaluateOnNewDocument(removeJspi);
    page.on("console", (message) => messages.push(`console ${message.type()}: ${message.text()}`));
    page.on("pageerror", (error) => messages.push(`page error: ${error.message ?? error}`));
    page.on("requestfailed", (request) =>
      messages.push(`request failed: ${request.url()} (${request.failure()?.errorText ?? "?"})`));
    return await browser.version();
  },

  async get({ url }) {
    await page.goto(url, { waitUntil: "load" });
  },

  async evaluate({ body, timeout = 60 }) {
    const run = page.evaluate(
      `(async () => {\n${body}\n})().then((value) => JSON.stringify(value === undefined ? null : value))`);
    let timer;
    const expired = new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`script timed out after ${timeout} s`)), timeout * 1000);
    });
    try {
      return JSON.parse(await Promise.race([run, expired]));
    } finally {
      clearTimeout(timer);
    }
  },

  async refresh() {
    await page.reload({ waitUntil: "load" });
  },

  async screenshot({ path }) {
    // the whole page when it scrolls, else the viewport (Firefox's full page of a short
    // document is only as high as the document)
    const scrolls = await page.evaluate(() => document.documentElement.scrollHeight > innerHeight);
    await page.screenshot({ path, fullPage: scrolls });
  },

  async messages() {
    const drained = messages;
    messages = [];
    return drained;
  },

  async close() {
    if (browser) await browser.close();
    browser = null;
  },
};

function answer(reply) {
  process.stdout.write(JSON.stringify(reply) + "\n");
}

// one command at a time, in order: the Python side waits for each answer
let queue = Promise.resolve();
const lines = readline.createInterface({ input: process.stdin });
lines.on("line", (line) => {
  queue = queue.then(async () => {
    const { id, command, ...args } = JSON.parse(line);
    try {
      if (!(command in commands)) throw new Error(`unknown command ${command}`);
      answer({ id, value: (await commands[command](args)) ?? null });
    } catch (error) {
      answer({ id, error: String(error?.message ?? error) });
    }
  });
});
lines.on("close", () => {
  queue.then(() => commands.close()).finally(() => process.exit(0));
});
