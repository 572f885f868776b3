// The offline search page, as a reader uses it: type a query, submit, follow the first result.
// Usage: node tests/a11y/search.mjs SEARCH.html QUERY [WIDTH]  -> JSON {status, results, opened}
import { launchChromium } from "./browser.mjs";
import { pathToFileURL } from "node:url";

const [file, query, width = "390"] = process.argv.slice(2);
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
  await page.goto(pathToFileURL(file).href);
  await page.fill("#q", query);
  const started = Date.now();
  await Promise.all([page.waitForNavigation(), page.press("#q", "Enter")]);
  const elapsed = Date.now() - started;
  const status = await page.textContent("#search-status");
  const results = await page.$$eval("#results a", (links) => links.map((a) => a.getAttribute("href")));
  const address = page.url();
  let opened = null;
  if (results.length) {
    await Promise.all([page.waitForNavigation(), page.click("#results a")]);
    opened = await page.evaluate(() => {
      const target = document.getElementById(decodeURIComponent(location.hash.slice(1)));
      return { url: location.href, found: !!target, tag: target && target.tagName,
               title: target && target.querySelector("h3") && target.querySelector("h3").textContent };
    });
  }
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  console.log(JSON.stringify({ address, status, results, opened, errors, elapsed, overflow,
    offline: requests.every((u) => u.startsWith("file:")) }));
} finally {
  await browser.close();
}
