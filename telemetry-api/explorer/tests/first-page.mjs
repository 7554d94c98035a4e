// Times the explorer on a running server (docs/BENCHMARKS.md, "Trace explorer"):
//   node tests/first-page.mjs http://127.0.0.1:4318 [API_KEY]
// prints, for 5 cold loads each, navigation start → rendered rows of the trace list's first page,
// and → first waterfall paint of the newest trace. (`launch` gives the browser a fresh temporary
// profile; each load gets a new context, so nothing is cached.)
import { chromium } from "playwright-core";

const [base, key] = process.argv.slice(2);
if (!base) throw new Error("usage: node tests/first-page.mjs URL [API_KEY]");
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
});
const list = [];
const trace = [];
for (let i = 0; i < 5; i++) {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  if (key) await context.addInitScript((k) => localStorage.setItem("telemetry.apiKey", k), key);
  const page = await context.newPage();
  page.setDefaultTimeout(60000);
  await page.goto(`${base}/`);
  await page.waitForSelector('table.traces[data-loading="0"] tr[data-trace-id]');
  list.push(await page.evaluate(() => performance.now()));
  const id = await page.$eval("tr[data-trace-id]", (r) => r.dataset.traceId);
  const fresh = await context.newPage();
  await fresh.goto(`${base}/traces/${id}`);
  await fresh.waitForFunction(() => window.__explorer?.waterfallPaintMs !== undefined);
  trace.push(await fresh.evaluate(() => window.__explorer.waterfallPaintMs));
  await context.close();
}
const show = (xs) => xs.map((x) => `${x.toFixed(0)} ms`).join(", ");
console.log(`first page of the trace list, navigation → rendered rows: ${show(list)}`);
console.log(`newest trace, navigation → first waterfall paint: ${show(trace)}`);
await browser.close();
