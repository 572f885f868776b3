// benchmarks/archive.py's browser half: search.html from file://, each query timed cold (as after a page
// load: nothing prepared) and warm. Usage: node benchmarks/archive-browser.mjs SEARCH.html '["q1", …]'
import { launchChromium } from "../tests/a11y/browser.mjs";
import { pathToFileURL } from "node:url";

const [file, queriesJson] = process.argv.slice(2);
const queries = JSON.parse(queriesJson);
const REPEATS = 5;
const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: 390, height: 800 } });
  const url = pathToFileURL(file).href;
  // a whole search as a reader makes it: load the page with ?q=, parse the index, search, list
  await page.goto(url + "?q=" + encodeURIComponent(queries[0]));
  const load = await page.evaluate(() => {
    const t = performance.getEntriesByType("navigation")[0];
    return t.loadEventEnd - t.startTime;
  });
  const timings = await page.evaluate(({ queries, repeats }) => {
    const api = window.bulletinSearch, index = window.BULLETIN_SEARCH_INDEX, out = {};
    for (const q of queries) {
      index.prepared = {};  // cold: as on a fresh page load
      let started = performance.now();
      const count = api.search(index, q, "").length;
      const first = performance.now() - started;
      const runs = [];
      for (let i = 0; i < repeats; i++) {
        started = performance.now();
        api.search(index, q, "");
        runs.push(performance.now() - started);
      }
      runs.sort((a, b) => a - b);
      out[q] = [first, runs[Math.floor(runs.length / 2)], count];
    }
    return out;
  }, { queries, repeats: REPEATS });
  console.log(JSON.stringify({ load, repeats: REPEATS, queries: timings }));
} finally {
  await browser.close();
}
