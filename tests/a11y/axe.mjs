// HTML files -> axe-core violations as JSON, in Debian's headless Chromium driven by playwright-core.
// Usage: node tests/a11y/axe.mjs FILE.html [WIDTH] [SCREENSHOT.png] [FILE.html WIDTH SCREENSHOT.png ...]
// One line of JSON per file, in order; every file in a page of its own, one browser for all (a launch
// costs more than a check).
import { launchChromium } from "./browser.mjs";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";

const require = createRequire(import.meta.url);
const axeSource = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const args = process.argv.slice(2);
const jobs = [];
for (let i = 0; i < args.length; i += 3) jobs.push({ file: args[i], width: args[i + 1] || "1280", screenshot: args[i + 2] });
const browser = await launchChromium();
try {
  for (const { file, width, screenshot } of jobs) {
    const page = await browser.newPage({ viewport: { width: Number(width), height: 800 } });
    // The bulletin is self-contained: refuse every request that is not the file itself.
    await page.route("**/*", (route) => route.request().url().startsWith("file:") ? route.continue() : route.abort());
    await page.goto(pathToFileURL(file).href);
    await page.addScriptTag({ content: axeSource });
    const result = await page.evaluate(async () => await window.axe.run(document, { resultTypes: ["violations"] }));
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    if (screenshot) await page.screenshot({ path: screenshot, fullPage: false });
    console.log(JSON.stringify({ violations: result.violations.map((v) => ({ id: v.id, impact: v.impact,
      help: v.help, nodes: v.nodes.map((n) => n.target.join(" ")).slice(0, 5) })), overflow }));
    await page.close();  // and its context: the next file starts from nothing
  }
} finally {
  await browser.close();
}
