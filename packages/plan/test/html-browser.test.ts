/**
 * The HTML calendar in a real headless browser (Debian's chromium, driven by playwright-core):
 * lanes, runs and clash markers render, hovering shows details, and the page makes no request.
 */
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderHtml } from "../src/render/html.js";
import { sampleReport } from "./support/report.js";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) {
  console.warn(
    `skipping the HTML browser test: no chromium at ${CHROMIUM} (apt-get install -y chromium, or set CHROMIUM_PATH)`,
  );
}

describe.skipIf(!haveChromium)("HTML calendar in headless chromium", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    });
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("draws a lane per pool, runs coloured by team and clash markers, without any request", async () => {
    const report = sampleReport();
    const dir = mkdtempSync(join(tmpdir(), "plan-html-"));
    const file = join(dir, "plan.html");
    writeFileSync(file, renderHtml(report));
    const url = pathToFileURL(file).href;

    const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    const requests: string[] = [];
    page.on("request", (r) => requests.push(r.url()));
    const consoleErrors: string[] = [];
    page.on("console", (m) => {
      if (m.type() === "error") consoleErrors.push(m.text());
    });
    page.on("pageerror", (e) => consoleErrors.push(e.message));
    await page.goto(url, { waitUntil: "load" });

    expect(await page.locator(".calendar .lane[data-pool]").count()).toBe(2);
    expect(await page.locator(".lane[data-pool='prod/a10g'] .run").count()).toBe(8);
    expect(await page.locator(".lane[data-pool='prod/l4'] .run").count()).toBe(4);
    const clashes = page.locator(".lane[data-pool='prod/a10g'] .clash");
    expect(await clashes.count()).toBe(report.clashes[0]!.overlapCount);
    expect(await page.locator(".lane[data-pool='prod/l4'] .clash").count()).toBe(0);

    // Runs of different teams get different colours; every run is laid out with a visible width.
    const colours = await page
      .locator(".run")
      .evaluateAll((els) => [
        ...new Set(
          els.map(
            (e) =>
              `${e.getAttribute("data-team")}=${e.ownerDocument.defaultView?.getComputedStyle(e).backgroundColor}`,
          ),
        ),
      ]);
    const byTeam = new Map(colours.map((c) => c.split("=") as [string, string]));
    expect(byTeam.size).toBe(3);
    expect(new Set(byTeam.values()).size).toBe(3);
    const widths = await page
      .locator(".run")
      .evaluateAll((els) => els.map((e) => e.getBoundingClientRect().width));
    for (const w of widths) expect(w).toBeGreaterThan(0);

    // Day labels of the axis stay readable: no label's text runs into the next one's.
    await page.setViewportSize({ width: 1100, height: 1000 });
    const labels = await page.locator(".axis .day").evaluateAll((els) =>
      els
        .filter((e) => (e.textContent ?? "") !== "")
        .map((e) => {
          const range = e.ownerDocument.createRange();
          range.selectNodeContents(e);
          const r = range.getBoundingClientRect();
          return { text: e.textContent ?? "", left: r.left, right: r.right };
        })
        .sort((a, b) => a.left - b.left),
    );
    expect(labels.length).toBeGreaterThan(7);
    for (let i = 1; i < labels.length; i++) {
      expect(labels[i]!.left, `${labels[i - 1]!.text} runs into ${labels[i]!.text}`).toBeGreaterThanOrEqual(
        labels[i - 1]!.right,
      );
    }
    await page.setViewportSize({ width: 1600, height: 1000 });

    // Hover: the tooltip names the team, the window and both times.
    await page.locator(".lane[data-pool='prod/a10g'] .run[data-team='vision']").first().hover();
    const tip = page.locator("#tip");
    await expect.poll(() => tip.isVisible()).toBe(true);
    expect(await tip.textContent()).toContain("vision / weekly-retrain");
    await clashes.first().hover();
    expect(await tip.textContent()).toContain("CLASH");

    // Next runs per window in the team's zone and UTC, and the cost table.
    const windowsTable = await page.locator("table.windows").textContent();
    expect(windowsTable).toContain("Europe/Berlin");
    expect(windowsTable).toMatch(/2026-12-06 04:00 .*2026-12-06T03:00:00Z/);
    expect(await page.locator("table.cost tbody tr").count()).toBe(report.cost.rows.length);

    expect(requests).toEqual([url]);
    expect(consoleErrors).toEqual([]);
    const screenshot = join(dir, "plan.png");
    await page.screenshot({ path: screenshot, fullPage: true });
    console.log(`HTML calendar screenshot: ${screenshot}`);
    await page.close();
  });
});
