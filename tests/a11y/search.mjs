// The offline search page, as a reader uses it: for each query, type it, submit, follow the first result.
// Usage: node tests/a11y/search.mjs SEARCH.html WIDTH QUERY... -> JSON [{query, address, status, results, opened…}]
import { launchChromium } from "./browser.mjs";
import { pathToFileURL } from "node:url";

const [file, width, ...queries] = process.argv.slice(2);
const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: Number(width), height: 800 } });
  const requests = [];
  // No server and no network: every request must be a file, and is recorded.
  await page.route("**/*", (route) => {
    requests.push(route.request().url());
    return route.request().url().startsWith("file:") ? route.continue() : route.abort();
  });
  const errors = [];
  page.on("pageerror", (error) => errors.push(String(error)));
  const out = [];
  for (const query of queries) {
    await page.goto(pathToFileURL(file).href);
    await page.fill("#q", query);
    await Promise.all([page.waitForNavigation(), page.press("#q", "Enter")]);
    const status = await page.textContent("#search-status");
    const results = await page.$$eval("#results a", (links) => links.map((a) => a.getAttribute("href")));
    const address = page.url();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    let opened = null;
    if (results.length) {
      await Promise.all([page.waitForNavigation(), page.click("#results a")]);
      opened = await page.evaluate(() => {
        const target = document.getElementById(decodeURIComponent(location.hash.slice(1)));
        return { url: location.href, found: !!target, tag: target && target.tagName };
      });
    }
    out.push({ query, address, status, results, opened, overflow });
  }
  console.log(JSON.stringify({ searches: out, errors, offline: requests.every((u) => u.startsWith("file:")) }));
} finally {
  await browser.close();
}
